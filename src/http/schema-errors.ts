// TypeBox's validation errors as the API reports them: one entry per field (a JSON pointer), in words
// a caller can act on. A field whose schema carries a refinement (Instant, Link) reports the
// refinement's message even when a plain keyword (pattern, format) failed first, so a
// `javascript:` link says "scheme 'javascript:' is not allowed", not a regular expression.
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

export interface SchemaError {
  /** JSON pointer, prefixed as asked (e.g. `/input/booking/startTime`). */
  field: string;
  message: string;
}

interface Refinement {
  check: (value: unknown) => boolean;
  error: (value: unknown) => string;
}

function at(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function refinementMessage(schema: unknown, value: unknown): string | undefined {
  const refinements = (schema as { '~refine'?: Refinement[] } | undefined)?.['~refine'];
  if (!refinements || typeof value !== 'string') return undefined;
  const failed = refinements.find((r) => !r.check(value));
  return failed?.error(value);
}

/** Every field that fails `schema`, once, with the most useful message. */
export function schemaErrors(schema: TSchema, value: unknown, prefix = ''): SchemaError[] {
  const out = new Map<string, string>();
  const add = (field: string, message: string) => {
    if (!out.has(field)) out.set(field, message);
  };
  for (const e of Value.Errors(schema, value)) {
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    if (e.keyword === 'required' && params.requiredProperties) {
      for (const p of params.requiredProperties) add(`${prefix}${e.instancePath}/${p}`, 'is required');
    } else if (e.keyword === 'additionalProperties' && params.additionalProperties) {
      for (const p of params.additionalProperties) add(`${prefix}${e.instancePath}/${p}`, 'is not a known field');
    } else if (e.keyword === 'boolean') {
      add(`${prefix}${e.instancePath}`, 'is not a known field');
    } else {
      const node = at(schema, e.schemaPath.replace(/^#/, ''));
      const message = refinementMessage(node, at(value, e.instancePath)) ?? e.message;
      add(`${prefix}${e.instancePath || ''}` || '/', message);
    }
  }
  return [...out].map(([field, message]) => ({ field, message }));
}
