// The shapes every playbook exposes: the full state (state query, GET /escalations/{id}) and the
// compact result of an event (the update's answer, stored in the history for every event).

export interface TimelineEntry {
  /** ISO instant (workflow time). */
  at: string;
  /** What happened, e.g. `slack-posted`, `event:facilitator-arrived`, `deadline-passed`, `step-failed`. */
  kind: string;
  /** Who did it: a person, `desk`, `engine`. */
  actor: string;
  detail: string;
  data?: Record<string, unknown>;
}

export interface PendingDeadline {
  name: string;
  /** ISO instant at which it fires. */
  at: string;
  description: string;
  /** Event types refused from `at` on (409 naming this deadline), whatever the worker's latency. */
  closes?: string[];
}

export interface Task {
  id: string;
  /** Who should do it (a role or directory key). */
  assignee: string;
  description: string;
  status: 'open' | 'done' | 'cancelled';
  openedAt: string;
  closedAt?: string;
  /** Call tasks: how often the assignee has been asked so far. */
  attempts?: number;
  /** Call tasks: when the assignee is asked again if nobody reports an outcome. */
  nextAttemptAt?: string;
}

/**
 * A Slack post whose buttons still work (a call task's request, an acknowledgement prompt): kept
 * by the kit until it closes the post (kit/notify.ts `closePosts`). Not part of the state query.
 */
export interface LivePost {
  /** The post's step (its update is `<step>-closed`). */
  step: string;
  /** Slack channel id and ts, as chat.postMessage answered. */
  channel: string;
  ts: string;
  /** The mrkdwn it was posted with (an update replaces the whole message, so it is sent again). */
  text: string;
}

export interface SentMessage {
  step: string;
  channel: 'slack' | 'email';
  to: string;
  at: string;
  ref: string;
  subject?: string;
}

export interface EscalationState<Status extends string = string, Details = unknown> {
  escalationId: string;
  playbook: string;
  status: Status;
  open: boolean;
  outcome: string | null;
  /** Events the escalation is waiting for now. */
  waitingFor: string[];
  /**
   * True while a deadline has passed and the escalation is acting on it (e.g. opened after its
   * cutoff): the status and outcome shown are about to change; read again in a moment.
   */
  deciding: boolean;
  deadlines: PendingDeadline[];
  tasks: Task[];
  messages: SentMessage[];
  timeline: TimelineEntry[];
  details: Details;
}

/** Any event delivered to an escalation; each playbook narrows `type` and the fields. */
export interface EscalationEvent {
  type: string;
  /** Who reports it (person key, Slack user, service name). */
  actor?: string;
  /**
   * Set by the API when the caller sent an Idempotency-Key: the key and the digest of the request
   * body. Not a field of the event (never on the timeline): the workflow refuses the same key with
   * another body, and its answer echoes the digest it applied (EventResult.idempotency).
   */
  idempotency?: IdempotencyTag;
  /**
   * Set by the API: the instant (ISO 8601, the API's clock) it received the event; clients cannot
   * send it (400). The kit judges the event at this instant (deadlines, business dates), not when a
   * worker got to it; an event without it is judged at the workflow's time.
   */
  receivedAt?: string;
  [field: string]: unknown;
}

/** An Idempotency-Key and the SHA-256 digest (hex) of the canonical request body it was sent with. */
export interface IdempotencyTag {
  key: string;
  digest: string;
}

/**
 * What an event update answers: the facts a sender needs right away, without the timeline and
 * details (Temporal stores every update's result in the history, so the whole state per event would
 * grow the history by the size of the state each time). The full state is read by the state query.
 */
export interface EventResult<Status extends string = string> {
  escalationId: string;
  status: Status;
  open: boolean;
  outcome: string | null;
  waitingFor: string[];
  deadlines: PendingDeadline[];
  /** The tasks still open after the event. */
  tasks: Task[];
  /** The timeline entries this event added (its own entry first). */
  timeline: TimelineEntry[];
  /**
   * The Idempotency-Key and body digest of the request this result answers (absent without a key):
   * Temporal answers a repeated update id with the first result, so the API compares this digest
   * with the repeat's own and refuses another body under the same key.
   */
  idempotency?: IdempotencyTag;
  /**
   * Set when this request's Idempotency-Key (same body) was applied by an earlier run of the
   * escalation (before it continued as new): nothing was applied now; the value is that run's id,
   * where the API reads the first answer (the update with the same id).
   */
  appliedInRun?: string;
}

/** An Idempotency-Key applied by a run, carried into the next ones (CarriedEscalation.requests). */
export interface AppliedRequest {
  actor: string;
  key: string;
  /** SHA-256 (hex) of the request body it was applied with. */
  digest: string;
  /** The run that applied it. */
  runId: string;
}

/**
 * A start request delivered to a start-or-join escalation (the kit's `join` update): the playbook's
 * input as the API accepted it, and when the API received it (the business time deadlines count
 * from, however late a worker picks the request up).
 */
export interface JoinRequest<Input = unknown> {
  input: Input;
  /** ISO instant at which the API accepted the request. */
  receivedAt: string;
  /** The request's Idempotency-Key and input digest, when the caller sent a key (echoed in the result). */
  idempotency?: IdempotencyTag;
}

/** What a join answers: which escalation the request joined, whether it opened it, and the playbook's own figures. */
export interface JoinResult<Result = Record<string, unknown>, Status extends string = string> {
  escalationId: string;
  /** True for the request that opened the escalation (the first one). */
  opened: boolean;
  status: Status;
  open: boolean;
  /** The playbook's answer, e.g. the report's number and the count of distinct customers. */
  result: Result;
  /** The Idempotency-Key and input digest of the request this answers (see EventResult.idempotency). */
  idempotency?: IdempotencyTag;
}
