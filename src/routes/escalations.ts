// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { resolveActor } from '../auth/actor.js';
import type { Identities } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import type { EventGateway } from '../escalations/events.js';
import { defaultId, joinRequestId, parseInput, withReporter } from '../escalations/intake.js';
import { tagEscalation } from '../escalations/request-context.js';
import type { EscalationService } from '../escalations/service.js';
import { problemResponses } from '../http/openapi.js';
import { defaultPlaybookSettings, playbookNames, playbooks, type AllPlaybookSettings, type Playbook, type PlaybookEnvSettings } from '../playbooks.js';
import { problems, RETRY_AFTER_SECONDS } from '../problem.js';
import { EscalationId, EscalationRef, EventResult, StartAccepted } from './schemas.js';
import { listConditions, listFilterProperties } from './list-filters.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  events: EventGateway;
  directory: Directory;
  identities: Identities;
  /** Each playbook's deployment settings (config); default: every setting's default. */
  playbookSettings?: AllPlaybookSettings | undefined;
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
    'Use a new UUID per event; reuse it only to retry that event: the same key with another body (another type or other fields) ' +
    'is a 422 idempotency-key-reused and nothing is applied.',
  examples: ['6f1c2a8e-4b7d-4e0a-9c35-2d8f1e7b9a10'],
});

/** RFC 7240 `Prefer`: return=minimal (the default answer) or return=representation (the whole state). */
const Prefer = Type.String({ description: 'RFC 7240: return=minimal (default) or return=representation', examples: ['return=representation'] });

const EventHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey), prefer: Type.Optional(Prefer) }, { additionalProperties: true });

const StartHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional({
      ...IdempotencyKey,
      description:
        'Makes a retried request apply once and binds the key to this body: the same key with another body is a 422 idempotency-key-reused ' +
        '(start-or-join playbooks such as tech-incident: the update id; start-once playbooks: their id already makes a start idempotent, and ' +
        'the key is refused with another body for that id)',
    }),
    prefer: Type.Optional(Prefer),
  },
  { additionalProperties: true },
);

/** What a start-or-join playbook (e.g. tech-incident) answers a request. */
const JoinAnswer = Type.Object(
  {
    id: Type.String({ description: 'The escalation the request joined (the Temporal workflow id)' }),
    playbook: Type.String(),
    runId: Type.String({ description: 'The Temporal run the id names now' }),
    opened: Type.Boolean({ description: 'This request opened the escalation (201); false: it joined a running one (200)' }),
    status: Type.String({ description: "The escalation's status after the request" }),
    open: Type.Boolean(),
    result: Type.Record(Type.String(), Type.Unknown(), {
      description: "The playbook's answer, e.g. tech-incident: the report's number, the distinct customers and whether it is critical",
    }),
    links: Type.Object({ self: Type.String(), events: Type.String() }),
  },
  { description: 'Start-or-join playbooks (e.g. tech-incident): which escalation the request joined, and what it counts now' },
);

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

function fail(field: string, message: string): never {
  throw problems.validation(`${field}: ${message}`, [{ in: 'body', field, message }]);
}

