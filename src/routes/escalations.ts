// /escalations: start, read, list, and deliver events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Directory } from '../directory.js';
import { tagEscalation } from '../escalations/request-context.js';
import { inputHash, type EscalationService } from '../escalations/service.js';
import { defaultPlaybookSettings, playbookNames, playbooks, type AllPlaybookSettings, type Playbook, type PlaybookSettings } from '../playbooks.js';
import { problems, type FieldProblem } from '../problem.js';
import { EscalationId, problemResponse } from './schemas.js';

export interface EscalationRoutesOptions {
  escalations: EscalationService;
  directory: Directory;
  /** Each playbook's deployment settings (config); default: every setting's default. */
  playbookSettings?: AllPlaybookSettings | undefined;
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

/**
 * The input with its defaults, checked against the schema (400 naming each field) and the
 * playbook's own checks: 400 for a bad reference, 422 naming the rule for input a rule refuses.
 */
export function parseInput(def: Playbook, raw: unknown, directory: Directory, settings: PlaybookSettings = {}): unknown {
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
  return `${def.name}:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

const JoinAnswer = Type.Object(
  {
    id: Type.String({ description: 'The escalation the request joined (the Temporal workflow id)' }),
    playbook: Type.String(),
    runId: Type.String({ description: 'The Temporal run the id names now' }),
    opened: Type.Boolean({ description: 'This request opened the escalation (201); false: it joined a running one (200)' }),
    status: Type.String({ description: "The escalation's status after the request" }),
    open: Type.Boolean(),
    result: Type.Record(Type.String(), Type.Unknown(), { description: "The playbook's answer, e.g. tech-incident: the report's number and the count of distinct customers" }),
    links: Type.Object({ self: Type.String(), events: Type.String() }),
  },
  { description: 'Start-or-join playbooks (e.g. tech-incident): which escalation the request joined, and what it counts now' },
);

export const escalationRoutes: FastifyPluginAsyncTypebox<EscalationRoutesOptions> = async (app, { escalations, directory, playbookSettings }) => {
  const settingsOf = (def: Playbook): PlaybookSettings => (playbookSettings ?? defaultPlaybookSettings())[def.name] ?? {};
  app.post(
    '/escalations',
    {
      schema: {
        summary: 'Start an escalation (idempotent by id), or add a request to a start-or-join escalation',
        description:
          'Start-once playbooks (live-delivery, account-escalation): 201 with the escalation; the same id with the same input again: 200 ' +
          'and the same escalation; with different input: 409. Start-or-join playbooks (tech-incident): every request joins the one ' +
          'escalation its business key names (201 when it opened it, 200 when it joined), answering which one and what it counts now; ' +
          'an `Idempotency-Key` header (or the same input again) makes a retry apply once. 422: a rule of the playbook refuses the input.',
        tags: ['escalations'],
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Start-or-join: makes a retried request apply once' })),
        }),
        body: StartBody,
        response: {
          200: Type.Union([Type.Ref('Escalation'), JoinAnswer]),
          201: Type.Union([Type.Ref('Escalation'), JoinAnswer]),
          400: problemResponse,
          409: problemResponse,
          422: problemResponse,
          503: problemResponse,
        },
      },
    },
    async (request, reply) => {
      const def = playbooks[request.body.playbook]!;
      tagEscalation(request, { playbook: def.name });
      const receivedAt = new Date().toISOString();
      const input = parseInput(def, request.body.input, directory, settingsOf(def));
      const id = request.body.id ?? `${def.name}:${def.businessKey(input as never)}`;
      tagEscalation(request, { escalationId: id });
      if (def.join) {
        // Start-or-join: kept apart from the start-once path below (its idempotency rules are the id's).
        const requestId = joinRequestId(def, input, request.headers['idempotency-key']);
        const { result, runId } = await escalations.join(def, id, input, settingsOf(def), { receivedAt, requestId });
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
