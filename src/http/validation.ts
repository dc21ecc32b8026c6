// Request validation with Ajv, per part of the request: path, query and headers arrive as text, so
// `"5"` may become the integer 5 there; a JSON body has its own types and is never coerced
// (`"id": false` is a 400, not the id "false").
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

type Pool = (externalSchemas: unknown, options: { customOptions?: Record<string, unknown> }) => Compile;
type Compile = (route: { httpPart?: string }) => unknown;

export function validatorPerPart(): ValidatorFactory {
  const urlParts = AjvCompiler() as unknown as Pool;
  const bodies = AjvCompiler() as unknown as Pool;
  // Fastify calls the compiler with { schema, method, url, httpPart } (the published types say schema).
  const factory = (externalSchemas: unknown, options: { customOptions?: Record<string, unknown> } = {}) => {
    const custom = { ...(options.customOptions ?? {}), removeAdditional: false, useDefaults: true };
    const forUrl = urlParts(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
    const forBody = bodies(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
    return (route: { httpPart?: string }) => (route.httpPart === 'body' ? forBody : forUrl)(route);
  };
  return factory as unknown as ValidatorFactory;
}
