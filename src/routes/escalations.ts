// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Directory } from '../directory.js';
import { tagEscalation } from '../escalations/request-context.js';
import type { EscalationService } from '../escalations/service.js';
import { playbookNames, playbooks, type Playbook } from '../playbooks.js';
import { problemResponses } from '../http/openapi.js';
import { problems, type FieldProblem } from '../problem.js';
import { EscalationId } from './schemas.js';
import { schemaErrors as contractErrors } from '../http/schema-errors.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  directory: Directory;
}

// The router validates the envelope; the input and the event are validated per playbook below, with
// the very schemas the OpenAPI document publishes for them (http/openapi.ts: oneOf by playbook/type).
const StartBody = Type.Object(
  {
    playbook: Type.Union(playbookNames.map((n) => Type.Literal(n)), { description: 'Which playbook to run' }),
    id: Type.Optional(EscalationId),
    input: Type.Record(Type.String(), Type.Unknown(), { description: "The playbook's input (GET /playbooks lists the schemas)" }),
  },
  { additionalProperties: false },
);

const EventBody = Type.Object(
  { type: Type.String({ minLength: 1, description: 'Event type (GET /playbooks lists them per playbook)' }) },
  { additionalProperties: true },
);

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): becomes part of the update id. */
export const IdempotencyKey = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  description:
    'Makes a retried event apply once: the same key (with the same event type and actor) is the same Temporal update. ' +
    'Use a new UUID per event; reuse it only to retry that event.',
  examples: ['6f1c2a8e-4b7d-4e0a-9c35-2d8f1e7b9a10'],
});

const EventHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) }, { additionalProperties: true });

const ListQuery = Type.Object(
  {
    playbook: Type.Optional(Type.Union(playbookNames.map((n) => Type.Literal(n)))),
    status: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: "The playbook's status, e.g. awaiting-facilitator" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'At most this many, newest first' })),
  },
  { additionalProperties: false },
);

function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  return contractErrors(schema, value, prefix).map((e) => ({ in: 'body', ...e }));
}

function fail(errors: FieldProblem[]): never {
  throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

export function parseInput(def: Playbook, raw: unknown, directory: Directory): unknown {
  const input = Value.Default(def.inputSchema, Value.Clone(raw));
  const errors = schemaErrors(def.inputSchema, input, '/input');
  if (errors.length > 0) fail(errors);
  const semantic = def.check(input as never, directory).map((e) => ({ in: 'body', field: `/input${e.field}`, message: e.message }));
  if (semantic.length > 0) fail(semantic);
  return input;
}

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (app, { escalations, directory }) => {
  app.post(
    '/escalations',
    {
      schema: {
        summary: 'Start an escalation (idempotent by id)',
        description:
          "The body's `input` follows the playbook's schema (oneOf, discriminated by `playbook`). Answers 201 and " +
          'Location for a new escalation, 200 for the same id with the same input, 409 for the same id with other input. ' +
          'Bad input starts nothing.',
        operationId: 'startEscalation',
        tags: ['escalations'],
        body: StartBody,
        response: { 200: { $ref: 'Escalation#' }, 201: { $ref: 'Escalation#' }, ...problemResponses(400, 409, 503, 504) },
      },
    },
    async (request, reply) => {
      const def = playbooks[request.body.playbook]!;
      tagEscalation(request, { playbook: def.name });
      const input = parseInput(def, request.body.input, directory);
      const id = request.body.id ?? `${def.name}:${def.businessKey(input as never)}`;
      tagEscalation(request, { escalationId: id });
      const { created, escalation } = await escalations.start(def, id, input);
      tagEscalation(request, { workflowRunId: escalation.execution.runId });
      return reply
        .status(created ? 201 : 200)
        .header('location', `/escalations/${encodeURIComponent(id)}`)
        .send(escalation);
    },
  );

  app.get(
    '/escalations',
    {
      schema: {
        summary: 'List escalations (Temporal visibility)',
        operationId: 'listEscalations',
        tags: ['escalations'],
        querystring: ListQuery,
        response: { 200: Type.Object({ escalations: Type.Array({ $ref: 'Escalation#' }) }), ...problemResponses(400, 503, 504) },
      },
    },
    async (request) => ({ escalations: await escalations.list({ ...request.query, limit: request.query.limit ?? 50 }) }),
  );

  app.get(
    '/escalations/:id',
    {
      schema: {
        summary: 'An escalation: status, outcome, pending deadlines, open tasks, timeline',
        operationId: 'getEscalation',
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        response: { 200: { $ref: 'Escalation#' }, ...problemResponses(400, 404, 503, 504) },
      },
    },
    async (request) => {
      const escalation = await escalations.get(request.params.id);
      tagEscalation(request, { escalationId: escalation.id, playbook: escalation.playbook, workflowRunId: escalation.execution.runId });
      return escalation;
    },
  );

  app.post(
    '/escalations/:id/events',
    {
      schema: {
        summary: 'Deliver an event (e.g. facilitator-arrived); answers with the new state',
        description:
          'The event follows its type\'s schema (oneOf, discriminated by `type`; GET /playbooks lists which types each playbook takes). ' +
          'Waits a few seconds (API_WORKER_WAIT_MS) for a worker, then answers 503 no-worker with Retry-After: send an ' +
          'Idempotency-Key and retry with the same key, and the event applies once.',
        operationId: 'deliverEvent',
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        headers: EventHeaders,
        body: EventBody,
        response: { 200: { $ref: 'EscalationState#' }, ...problemResponses(400, 404, 409, 503, 504) },
      },
    },
    async (request) => {
      const found = await escalations.lookup(request.params.id);
      const def = playbooks[found.playbook];
      if (!def) throw problems.notFound(`no escalation '${request.params.id}'`);
      tagEscalation(request, { escalationId: request.params.id, playbook: def.name, workflowRunId: found.runId });
      // Own keys only: an event type such as `constructor` or `toString` is unknown, not Object's.
      const schema = Object.hasOwn(def.events, request.body.type) ? def.events[request.body.type] : undefined;
      if (schema) tagEscalation(request, { eventType: request.body.type });
      if (!schema) {
        fail([{ in: 'body', field: '/type', message: `unknown event type for ${def.name}; expected one of: ${Object.keys(def.events).join(', ')}` }]);
      }
      const errors = schemaErrors(schema, request.body, '');
      if (errors.length > 0) fail(errors);
      return escalations.deliver(request.params.id, request.body, found, { idempotencyKey: request.headers['idempotency-key'] });
    },
  );
};
