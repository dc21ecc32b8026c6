// The shape every playbook exposes through the state query and the API.

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
