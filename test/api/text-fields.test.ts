// Control characters in text fields (CR LF header injection, NUL): every string field of every
// playbook's input and events, and of the directory file, is either a single line (refuses CR, LF,
// NUL and every other control) or multi-line text (line feeds allowed, never NUL). The test walks
// the schemas themselves, so a field added tomorrow without Line()/Text() (or a stricter pattern)
// fails here.
import { describe, expect, it } from 'vitest';
import type { TSchema } from 'typebox';
import { DirectorySchema } from '../../src/directory.js';
import { schemaErrors } from '../../src/http/schema-errors.js';
import { playbooks } from '../../src/playbooks.js';
import { lineProblem, normaliseNewlines, TEXT_PATTERN, textProblem } from '../../workflows/kit/schemas/index.js';

const HEADER_INJECTION = 'a\r\nBcc: x@example.com';
const NUL = '\u0000';

interface StringField {
  path: string;
  schema: TSchema;
}

/** Every schema node that accepts strings, with a JSON-pointer-like path (`*` for items and map values). */
function stringFields(schema: unknown, path = ''): StringField[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const out: StringField[] = [];
  const types = [node.type].flat();
  if (types.includes('string') && node.const === undefined && node.enum === undefined) out.push({ path: path || '/', schema: node as TSchema });
  for (const [key, child] of Object.entries((node.properties as Record<string, unknown>) ?? {})) out.push(...stringFields(child, `${path}/${key}`));
  for (const child of Object.values((node.patternProperties as Record<string, unknown>) ?? {})) out.push(...stringFields(child, `${path}/*`));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') out.push(...stringFields(node.additionalProperties, `${path}/*`));
  if (node.items) out.push(...stringFields(node.items, `${path}/*`));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const child of (node[key] as unknown[]) ?? []) out.push(...stringFields(child, path));
  }
  return out;
}

const multiLine = (f: StringField) => (f.schema as { pattern?: string }).pattern === TEXT_PATTERN;

const schemas: [string, TSchema][] = [
  ...Object.values(playbooks).flatMap((def) => [
    [`${def.name} input`, def.inputSchema] as [string, TSchema],
    ...Object.entries(def.events).map(([type, schema]) => [`${def.name} event ${type}`, schema] as [string, TSchema]),
    ...(def.settings ? [[`${def.name} settings (directory file)`, def.settings.schema] as [string, TSchema]] : []),
  ]),
  ['directory file', DirectorySchema],
];

describe('every string field refuses control characters', () => {
  it('finds the string fields of every playbook (the walk itself works)', () => {
    expect(Object.keys(playbooks).sort()).toEqual(['account-escalation', 'client-call', 'gameday-issue', 'live-delivery', 'tech-incident']);
    const all = schemas.flatMap(([, s]) => stringFields(s));
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter(multiLine).length).toBeGreaterThan(20);
  });

  for (const [name, schema] of schemas) {
    it(`${name}: single-line fields refuse CR LF and NUL, multi-line fields refuse NUL`, () => {
      const fields = stringFields(schema);
      for (const field of fields) {
        expect(schemaErrors(field.schema, NUL), `${name} ${field.path} accepts NUL`).not.toHaveLength(0);
        if (!multiLine(field)) {
          expect(schemaErrors(field.schema, HEADER_INJECTION), `${name} ${field.path} accepts CR LF`).not.toHaveLength(0);
          expect(schemaErrors(field.schema, 'a\nb'), `${name} ${field.path} accepts LF`).not.toHaveLength(0);
        } else {
          // Free text keeps its lines (CR LF arrives as LF, see normaliseNewlines).
          expect(schemaErrors(field.schema, 'first line\nsecond line'), `${name} ${field.path} refuses LF`).toHaveLength(0);
          expect(schemaErrors(field.schema, 'a\u0007b'), `${name} ${field.path} accepts BEL`).not.toHaveLength(0);
        }
      }
    });
  }
});

describe('the messages name the character', () => {
  it('single line', () => {
    expect(lineProblem('Sales & Service')).toBeUndefined();
    expect(lineProblem(HEADER_INJECTION)).toBe('must be a single line without control characters (found CR)');
    expect(lineProblem('a\u0000')).toBe('must be a single line without control characters (found NUL)');
    expect(lineProblem('a\tb')).toBe('must be a single line without control characters (found TAB)');
    expect(lineProblem('a\u007fb')).toBe('must be a single line without control characters (found DEL)');
    expect(lineProblem('a\u0085b')).toBe('must be a single line without control characters (found U+0085)');
    expect(lineProblem('a\u2028b')).toBe('must be a single line without control characters (found U+2028)');
    expect(lineProblem('Zoë — 東京 🚀')).toBeUndefined();
  });

  it('multi-line', () => {
    expect(textProblem('line one\n\tline two')).toBeUndefined();
    expect(textProblem('a\u0000b')).toBe('must not contain control characters other than line feeds and tabs (found NUL)');
    expect(textProblem('a\u001bb')).toBe('must not contain control characters other than line feeds and tabs (found U+001B)');
  });

  it('CR LF and a lone CR become LF, deep in a body, without changing the argument', () => {
    const body = { a: 'one\r\ntwo\rthree', b: [{ c: 'x\r\n' }], n: 1, t: true, z: null };
    expect(normaliseNewlines(body)).toEqual({ a: 'one\ntwo\nthree', b: [{ c: 'x\n' }], n: 1, t: true, z: null });
    expect(body.a).toBe('one\r\ntwo\rthree');
  });

  it('a field error says which field and why (schema errors prefer the words to the pattern)', () => {
    const sessionTitle = (playbooks['live-delivery']!.inputSchema as unknown as { properties: { booking: { properties: { sessionTitle: TSchema } } } })
      .properties.booking.properties.sessionTitle;
    expect(schemaErrors(sessionTitle, HEADER_INJECTION, '/input/booking/sessionTitle')).toEqual([
      { field: '/input/booking/sessionTitle', message: 'must be a single line without control characters (found CR)' },
    ]);
  });
});
