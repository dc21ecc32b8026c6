// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Directory } from '../directory.js';
import { tagEscalation } from '../escalations/request-context.js';
import type { EscalationService } from '../escalations/service.js';
import { playbookNames, playbooks, type Playbook } from '../playbooks.js';
import { problems, type FieldProblem } from '../problem.js';
import { EscalationId, problemResponse } from './schemas.js';
import { listConditions, listFilterProperties } from './list-filters.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  directory: Directory;
}

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

function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  return Value.Errors(schema, value).map((e) => {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
    const field = `${prefix}${e.instancePath}${missing?.length ? `/${missing.join(',')}` : ''}`;
    return { in: 'body', field, message: e.message };
  });
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
        tags: ['escalations'],
        body: StartBody,
        response: { 200: { $ref: 'Escalation#' }, 201: { $ref: 'Escalation#' }, 400: problemResponse, 409: problemResponse },
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
        tags: ['escalations'],
        querystring: Type.Object({
          playbook: Type.Optional(Type.Union(playbookNames.map((n) => Type.Literal(n)))),
          status: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          ...listFilterProperties(playbooks),
        }),
        response: { 200: Type.Object({ escalations: Type.Array({ $ref: 'Escalation#' }) }), 400: problemResponse },
      },
    },
    async (request) => ({ escalations: await escalations.list({ ...request.query, where: listConditions(playbooks, request.query) }) }),
  );

  app.get(
    '/escalations/:id',
    {
      schema: {
        summary: 'An escalation: status, outcome, pending deadlines, open tasks, timeline',
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        response: { 200: { $ref: 'Escalation#' }, 404: problemResponse },
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
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        body: EventBody,
        response: { 200: { $ref: 'EscalationState#' }, 400: problemResponse, 404: problemResponse, 409: problemResponse },
      },
    },
    async (request) => {
      const found = await escalations.lookup(request.params.id);
      const def = playbooks[found.playbook];
      if (!def) throw problems.notFound(`no escalation '${request.params.id}'`);
      tagEscalation(request, { escalationId: request.params.id, playbook: def.name, workflowRunId: found.runId });
      const schema = def.events[request.body.type];
      if (Object.hasOwn(def.events, request.body.type)) tagEscalation(request, { eventType: request.body.type });
      if (!schema) {
        fail([{ in: 'body', field: '/type', message: `unknown event type for ${def.name}; expected one of: ${Object.keys(def.events).join(', ')}` }]);
      }
      const errors = schemaErrors(schema, request.body, '');
      if (errors.length > 0) fail(errors);
      return escalations.deliver(request.params.id, request.body, found);
    },
  );
};
