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
  [field: string]: unknown;
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
}
