// Message definitions shared by every playbook workflow and the API: one update delivers events
// (validated, so the caller gets a clear answer, and answered with a compact EventResult), one query
// reads the whole state. Each playbook's contract.ts types them for its own events and state with
// `escalationMessages<Event, State>()`: same names (so every escalation answers the same messages),
// typed per playbook.
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationEvent, EscalationState, EventResult } from './state.js';

export const eventUpdate = defineUpdate<EventResult, [EscalationEvent]>('event');
/** Fire-and-forget variant (e.g. from Slack buttons, where nobody waits for the answer). */
export const eventSignal = defineSignal<[EscalationEvent]>('event-signal');
export const stateQuery = defineQuery<EscalationState>('state');

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

/** Failure types the API maps to HTTP statuses. */
export const EVENT_NOT_APPLICABLE = 'EventNotApplicable';
export const EVENT_OUT_OF_ORDER = 'EventOutOfOrder';
export const EVENT_BUSY = 'EventBusy';

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
