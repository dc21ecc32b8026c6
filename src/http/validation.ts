// Request validation with Ajv, per part of the request: path, query and headers arrive as text, so
// `"5"` may become the integer 5 there (only `"5"`: Ajv would also read `0x5` or `5e0` as 5, which
// are refused first, see src/number-text.ts); a JSON body has its own types and is never coerced
// (`"id": false` is a 400, not the id "false").
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import { isDecimalText, numericProperties } from '../number-text.js';

type Pool = (externalSchemas: unknown, options: { customOptions?: Record<string, unknown> }) => Compile;
type Route = { schema?: unknown; httpPart?: string };
type Compile = (route: Route) => Validate;
type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * `validate` for a path, query or header schema, refusing first any numeric field whose text is not
 * a decimal number, with the error Ajv gives for a wrong type (so the 400 names the field the same way).
 */
function decimalNumbersOnly(schema: unknown, validate: Validate): Validate {
  const numeric = numericProperties(schema);
  if (numeric.length === 0) return validate;
  const wrapped: Validate = (data: unknown) => {
    for (const [key, type] of numeric) {
      const value = (data as Record<string, unknown> | null | undefined)?.[key];
      // A repeated query parameter arrives as an array (coerceTypes 'array'): each text counts.
      if ((Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && !isDecimalText(v, type))) {
        wrapped.errors = [{ instancePath: `/${key}`, schemaPath: `#/properties/${key}/type`, keyword: 'type', params: { type }, message: `must be ${type}` }];
        return false;
      }
    }
    const ok = validate(data);
    wrapped.errors = validate.errors;
    return ok;
  };
  return wrapped;
}

export function validatorPerPart(): ValidatorFactory {
  const urlParts = AjvCompiler() as unknown as Pool;
  const bodies = AjvCompiler() as unknown as Pool;
  // Fastify calls the compiler with { schema, method, url, httpPart } (the published types say schema).
  const factory = (externalSchemas: unknown, options: { customOptions?: Record<string, unknown> } = {}) => {
    const custom = { ...(options.customOptions ?? {}), removeAdditional: false, useDefaults: true };
    const forUrl = urlParts(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
    const forBody = bodies(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
    return (route: Route) => (route.httpPart === 'body' ? forBody(route) : decimalNumbersOnly(route.schema, forUrl(route)));
  };
  return factory as unknown as ValidatorFactory;
}
