// Request-body validation against a playbook's TypeBox schemas, as field problems (JSON pointers).
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { FieldProblem } from '../problem.js';

export function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  return Value.Errors(schema, value).map((e) => {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
    const field = `${prefix}${e.instancePath}${missing?.length ? `/${missing.join(',')}` : ''}`;
    return { in: 'body', field, message: e.message };
  });
}
