// TypeBox refinements for the contract helpers: the check runs wherever TypeBox validates (Value.Errors
// names the field and gives the message); the published JSON Schema stays plain.
import { Type, type TSchema } from 'typebox';

/** Attaches a check to a string schema; `check` answers an error message or undefined. */
export function refine<T extends TSchema>(schema: T, check: (value: string) => string | undefined): T {
  return Type.Refine(
    schema as TSchema,
    (value: unknown) => typeof value !== 'string' || check(value) === undefined,
    (value: unknown) => check(value as string) ?? 'is invalid',
  ) as unknown as T;
}
