// RFC 9457 problem details: every error the API returns has this body and content type.
import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';

export const PROBLEM_TYPE_BASE = 'https://escalation-engine.dev/problems/';

export interface FieldProblem {
  /** Where the field is: body, params or querystring. */
  in: string;
  /** JSON pointer to the field, e.g. `/input/booking/startTime`. */
  field: string;
  message: string;
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ in: Type.String(), field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  validation: (detail: string, errors: FieldProblem[]) => new HttpProblem(400, 'validation-error', 'Invalid request', detail, errors),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail),
  conflict: (slug: string, detail: string) => new HttpProblem(409, slug, 'Conflict', detail),
  /** Well-formed input that a business rule refuses (e.g. an excluded category): `slug` names the rule. */
  rule: (slug: string, detail: string, errors: FieldProblem[]) => new HttpProblem(422, slug, 'Refused by a rule', detail, errors),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', 'Service unavailable', detail),
};

const statusTitles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Refused by a rule',
  429: 'Too many requests',
};

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    let body: Record<string, unknown>;
    if (error instanceof HttpProblem) {
      body = { type: PROBLEM_TYPE_BASE + error.slug, title: error.title, status: error.status, detail: error.detail, errors: error.errors };
    } else if (error.validation) {
      const where = error.validationContext ?? 'body';
      const errors = error.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const field = missing ? `${v.instancePath}/${missing}` : v.instancePath || '/';
        return { in: where, field, message: v.message ?? 'is invalid' };
      });
      body = {
        type: PROBLEM_TYPE_BASE + 'validation-error',
        title: 'Invalid request',
        status: 400,
        detail: errors.map((e) => `${e.in} ${e.field}: ${e.message}`).join('; '),
        errors,
      };
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, wrong content type, body too large) keep their message.
      body = {
        type: PROBLEM_TYPE_BASE + (error.code ?? 'bad-request').toLowerCase().replace(/_/g, '-'),
        title: statusTitles[error.statusCode] ?? 'Bad request',
        status: error.statusCode,
        detail: error.message,
      };
    } else {
      request.log.error({ err: error }, 'request failed');
      body = { type: PROBLEM_TYPE_BASE + 'internal-error', title: 'Internal error', status: 500, detail: 'The request could not be completed; see the server log.' };
    }
    body.instance = request.url;
    void reply.status(body.status as number).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).type('application/problem+json').send({
      type: PROBLEM_TYPE_BASE + 'not-found',
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url}`,
      instance: request.url,
    });
  });
}
