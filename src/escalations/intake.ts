// A playbook's input as every starter sends it (REST and the Slack modal alike): schema defaults,
// schema check, the playbook's own checks (directory, time zones), and who reported it.
import { createHash } from 'node:crypto';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { Actor } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import { defaultPlaybookSettings, type Playbook, type PlaybookEnvSettings } from '../playbooks.js';
import { inputHash } from './service.js';
import { problems, type FieldProblem } from '../problem.js';
import { schemaErrors as contractErrors } from '../http/schema-errors.js';
import { lineProblem, normaliseNewlines } from '../../workflows/kit/schemas/index.js';

// Each schema compiled once: a valid body costs a compiled check (about a tenth of walking the
// schema for errors, which only a body that fails it needs).
const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();
function passes(schema: TSchema, value: unknown): boolean {
  let checker = compiled.get(schema);
  if (!checker) compiled.set(schema, (checker = Compile(schema)));
  return checker.Check(value);
}

/**
 * Compiles every playbook's input and event schemas now (about 40 ms for all of them), so the first
 * start or event of each kind does not pay for its schema's compilation.
 */
export function compileSchemas(defs: Iterable<Playbook>): void {
  for (const def of defs) {
    for (const schema of [def.inputSchema, ...Object.values(def.events)]) {
      if (!compiled.has(schema)) compiled.set(schema, Compile(schema));
    }
  }
}

/**
 * Every field of `value` that fails `schema`, as body field problems (JSON pointers under `prefix`).
 * `sent`: the body as received, when `value` is it with newlines normalised (CR LF read as LF): a
 * single-line field then names the character that was sent (`found CR`), not the LF it was read as.
 */
export function schemaErrors(schema: TSchema, value: unknown, prefix: string, sent?: unknown): FieldProblem[] {
  if (passes(schema, value)) return [];
  return contractErrors(schema, value, prefix).map((e) => {
    if (sent === undefined || !e.message.endsWith('(found LF)')) return { in: 'body', ...e };
    const original = at(sent, e.field.slice(prefix.length));
    return { in: 'body', ...e, message: (typeof original === 'string' && lineProblem(original)) || e.message };
  });
}

/** The value at a JSON pointer (RFC 6901), or undefined. */
function at(value: unknown, pointer: string): unknown {
  let node = value;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function fail(errors: FieldProblem[]): never {
  throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/**
 * The input's `reportedBy` is who opened the escalation, as the credential says: a person is
 * themselves; a tool is itself, or the person it names with scope on-behalf-of. A playbook whose
 * `reportedBy` is a directory person (`x-directory: person`, e.g. tech-incident's reporting agent,
 * who keeps ownership of the customer) gets that person's key: a tool acting for nobody is a 400.
 */
export function withReporter(raw: Record<string, unknown>, actor: Actor, def?: Playbook): Record<string, unknown> {
  const field = (def?.inputSchema as { properties?: Record<string, { 'x-directory'?: unknown }> } | undefined)?.properties?.reportedBy;
  if (field?.['x-directory'] !== 'person') return { ...raw, reportedBy: actor.label };
  if (!actor.person) {
    const message = `${def!.name} needs the person who reports it: a tool names them here (scope on-behalf-of)`;
    throw problems.validation(`/input/reportedBy: ${message}`, [{ in: 'body', field: '/input/reportedBy', message }]);
  }
  return { ...raw, reportedBy: actor.person };
}

/**
 * The input with defaults, checked against the schema (400 naming each field as `/input/...`) and
 * the playbook's own checks with the deployment's settings: 400 for a bad reference, 422 naming the
 * rule for input a rule refuses (e.g. tech-incident's excluded category).
 */
export function parseInput(
  def: Playbook,
  raw: unknown,
  directory: Directory,
  settings: PlaybookEnvSettings = defaultPlaybookSettings()[def.name] ?? {},
): unknown {
  // CR LF is read as LF (multi-line text is stored one way; single-line fields refuse both).
  const input = Value.Default(def.inputSchema, normaliseNewlines(raw));
  const errors = schemaErrors(def.inputSchema, input, '/input', raw);
  if (errors.length > 0) fail(errors);
  const checked = def.check(input as never, directory, settings as never);
  const semantic = checked.map((e) => ({ in: 'body', field: `/input${e.field}`, message: e.message }));
  const rule = checked.find((e) => e.rule)?.rule;
  if (rule) throw problems.rule(rule, semantic.map((e) => `${e.field}: ${e.message}`).join('; '), semantic);
  if (semantic.length > 0) fail(semantic);
  return input;
}

/**
 * The update id of a start-or-join request: the caller's Idempotency-Key, else the input's hash
 * (the same request twice is one).
 */
export function joinRequestId(def: Playbook, input: unknown, idempotencyKey: string | undefined): string {
  const basis = idempotencyKey ? `key:${idempotencyKey}` : `input:${inputHash(def.name, input)}`;
  return `join:${def.name}:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/** `<playbook>:<business key>`: the id an escalation gets when the starter names none. */
export function defaultId(def: Playbook, input: unknown): string {
  return `${def.name}:${def.businessKey(input as never)}`;
}
