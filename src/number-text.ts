// Numbers that arrive as text (environment variables, and the path, query and headers of a request)
// are converted by TypeBox's Value.Convert or Ajv's coerceTypes, which take far more than a person
// means by a number: '0x50' and '8e1' become 80, and Value.Convert reads '1.5' as the integer 1. A
// value that silently means something else than written is worse than a refusal, so a number is
// taken only as written in decimal (an integer in digits), with an optional sign; anything else keeps
// its text and fails the schema's type check, which names the field.
import type { TObject } from 'typebox';
import { Value } from 'typebox/value';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Whether `text` is a number of JSON Schema `type` ('integer' or 'number') written in decimal. */
export function isDecimalText(text: string, type: 'integer' | 'number'): boolean {
  return (type === 'integer' ? INTEGER_TEXT : DECIMAL_TEXT).test(text);
}

/** The JSON Schema numeric type of each of an object schema's properties that has one. */
export function numericProperties(schema: unknown): [string, 'integer' | 'number'][] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {};
  return Object.entries(properties).flatMap(([key, p]) => (p?.type === 'integer' || p?.type === 'number' ? [[key, p.type] as [string, 'integer' | 'number']] : []));
}

/**
 * Environment variables (`raw`: variable -> its text) converted to the types `schema` declares,
 * except numbers not written in decimal (surrounding spaces allowed), which stay text. `raw` is not
 * changed. Check the result against `schema` afterwards.
 */
export function convertEnvText(schema: TObject, raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const converted = Value.Convert(schema, { ...raw }) as Record<string, unknown>; // Convert may work in place
  for (const [key, type] of numericProperties(schema)) {
    const value = raw[key];
    if (typeof value === 'string' && !isDecimalText(value.trim(), type)) converted[key] = value;
  }
  return converted;
}
