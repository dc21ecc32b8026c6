// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Directory } from '../directory.js';
import { tagEscalation } from '../escalations/request-context.js';
import { inputHash, type EscalationService } from '../escalations/service.js';
import { defaultPlaybookSettings, playbookNames, playbooks, type AllPlaybookSettings, type Playbook, type PlaybookSettings } from '../playbooks.js';
import { problemResponses } from '../http/openapi.js';
import { problems, type FieldProblem } from '../problem.js';
import { EscalationId } from './schemas.js';
import { schemaErrors as contractErrors } from '../http/schema-errors.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  directory: Directory;
  /** Each playbook's deployment settings (config); default: every setting's default. */
  playbookSettings?: AllPlaybookSettings | undefined;
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

const StartHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional({
      ...IdempotencyKey,
      description: 'Start-or-join playbooks (tech-incident): makes a retried request apply once (without one, the same input twice is one request)',
    }),
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
  },
  { additionalProperties: false },
);

function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  return contractErrors(schema, value, prefix).map((e) => ({ in: 'body', ...e }));
}

function fail(errors: FieldProblem[]): never {
  throw problems.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/**
 * The input with its defaults, checked against the schema (400 naming each field) and the
 * playbook's own checks: 400 for a bad reference, 422 naming the rule for input a rule refuses.
 */
export function parseInput(def: Playbook, raw: unknown, directory: Directory, settings: PlaybookSettings = defaultPlaybookSettings()[def.name] ?? {}): unknown {
  const input = Value.Default(def.inputSchema, Value.Clone(raw));
  const errors = schemaErrors(def.inputSchema, input, '/input');
  if (errors.length > 0) fail(errors);
  const checked = def.check(input as never, directory, settings as never);
  const semantic = checked.map((e) => ({ in: 'body', field: `/input${e.field}`, message: e.message }));
  const rule = checked.find((e) => e.rule)?.rule;
  if (rule) throw problems.rule(rule, semantic.map((e) => `${e.field}: ${e.message}`).join('; '), semantic);
  if (semantic.length > 0) fail(semantic);
  return input;
}

/** The update id of a start-or-join request: the caller's Idempotency-Key, else the input's hash (the same request twice is one). */
function joinRequestId(def: Playbook, input: unknown, idempotencyKey: string | undefined): string {
  const basis = idempotencyKey ? `key:${idempotencyKey}` : `input:${inputHash(def.name, input)}`;
  return `join:${def.name}:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (app, { escalations, directory, playbookSettings }) => {
  const settingsOf = (def: Playbook): PlaybookSettings => (playbookSettings ?? defaultPlaybookSettings())[def.name] ?? {};
  app.post(
    '/escalations',
    {
      schema: {
        summary: 'Start an escalation (idempotent by id), or add a request to a start-or-join escalation',
        description:
          "The body's `input` follows the playbook's schema (oneOf, discriminated by `playbook`). Start-once playbooks " +
          '(live-delivery, account-escalation) answer 201 and Location for a new escalation, 200 for the same id with the same ' +
          'input, 409 for the same id with other input. Start-or-join playbooks (tech-incident) add every request to the one ' +
          'escalation its business key names (e.g. every report of one problem): 201 when the request opened it, 200 when it ' +
          'joined, with the escalation, its run and the playbook\'s figures (e.g. the count of distinct customers); the same ' +
          'request again (or the same Idempotency-Key) applies once and answers as the first time. 422: a rule of the playbook ' +
          'refuses the input (e.g. an excluded category). Bad input starts nothing.',
        operationId: 'startEscalation',
        tags: ['escalations'],
        headers: StartHeaders,
        body: StartBody,
        response: {
          200: Type.Union([Type.Ref('Escalation'), JoinAnswer]),
          201: Type.Union([Type.Ref('Escalation'), JoinAnswer]),
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
      if (owner) fail([{ in: 'body', field: '/id', message: `ids starting with '${owner}:' name ${owner} escalations; choose another id` }]);
      const input = parseInput(def, request.body.input, directory, settingsOf(def));
      const id = request.body.id ?? `${def.name}:${def.businessKey(input as never)}`;
      tagEscalation(request, { escalationId: id });
      if (def.join) {
        // Start-or-join: kept apart from the start-once path below (whose idempotency is the id's).
        // The business key names the escalation (e.g. one per problem): an id of the caller's own would split it.
        const derived = `${def.name}:${def.businessKey(input as never)}`;
        if (id !== derived) {
          fail([{ in: 'body', field: '/id', message: `${def.name} escalations are named by their business key: leave id out (this request joins '${derived}')` }]);
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
