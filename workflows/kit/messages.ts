// Message definitions shared by every playbook workflow and the API: one update delivers events
// (validated, so the caller gets a clear answer, and answered with a compact EventResult), one query
// reads the whole state. Each playbook's contract.ts types them for its own events and state with
// `escalationMessages<Event, State>()`: same names (so every escalation answers the same messages),
// typed per playbook.
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationEvent, EscalationState, EventResult, JoinRequest, JoinResult } from './state.js';

export const eventUpdate = defineUpdate<EventResult, [EscalationEvent]>('event');
/**
 * Start-or-join playbooks (definition `join`, e.g. tech-incident): every start request is delivered
 * by this update, the first one together with the workflow's start (update-with-start), so many
 * requests about one business key land on one escalation.
 */
export const joinUpdate = defineUpdate<JoinResult, [JoinRequest]>('join');
/** Fire-and-forget variant (e.g. from Slack buttons, where nobody waits for the answer). */
export const eventSignal = defineSignal<[EscalationEvent]>('event-signal');
export const stateQuery = defineQuery<EscalationState>('state');
/**
 * The state with the run that answered (Temporal's query answer does not say which run did). The API
 * sends it beside its describe, naming no run, so a read costs one round trip's time, not two; the
 * run id tells it whether both answers came from the same run (a continue-as-new or the id's next
 * run can fall between them).
 */
export const runStateQuery = defineQuery<RunState>('run-state');
export interface RunState {
  /** The run whose state this is (workflowInfo().runId). */
  runId: string;
  state: EscalationState;
}

// What the Web UI's "Queries" / "Updates" / "Signals" pickers and `temporal workflow metadata` show
// for each handler (the SDK sends them with the workflow's metadata query).
export const EVENT_UPDATE_DESCRIPTION =
  "Delivers an event { type, actor?, receivedAt?, ...fields } (GET /playbooks lists each playbook's event types and fields; " +
  'receivedAt, the instant the API received it, is the instant the event is judged at, default the workflow\'s time). ' +
  "The validator refuses what makes no sense now (EventNotApplicable: another issue type's event; EventOutOfOrder: " +
  'out of order or after the outcome). Answers the compact result: status, outcome, waitingFor, deadlines, open tasks ' +
  'and the timeline entries the event added. The API sends it with update id <type>:<actor>:<Idempotency-Key> and ' +
  '`idempotency: { key, digest }` (the body it was sent with): the same key with another body is refused (IdempotencyKeyReused).';
export const EVENT_SIGNAL_DESCRIPTION =
  'Fire-and-forget variant of the event update (e.g. Slack buttons): the same checks, but a refused event is recorded ' +
  "on the timeline as 'event-rejected' instead of answering an error.";
export const STATE_QUERY_DESCRIPTION =
  "The whole escalation: the playbook's status, outcome, waitingFor, pending deadlines (ISO instants), tasks, " +
  "messages sent, timeline and the playbook's details.";
export const RUN_STATE_QUERY_DESCRIPTION =
  'The state query\'s answer with the id of the run that gave it: { runId, state } (what the API reads beside its describe).';
/** An event the API refused by a role rule: who tried what, and why. */
export interface RefusedAttempt {
  /** The event type tried. */
  type: string;
  /** Who tried, as the credential says (e.g. `csm`, `tool:crm-sync on behalf of csm`). */
  actor: string;
  /** The rule that refused it, e.g. `finance-decision-by-accounting`. */
  rule: string;
  reason: string;
}
/** Records a refused attempt on the timeline; changes nothing else (status, deadlines, tasks stay). */
export const refusedEventSignal = defineSignal<[RefusedAttempt]>('event-refused');

export interface EscalationMessages<E extends EscalationEvent, S extends EscalationState> {
  event: UpdateDefinition<EventResult<S['status']>, [E]>;
  eventSignal: SignalDefinition<[E]>;
  state: QueryDefinition<S>;
}

/** The shared definitions, typed for one playbook's events and state (no new names: a typed view). */
export function escalationMessages<E extends EscalationEvent, S extends EscalationState>(): EscalationMessages<E, S> {
  return { event: eventUpdate, eventSignal, state: stateQuery } as unknown as EscalationMessages<E, S>;
}

/** The join update, typed for one start-or-join playbook's requests and answers (a typed view, no new name). */
export function joinMessage<Input, Result>(): UpdateDefinition<JoinResult<Result>, [JoinRequest<Input>]> {
  return joinUpdate as unknown as UpdateDefinition<JoinResult<Result>, [JoinRequest<Input>]>;
}

/** Failure types the API maps to HTTP statuses. */
export const EVENT_NOT_APPLICABLE = 'EventNotApplicable';
export const EVENT_OUT_OF_ORDER = 'EventOutOfOrder';
export const EVENT_BUSY = 'EventBusy';
/** The same Idempotency-Key (and actor) came with another request body: HTTP 422, nothing applied. */
export const IDEMPOTENCY_KEY_REUSED = 'IdempotencyKeyReused';

/** The event does not belong to this kind of escalation (e.g. wrong issue type): HTTP 400. */
export function notApplicable(message: string): never {
  throw ApplicationFailure.create({ type: EVENT_NOT_APPLICABLE, message, nonRetryable: true });
}

/**
 * The event makes no sense in the escalation's current state (e.g. after the outcome, or after the
 * deadline that closes it): HTTP 409. `details` (e.g. `{ deadline, at }`) travel with the failure.
 */
export function outOfOrder(message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({ type: EVENT_OUT_OF_ORDER, message, nonRetryable: true, ...(details && { details: [details] }) });
}

/**
 * The escalation cannot take this event *yet* without dropping something later (e.g. its queue of
 * notes for another system is full): HTTP 429 with Retry-After; the same event later applies. Refusing
 * up front is how an escalation keeps "what the API accepted is never dropped".
 */
export function busy(message: string): never {
  throw ApplicationFailure.create({ type: EVENT_BUSY, message, nonRetryable: true });
}
