// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { resolveActor } from '../auth/actor.js';
import type { Identities } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import type { EventGateway } from '../escalations/events.js';
import { defaultId, parseInput, withReporter } from '../escalations/intake.js';
import { tagEscalation } from '../escalations/request-context.js';
import type { EscalationService } from '../escalations/service.js';
import { problemResponses } from '../http/openapi.js';
import { playbookNames, playbooks } from '../playbooks.js';
import { EscalationId, EscalationRef, EventResult } from './schemas.js';
import { listConditions, listFilterProperties } from './list-filters.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  events: EventGateway;
  directory: Directory;
  identities: Identities;
}

// The router validates the envelope; the input and the event are validated per playbook (intake.ts,
// events.ts), with the very schemas the OpenAPI document publishes for them (http/openapi.ts: oneOf
// by playbook/type).
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

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): becomes part of the update id. */
export const IdempotencyKey = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  description:
    'Makes a retried event apply once: the same key (with the same event type and actor) is the same Temporal update. ' +
    'Use a new UUID per event; reuse it only to retry that event.',
  examples: ['6f1c2a8e-4b7d-4e0a-9c35-2d8f1e7b9a10'],
});

/** RFC 7240 `Prefer`: return=minimal (the default answer) or return=representation (the whole state). */
const Prefer = Type.String({ description: 'RFC 7240: return=minimal (default) or return=representation', examples: ['return=representation'] });

const StartHeaders = Type.Object({ prefer: Type.Optional(Prefer) }, { additionalProperties: true });
const EventHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey), prefer: Type.Optional(Prefer) }, { additionalProperties: true });

const ListQuery = Type.Object(
  {
    playbook: Type.Optional(Type.Union(playbookNames.map((n) => Type.Literal(n)))),
    status: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: "The playbook's status, e.g. awaiting-facilitator" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'At most this many, newest first' })),
    // Filters playbooks declare on their own search attributes (e.g. event= for gameday-issue).
    ...listFilterProperties(playbooks),
  },
  { additionalProperties: false },
);

/** RFC 7240 `Prefer: return=representation` (preferences are comma-separated, tokens case-insensitive). */
export function prefersRepresentation(prefer: string | string[] | undefined): boolean {
  const values = (Array.isArray(prefer) ? prefer : prefer ? [prefer] : []).flatMap((v) => v.split(','));
  return values.some((v) => /^\s*return\s*=\s*"?representation"?\s*(;|$)/i.test(v));
}

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (app, { escalations, events, directory, identities }) => {
  app.post(
    '/escalations',
    {
      config: { auth: { scope: 'escalations:start' } },
      schema: {
        summary: 'Start an escalation (idempotent by id)',
        description:
          "The body's `input` follows the playbook's schema (oneOf, discriminated by `playbook`). Answers 201 and " +
          'Location for a new escalation, 200 for the same id with the same input, 409 for the same id with other input. ' +
          'Bad input starts nothing. `input.reportedBy` is set from the credential; a tool names the person it acts for ' +
          'there (scope `on-behalf-of`). The answer is the id, run and links, given as soon as Temporal has the workflow (it does ' +
          "not wait for the worker); `Prefer: return=representation` answers the escalation with its state instead (as GET " +
          "does), which waits for the workflow's first task (its state is null when no worker answers within API_WORKER_WAIT_MS).",
        operationId: 'startEscalation',
        tags: ['escalations'],
        headers: StartHeaders,
        body: StartBody,
        response: {
          200: Type.Union([EscalationRef, Type.Ref('Escalation')]),
          201: Type.Union([EscalationRef, Type.Ref('Escalation')]),
          ...problemResponses(400, 409, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const def = playbooks[request.body.playbook]!;
      tagEscalation(request, { playbook: def.name });
      const actor = resolveActor(request.principal!, request.body.input.reportedBy, identities, '/input/reportedBy');
      const input = parseInput(def, withReporter(request.body.input, actor), directory);
      const id = request.body.id ?? defaultId(def, input);
      tagEscalation(request, { escalationId: id });
      const withState = prefersRepresentation(request.headers.prefer);
      const { created, ref, escalation } = await escalations.start(def, id, input, { withState });
      tagEscalation(request, { workflowRunId: ref.runId });
      reply.status(created ? 201 : 200).header('location', ref.links.self).header('vary', 'Prefer');
      if (withState) reply.header('preference-applied', 'return=representation');
      return reply.send(escalation ?? ref);
    },
  );

  app.get(
    '/escalations',
    {
      config: { auth: { scope: 'escalations:read' } },
      schema: {
        summary: 'List escalations (Temporal visibility)',
        operationId: 'listEscalations',
        tags: ['escalations'],
        querystring: ListQuery,
        response: { 200: Type.Object({ escalations: Type.Array({ $ref: 'Escalation#' }) }), ...problemResponses(400, 503, 504) },
      },
    },
    async (request) =>
      ({ escalations: await escalations.list({ ...request.query, limit: request.query.limit ?? 50, where: listConditions(playbooks, request.query) }) }),
  );

  app.get(
    '/escalations/:id',
    {
      config: { auth: { scope: 'escalations:read' } },
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
      config: { auth: { scope: 'events:send' } },
      schema: {
        summary: 'Deliver an event (e.g. facilitator-arrived); answers what it changed',
        description:
          'The event follows its type\'s schema (oneOf, discriminated by `type`; GET /playbooks lists which types each playbook takes). ' +
          "It is recorded as sent by the credential's identity; `actor` names the directory person a tool acts for " +
          "(scope `on-behalf-of`). The playbook's role rules may refuse it: 403 `refused-by-rule` naming the rule, nothing " +
          'changes, and the attempt is recorded on the timeline. ' +
          'Answers the event\'s result: status, outcome, what the escalation waits for, deadlines, open tasks and the timeline ' +
          'entries the event added (an event no role rule governs costs one call to Temporal, the workflow\'s update). ' +
          '`Prefer: return=representation` answers the whole state after the event instead (one state query more). ' +
          'Waits a few seconds (API_WORKER_WAIT_MS) for a worker, then answers 503 no-worker with Retry-After: send an ' +
          'Idempotency-Key and retry with the same key, and the event applies once.',
        operationId: 'deliverEvent',
        tags: ['escalations'],
        params: Type.Object({ id: EscalationId }),
        headers: EventHeaders,
        body: EventBody,
        response: {
          // The whole state first: a compact result lacks its playbook, messages and details, so it can only match the second.
          200: Type.Union([Type.Ref('EscalationState'), EventResult]),
          ...problemResponses(400, 404, 409, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const actor = resolveActor(request.principal!, request.body.actor, identities, '/actor');
      const withState = prefersRepresentation(request.headers.prefer);
      reply.header('vary', 'Prefer');
      if (withState) reply.header('preference-applied', 'return=representation');
      const { state } = await events.send(request.params.id, request.body, actor, {
        idempotencyKey: request.headers['idempotency-key'],
        withState,
        found: (def, found) => {
          tagEscalation(request, { escalationId: request.params.id, playbook: def.name, ...(found && { workflowRunId: found.runId }) });
          if (Object.hasOwn(def.events, request.body.type)) tagEscalation(request, { eventType: request.body.type });
        },
      });
      return state;
    },
  );
};
