// The only request body the API reads is JSON (`application/json`, any charset parameter). Before
// anything walks the body (schema validation, cloning, defaults: all recursive), the nesting is
// bounded, so a 60 KB body nested 10,000 levels deep is a 400 naming the limit instead of a stack
// overflow (issue 13 item 1); `__proto__`, `constructor` and `prototype` keys are refused naming
// the field, so no later copy can turn them into a prototype change (issue 13 item 7).
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problem.js';

/** Bytes a request body may have. Inputs and events are a few KB; notes at most 5,000 characters. */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Objects and arrays nested deeper than this are refused. The deepest schema needs 5 levels. */
export const MAX_JSON_DEPTH = 32;

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The deepest nesting of objects and arrays in a JSON text, stopping early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

const pointer = (path: (string | number)[]) => path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Whether a parsed body holds a reserved key anywhere (no allocation: every body pays for this walk). */
function hasReservedKey(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const v of value) if (hasReservedKey(v)) return true;
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (RESERVED_KEYS.has(key) || hasReservedKey((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/** JSON pointers of every reserved key in a parsed body (its depth is already bounded). */
export function reservedKeys(value: unknown, path: (string | number)[] = [], found: string[] = []): string[] {
  if (path.length === 0 && !hasReservedKey(value)) return found;
  if (Array.isArray(value)) {
    value.forEach((v, i) => reservedKeys(v, [...path, i], found));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) found.push(pointer([...path, key]));
      else reservedKeys((value as Record<string, unknown>)[key], [...path, key], found);
    }
  }
  return found;
}

/** Parses a JSON request body or throws the problem that says what is wrong with it. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new HttpProblem(400, 'invalid-json', 'Invalid JSON', 'the body is empty; send a JSON document or no content-type');
  }
  const depth = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new HttpProblem(400, 'body-too-deep', 'Body nested too deeply', `JSON bodies may nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(400, 'invalid-json', 'Invalid JSON', `the body is not valid JSON: ${(err as Error).message}`);
  }
  const reserved = reservedKeys(value);
  if (reserved.length > 0) {
    throw new HttpProblem(
      400,
      'validation-error',
      'Invalid request',
      reserved.map((f) => `body ${f}: reserved key is not allowed`).join('; '),
      reserved.map((field) => ({ in: 'body', field, message: `reserved key '${field.slice(field.lastIndexOf('/') + 1)}' is not allowed` })),
    );
  }
  return value;
}

/**
 * Makes `application/json` the one body type of the app: Fastify's own JSON and text/plain parsers
 * go, so a JSON body sent as text/plain (or a cross-site form post) is a 415. A route that needs
 * another type (Slack's form-encoded interactions) adds its parser in its own plugin.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // The size limit is Fastify's (bodyLimit: the app's, or a route's own).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