/** RFC 7240 `Prefer: return=representation` (preferences are comma-separated, tokens case-insensitive). */
export function prefersRepresentation(prefer: string | string[] | undefined): boolean {
  const values = (Array.isArray(prefer) ? prefer : prefer ? [prefer] : []).flatMap((v) => v.split(','));
  return values.some((v) => /^\s*return\s*=\s*"?representation"?\s*(;|$)/i.test(v));
}

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (
  app,
  { escalations, events, directory, identities, playbookSettings },
) => {
  const settingsOf = (def: Playbook): PlaybookEnvSettings => (playbookSettings ?? defaultPlaybookSettings())[def.name] ?? {};
  app.post(
    '/escalations',
    {
      config: { auth: { scope: 'escalations:start' } },
      schema: {
        summary: 'Start an escalation (idempotent by id), or add a request to a start-or-join escalation',
        description:
          "The body's `input` follows the playbook's schema (oneOf, discriminated by `playbook`). Start-once playbooks " +
          '(live-delivery, account-escalation, client-call, gameday-issue) answer 201 and Location for a new escalation, 200 for the same id with the same ' +
          'input, 409 for the same id with other input; the answer is the id, run and links, given as soon as Temporal has the workflow (it does ' +
          "not wait for the worker); `Prefer: return=representation` answers the escalation with its state instead (as GET " +
          "does), which waits for the workflow's first task; when no worker answers within API_WORKER_WAIT_MS the escalation " +
          'is started all the same and the answer is 202 Accepted with the id, run and links (no state, no Preference-Applied), ' +
          'Location and Retry-After: read the state later with GET. ' +
          'Start-or-join playbooks (tech-incident) add every request to the one ' +
          'escalation its business key names (e.g. every report of one problem): 201 when the request opened it, 200 when it ' +
          'joined, with the escalation, its run and the playbook\'s figures (e.g. the count of distinct customers); the same ' +
          'request again (or the same Idempotency-Key) applies once and answers as the first time. 422: a rule of the playbook ' +
          'refuses the input (e.g. an excluded category). Bad input starts nothing. ' +
          '`input.reportedBy` is set from the credential; a tool names the person it acts for there (scope `on-behalf-of`).',
        operationId: 'startEscalation',
        tags: ['escalations'],
        headers: StartHeaders,
        body: StartBody,
        response: {
          200: Type.Union([JoinAnswer, Type.Ref('Escalation'), EscalationRef]),
          201: Type.Union([JoinAnswer, Type.Ref('Escalation'), EscalationRef]),
          202: {
            description: 'Started (or already there), but no worker answered the state query within API_WORKER_WAIT_MS: read it later (Location, Retry-After)',
            content: { 'application/json': { schema: StartAccepted } },
            headers: {
              location: { type: 'string', description: 'The escalation (GET: its state)' },
              'retry-after': { type: 'integer', description: 'Seconds to wait before reading the state' },
            },
          },
          ...problemResponses(400, 409, 422, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const def = playbooks[request.body.playbook]!;
      tagEscalation(request, { playbook: def.name });
      const receivedAt = new Date().toISOString();
      // `<playbook>:` starts the default ids of that playbook: an id of one's own never takes another's prefix.
      const owner = request.body.id ? playbookNames.find((name) => name !== def.name && request.body.id!.startsWith(`${name}:`)) : undefined;
      if (owner) fail('/id', `ids starting with '${owner}:' name ${owner} escalations; choose another id`);
      const actor = resolveActor(request.principal!, request.body.input.reportedBy, identities, '/input/reportedBy');
      const input = parseInput(def, withReporter(request.body.input, actor, def), directory, settingsOf(def));
      const id = request.body.id ?? defaultId(def, input);
      tagEscalation(request, { escalationId: id });
      if (def.join) {
        // Start-or-join: kept apart from the start-once path below (whose idempotency is the id's).
        // The business key names the escalation (e.g. one per problem): an id of the caller's own would split it.
        const derived = `${def.name}:${def.businessKey(input as never)}`;
        if (id !== derived) {
          fail('/id', `${def.name} escalations are named by their business key: leave id out (this request joins '${derived}')`);
        }
        const idempotencyKey = request.headers['idempotency-key'];
        const requestId = joinRequestId(def, input, idempotencyKey);
        const { result, runId } = await escalations.join(def, id, input, settingsOf(def), { receivedAt, requestId, idempotencyKey });
        tagEscalation(request, { workflowRunId: runId });
        const self = `/escalations/${encodeURIComponent(id)}`;
        return reply
          .status(result.opened ? 201 : 200)
          .header('location', self)
          .send({ id, playbook: def.name, runId, ...result, links: { self, events: `${self}/events` } });
      }
      const withState = prefersRepresentation(request.headers.prefer);
      const { created, ref, escalation } = await escalations.start(def, id, input, { withState, idempotencyKey: request.headers['idempotency-key'] });
      tagEscalation(request, { workflowRunId: ref.runId });
      reply.header('location', ref.links.self).header('vary', 'Prefer');
      if (escalation && escalation.state === null) {
        // The escalation was started (or exists), but no worker answered the state query within
        // API_WORKER_WAIT_MS: 202 with the reference and when to read it, never a 5xx (that would say
        // the start failed) and never `state: null` (which reads as "no state"). The preference was not applied.
        return reply.status(202).header('retry-after', String(RETRY_AFTER_SECONDS.worker)).send(ref);
      }
      reply.status(created ? 201 : 200);
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
        response: { 200: Type.Object({ escalations: Type.Array({ $ref: 'EscalationListItem#' }) }), ...problemResponses(400, 503, 504) },
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
          ...problemResponses(400, 404, 409, 422, 503, 504),
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
