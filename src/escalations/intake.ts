// A playbook's input as every starter sends it (REST and the Slack modal alike): schema defaults,
// schema check, the playbook's own checks (directory, time zones), and who reported it.
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { Actor } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import type { Playbook } from '../playbooks.js';
import { problems, type FieldProblem } from '../problem.js';
import { schemaErrors as contractErrors } from '../http/schema-errors.js';

// Each schema compiled once: a valid body costs a compiled check (about a tenth of walking the
// schema for errors, which only a body that fails it needs).
const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();
function passes(schema: TSchema, value: unknown): boolean {
  let checker = compiled.get(schema);
  if (!checker) compiled.set(schema, (checker = Compile(schema)));
  return checker.Check(value);
}

/** Every field of `value` that fails `schema`, as body field problems (JSON pointers under `prefix`). */
export function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  if (passes(schema, value)) return [];
  return contractErrors(schema, value, prefix).map((e) => ({ in: 'body', ...e }));
}

function fail(errors: FieldProblem[]): never {
  throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/**
 * The input's `reportedBy` is who opened the escalation, as the credential says: a person is
 * themselves; a tool is itself, or the person it names with scope on-behalf-of.
 */
export function withReporter(raw: Record<string, unknown>, actor: Actor): Record<string, unknown> {
  return { ...raw, reportedBy: actor.label };
}

/** The input with defaults, or a 400 problem naming each bad field as `/input/...`. */
export function parseInput(def: Playbook, raw: unknown, directory: Directory): unknown {
  const input = Value.Default(def.inputSchema, Value.Clone(raw));
  const errors = schemaErrors(def.inputSchema, input, '/input');
  if (errors.length > 0) fail(errors);
  const semantic = def.check(input as never, directory).map((e) => ({ in: 'body', field: `/input${e.field}`, message: e.message }));
  if (semantic.length > 0) fail(semantic);
  return input;
}

/** `<playbook>:<business key>`: the id an escalation gets when the starter names none. */
export function defaultId(def: Playbook, input: unknown): string {
  return `${def.name}:${def.businessKey(input as never)}`;
}
