// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { resolveActor } from '../auth/actor.js';
import type { Identities } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import type { EventGateway } from '../escalations/events.js';
import { tagEscalation } from '../escalations/request-context.js';
import type { EscalationService } from '../escalations/service.js';
import { playbookNames, playbooks } from '../playbooks.js';
import { EscalationId, problemResponse } from './schemas.js';
import { defaultId, parseInput, withReporter } from '../escalations/intake.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  events: EventGateway;
  directory: Directory;
  identities: Identities;
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
  {
    type: Type.String({ minLength: 1, description: 'Event type (GET /playbooks lists them per playbook)' }),
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The directory person a tool sends this for (needs scope on-behalf-of); default: the caller' }),
    ),
  },
  { additionalProperties: true },
);

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (app, { escalations, events, directory, identities }) => {
  app.post(
    '/escalations',
    {
      config: { auth: { scope: 'escalations:start' } },
      schema: {
        summary: 'Start an escalation (idempotent by id)',
        description: '`input.reportedBy` is set from the credential; a tool names the person it acts for there (scope `on-behalf-of`).',
        tags: ['escalations'],
        body: StartBody,
        response: { 200: { $ref: 'Escalation#' }, 201: { $ref: 'Escalation#' }, 400: problemResponse, 409: problemResponse },
      },
    },
    async (request, reply) => {
      const def = playbooks[request.body.playbook]!;
      tagEscalation(request, { playbook: def.name });
      const actor = resolveActor(request.principal!, request.body.input.reportedBy, identities, '/input/reportedBy');
      const input = parseInput(def, withReporter(request.body.input, actor), directory);
      const id = request.body.id ?? defaultId(def, input);
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
      config: { auth: { scope: 'escalations:read' } },
      schema: {
        summary: 'List escalations (Temporal visibility)',
        tags: ['escalations'],
        querystring: Type.Object({
          playbook: Type.Optional(Type.Union(playbookNames.map((n) => Type.Literal(n)))),
          status: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }),
        response: { 200: Type.Object({ escalations: Type.Array({ $ref: 'Escalation#' }) }), 400: problemResponse },
      },
    },
    async (request) => ({ escalations: await escalations.list(request.query) }),
  );

  app.get(
    '/escalations/:id',
    {
      config: { auth: { scope: 'escalations:read' } },
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
      config: { auth: { scope: 'events:send' } },
      schema: {
        summary: 'Deliver an event (e.g. facilitator-arrived); answers with the new state',
        description:
          "The event is recorded as sent by the credential's identity; `actor` names the " +
          "directory person a tool acts for (scope `on-behalf-of`). The playbook's role rules may refuse it: " +
          '403 `refused-by-rule` naming the rule, and the attempt is recorded on the timeline.',
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        body: EventBody,
        response: { 200: { $ref: 'EscalationState#' }, 400: problemResponse, 404: problemResponse, 409: problemResponse },
      },
    },
    async (request) => {
      const actor = resolveActor(request.principal!, request.body.actor, identities, '/actor');
      const { state } = await events.send(request.params.id, request.body, actor, {
        found: (def, found) => {
          tagEscalation(request, { escalationId: request.params.id, playbook: def.name, workflowRunId: found.runId });
          if (Object.hasOwn(def.events, request.body.type)) tagEscalation(request, { eventType: request.body.type });
        },
      });
      return state;
    },
  );
};
