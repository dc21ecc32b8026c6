// Response and request schemas shared by the routes; they also make the OpenAPI document.
import { Type } from 'typebox';

/** Longest escalation id; the router's parameter limit (app.ts MAX_PARAM_LENGTH) is above it. */
export const ESCALATION_ID_MAX_LENGTH = 200;

export const EscalationId = Type.String({
  pattern: `^[A-Za-z0-9][A-Za-z0-9:._-]{0,${ESCALATION_ID_MAX_LENGTH - 1}}$`,
  maxLength: ESCALATION_ID_MAX_LENGTH,
  description: 'Escalation id (the Temporal workflow id); defaults to `<playbook>:<business key>`',
  examples: ['live-delivery:B-1001-facilitator-no-show'],
});

const TimelineEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  actor: Type.String(),
  detail: Type.String(),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const EscalationState = Type.Object(
  {
    escalationId: Type.String(),
    playbook: Type.String(),
    status: Type.String({ description: "The playbook's own status, e.g. awaiting-facilitator, delivered, cancelled" }),
    open: Type.Boolean(),
    outcome: Type.Union([Type.String(), Type.Null()]),
    waitingFor: Type.Array(Type.String(), { description: 'Event types the escalation waits for now' }),
    deciding: Type.Boolean({
      description:
        'True while a deadline has passed and the escalation is acting on it (e.g. started after its cutoff): ' +
        'the status and outcome are about to change; read the escalation again in a moment',
    }),
    deadlines: Type.Array(Type.Object({ name: Type.String(), at: Type.String({ format: 'date-time' }), description: Type.String() })),
    tasks: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    messages: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    timeline: Type.Array(TimelineEntry),
    details: Type.Unknown(),
  },
  { $id: 'EscalationState' },
);

export const Escalation = Type.Object(
  {
    id: Type.String(),
    playbook: Type.String(),
    execution: Type.Object({
      status: Type.String({ description: 'Temporal execution status: RUNNING, COMPLETED, ...' }),
      runId: Type.String(),
      startedAt: Type.String({ format: 'date-time' }),
      closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
    state: Type.Union([Type.Ref('EscalationState'), Type.Null()]),
  },
  { $id: 'Escalation' },
);

export const EscalationListItem = Type.Object(
  {
    id: Type.String(),
    playbook: Type.String(),
    status: Type.Union([Type.String(), Type.Null()], { description: "The playbook's status (EscalationStatus), e.g. awaiting-facilitator" }),
    businessTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'What the escalation is about in time (EscalationBusinessTime): the session start, the complaint time',
    }),
    nextDeadline: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'The earliest pending deadline (EscalationNextDeadline); null when none is pending',
    }),
    summary: Type.Union([Type.String(), Type.Null()], { description: 'One line: playbook, subject, business time (the Web UI summary)' }),
    execution: Type.Object({
      status: Type.String({ description: 'Temporal execution status: RUNNING, COMPLETED, ...' }),
      runId: Type.String(),
      startedAt: Type.String({ format: 'date-time' }),
      closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  },
  { $id: 'EscalationListItem', description: 'From Temporal visibility (search attributes and memo): no query per escalation' },
);

/** The default answer of a start: the escalation's id, its run and where to read it and send it events. */
const escalationRefProperties = {
  id: Type.String(),
  playbook: Type.String(),
  runId: Type.String({ description: 'The Temporal run the id names now' }),
  links: Type.Object({
    self: Type.String({ description: 'GET: the escalation with its state' }),
    events: Type.String({ description: 'POST: deliver an event' }),
  }),
};

export const EscalationRef = Type.Object(escalationRefProperties, {
  description: 'Default answer (Prefer: return=minimal). With Prefer: return=representation the answer is the escalation with its state, as GET answers it.',
});

/** 202 to a start with `Prefer: return=representation` whose state no worker answered in time (issue 17 item 2). */
export const StartAccepted = Type.Object(escalationRefProperties, {
  additionalProperties: false,
  description:
    'Prefer: return=representation, but no worker answered the state query within API_WORKER_WAIT_MS: the escalation is ' +
    'started (or already existed) and will run when a worker returns. No state and no Preference-Applied; Location names ' +
    'it and Retry-After says when to read its state with GET links.self.',
});

/** The default answer to an event: what the event changed, as the workflow's update answered it. */
export const EventResult = Type.Object(
  {
    escalationId: Type.String(),
    status: Type.String({ description: "The playbook's own status after the event" }),
    open: Type.Boolean(),
    outcome: Type.Union([Type.String(), Type.Null()]),
    waitingFor: Type.Array(Type.String(), { description: 'Event types the escalation waits for now' }),
    deadlines: Type.Array(Type.Object({ name: Type.String(), at: Type.String({ format: 'date-time' }), description: Type.String() })),
    tasks: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'The tasks still open' }),
    timeline: Type.Array(TimelineEntry, { description: 'The timeline entries this event added (its own first)' }),
  },
  { description: 'Default answer (Prefer: return=minimal). With Prefer: return=representation the answer is the whole state after the event.' },
);

/** An error response (application/problem+json). Prefer problemResponses(...statuses) from http/openapi. */
export const problemResponse = {
  description: 'Error (application/problem+json)',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
} as const;
