// RFC 9457 problem details: every error the API returns has this body and content type, Fastify's
// own included (bad URL, over-long parameter, body too large, wrong content type, unknown route,
// wrong method, malformed HTTP). The catalogue of `type`s is in the README ("Errors").
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { fieldMessage, type KeywordError } from './http/schema-errors.js';

export const PROBLEM_TYPE_BASE = 'https://escalation-engine.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldProblem {
  /** Where the field is: body, params, querystring or headers. */
  in: string;
  /** JSON pointer to the field, e.g. `/input/booking/startTime`. */
  field: string;
  message: string;
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: `${PROBLEM_TYPE_BASE}<slug>; the README lists every slug` }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ description: 'body, params, querystring or headers' }),
          field: Type.String({ description: 'JSON pointer, e.g. /input/booking/startTime' }),
          message: Type.String(),
        }),
        { description: 'Each field that is wrong (validation-error)' },
      ),
    ),
    idempotencyKey: Type.Optional(
      Type.String({ description: 'no-worker on an event: the Idempotency-Key to retry with, so the event applies once' }),
    ),
    rule: Type.Optional(Type.String({ description: 'refused-by-rule: the role rule that refused the event (GET /playbooks lists them)' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

export interface ProblemOptions {
  errors?: FieldProblem[];
  /** Response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  idempotencyKey?: string;
  /** refused-by-rule: the role rule's id. */
  rule?: string;
  /** Logged (never sent): the error behind a 5xx. */
  cause?: unknown;
}

export class HttpProblem extends Error {
  readonly errors?: FieldProblem[];
  readonly headers: Record<string, string>;
  readonly idempotencyKey?: string;
  readonly rule?: string;

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    errorsOrOptions?: FieldProblem[] | ProblemOptions,
  ) {
    super(detail ?? title);
    const opts = Array.isArray(errorsOrOptions) ? { errors: errorsOrOptions } : (errorsOrOptions ?? {});
    this.errors = opts.errors;
    this.headers = opts.headers ?? {};
    this.idempotencyKey = opts.idempotencyKey;
    this.rule = opts.rule;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = { temporal: 5, worker: 5, stalled: 30, identityProvider: 5, busy: 2 } as const;

export const problems = {
  validation: (detail: string, errors: FieldProblem[]) => new HttpProblem(400, 'validation-error', 'Invalid request', detail, errors),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail),
  conflict: (slug: string, detail: string) => new HttpProblem(409, slug, 'Conflict', detail),
  /** Well-formed input that a business rule refuses (e.g. an excluded category): `slug` names the rule. */
  rule: (slug: string, detail: string, errors: FieldProblem[]) => new HttpProblem(422, slug, 'Refused by a rule', detail, errors),
  unavailable: (detail: string, cause?: unknown) =>
    new HttpProblem(503, 'temporal-unavailable', 'Service unavailable', detail, {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS.temporal) },
      cause,
    }),
  /** A role rule refused the event (src/auth/rules.ts): names the rule; nothing changed. */
  refused: (rule: string, detail: string) => new HttpProblem(403, 'refused-by-rule', 'Forbidden', detail, { rule }),
};

/** Fastify's own error codes, by the problem type they become. */
const fastifyCodes: Record<string, { slug: string; title: string }> = {
  FST_ERR_BAD_URL: { slug: 'bad-url', title: 'Malformed URL' },
  FST_ERR_MAX_PARAM_LENGTH: { slug: 'uri-too-long', title: 'Path parameter too long' },
  FST_ERR_CTP_BODY_TOO_LARGE: { slug: 'body-too-large', title: 'Payload too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { slug: 'bad-request', title: 'Bad request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { slug: 'invalid-json', title: 'Invalid JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { slug: 'invalid-json', title: 'Invalid JSON' },
};

const titleFor = (status: number) => STATUS_CODES[status] ?? 'Error';
const short = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Fastify's messages, said in terms of this API. */
function fastifyDetail(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `send the body as application/json (got ${short(String(request.headers['content-type'] ?? 'no content-type'), 80)})`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the body is larger than ${request.routeOptions.bodyLimit ?? 'the limit of'} bytes`;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'a path parameter is longer than the router allows; escalation ids have at most 200 characters';
    case 'FST_ERR_BAD_URL':
      return `the path is not valid percent-encoded UTF-8: ${short(request.url, 80)}`;
    default:
      return error.message;
  }
}

function body(status: number, slug: string, title: string, instance: string, extra: Record<string, unknown> = {}) {
  return { type: PROBLEM_TYPE_BASE + slug, title, status, ...extra, instance };
}

function fromError(error: FastifyError | HttpProblem, request: FastifyRequest): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const instance = request.url.split('?')[0] ?? request.url;
  if (error instanceof HttpProblem) {
    if (error.status >= 500) {
      // A stalled escalation needs an operator; Temporal or a worker being away is reported once per request.
      const cause = error.cause instanceof Error ? error.cause.message : undefined;
      const level = error.slug === 'escalation-stalled' ? 'error' : 'warn';
      request.log[level]({ problem: error.slug, status: error.status, cause }, error.detail ?? error.title);
    }
    return {
      status: error.status,
      headers: error.headers,
      body: body(error.status, error.slug, error.title, instance, {
        ...(error.detail !== undefined && { detail: error.detail }),
        ...(error.errors && { errors: error.errors }),
        ...(error.idempotencyKey && { idempotencyKey: error.idempotencyKey }),
        ...(error.rule && { rule: error.rule }),
      }),
    };
  }
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    // One entry per field: a union of literals fails once per member, said once with its values.
    const byField = new Map<string, KeywordError[]>();
    const fixed = new Map<string, string>();
    for (const v of error.validation) {
      const params = v.params as { missingProperty?: string; additionalProperty?: string };
      const leaf = params.missingProperty ?? params.additionalProperty;
      const field = leaf ? `${v.instancePath}/${leaf}` : v.instancePath || '/';
      if (!byField.has(field)) byField.set(field, []);
      if (params.additionalProperty) fixed.set(field, 'is not a known field');
      byField.get(field)!.push({ keyword: v.keyword, params: v.params, message: v.message });
    }
    const errors = [...byField].map(([field, list]) => ({ in: where, field, message: fixed.get(field) ?? fieldMessage(list) ?? 'is invalid' }));
    return {
      status: 400,
      headers: {},
      body: body(400, 'validation-error', 'Invalid request', instance, {
        detail: errors.map((e) => `${e.in} ${e.field}: ${e.message}`).join('; '),
        errors,
      }),
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const known = error.code ? fastifyCodes[error.code] : undefined;
    const slug = known?.slug ?? (error.code ?? 'bad-request').toLowerCase().replace(/^fst-err-/, '').replace(/_/g, '-');
    return { status, headers: {}, body: body(status, slug, known?.title ?? titleFor(status), short(instance), { detail: fastifyDetail(error, request) }) };
  }
  request.log.error({ err: error }, 'request failed');
  return {
    status: 500,
    headers: {},
    body: body(500, 'internal-error', 'Internal error', instance, { detail: 'The request could not be completed; see the server log.' }),
  };
}

export function sendProblem(reply: FastifyReply, status: number, problem: Record<string, unknown>, headers: Record<string, string> = {}): FastifyReply {
  return reply.status(status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The app's error handler; also Fastify's `frameworkErrors` (bad URL, over-long parameter). */
export function handleError(error: FastifyError | HttpProblem, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const p = fromError(error, request);
  return sendProblem(reply, p.status, p.body, p.headers);
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (an unknown method, a malformed
 * request line, headers too large): answer those as problem details too.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const payload = JSON.stringify(
    body(status, status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request', titleFor(status), '/', {
      detail: status === 400 ? 'The request is not valid HTTP/1.1 (method, request line or headers).' : titleFor(status),
    }),
  );
  socket.end(
    `HTTP/1.1 ${status} ${titleFor(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
}

export function registerProblemHandlers(
  app: FastifyInstance,
  notFound: (request: FastifyRequest) => { allow?: string[] } = () => ({}),
): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => handleError(error, request, reply));

  // An unknown route or method answers before its body is read (a QUERY or POST to a wrong path is
  // a 404/405, not a complaint about its content type).
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return answerNotFound(request, reply);
  });
  app.setNotFoundHandler((request, reply) => answerNotFound(request, reply));

  function answerNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const instance = request.url.split('?')[0] ?? request.url;
    const { allow } = notFound(request);
    if (allow && allow.length > 0) {
      return sendProblem(
        reply,
        405,
        body(405, 'method-not-allowed', 'Method not allowed', instance, { detail: `${request.method} is not allowed on ${instance}; allowed: ${allow.join(', ')}` }),
        { allow: allow.join(', ') },
      );
    }
    return sendProblem(reply, 404, body(404, 'not-found', 'Not found', instance, { detail: `No route ${request.method} ${instance}` }));
  }
}
