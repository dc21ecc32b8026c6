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

/** `must be one of: a, b, c` for the values a union of literals (or an enum) allows. */
export function oneOfMessage(values: readonly unknown[]): string {
  const shown = [...new Set(values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
  return `must be one of: ${shown.join(', ')}`;
}

/** One validation error, as TypeBox and Ajv both report them. */
export interface KeywordError {
  keyword: string;
  params: unknown;
  message?: string | undefined;
}

/**
 * The message for one field from all its errors: a union of literals (`anyOf` of `const`, Ajv's
 * and TypeBox's way of saying "one of these values") or an `enum` fails once per member, so its
 * errors become one message listing the allowed values instead of "must be equal to constant" per
 * member. Anything else keeps the first error's message (the caller may have a better one).
 */
export function fieldMessage(errors: readonly KeywordError[]): string | undefined {
  const allowed: unknown[] = [];
  let onlyValues = errors.length > 0;
  for (const e of errors) {
    const params = (e.params ?? {}) as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (e.keyword === 'const') allowed.push(params.allowedValue);
    else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) allowed.push(...params.allowedValues);
    else if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') onlyValues = false;
  }
  if (onlyValues && allowed.length > 0) return oneOfMessage(allowed);
  const first = errors.find((e) => e.keyword !== 'const' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
  return first?.message;
}

/** Every field that fails `schema`, once, with the most useful message. */
export function schemaErrors(schema: TSchema, value: unknown, prefix = ''): SchemaError[] {
  const out = new Map<string, string>();
  const add = (field: string, message: string) => {
    if (!out.has(field)) out.set(field, message);
  };
  const byField = new Map<string, { refined?: string; errors: KeywordError[] }>();
  for (const e of Value.Errors(schema, value)) {
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    if (e.keyword === 'required' && params.requiredProperties) {
      for (const p of params.requiredProperties) add(`${prefix}${e.instancePath}/${p}`, 'is required');
    } else if (e.keyword === 'additionalProperties' && params.additionalProperties) {
      for (const p of params.additionalProperties) add(`${prefix}${e.instancePath}/${p}`, 'is not a known field');
    } else if (e.keyword === 'boolean') {
      add(`${prefix}${e.instancePath}`, 'is not a known field');
    } else {
      const field = `${prefix}${e.instancePath || ''}` || '/';
      // Keeps the field's place in the order errors arrived; its message is decided below.
      if (!out.has(field)) out.set(field, '');
      const entry = byField.get(field) ?? { errors: [] };
      const node = at(schema, e.schemaPath.replace(/^#/, ''));
      entry.refined ??= refinementMessage(node, at(value, e.instancePath));
      entry.errors.push(e);
      byField.set(field, entry);
    }
  }
  for (const [field, entry] of byField) {
    if (out.get(field) !== '') continue;
    out.set(field, entry.refined ?? fieldMessage(entry.errors) ?? 'is invalid');
  }
  return [...out].map(([field, message]) => ({ field, message }));
}
