// Message definitions shared by every playbook workflow and the API: one update delivers events
// (validated, so the caller gets a clear answer) and one query reads the state.
import { defineQuery, defineSignal, defineUpdate, ApplicationFailure } from '@temporalio/workflow';
import type { EscalationEvent, EscalationState } from './state.js';

export const eventUpdate = defineUpdate<EscalationState, [EscalationEvent]>('event');
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

/** Failure types the API maps to HTTP statuses. */
export const EVENT_NOT_APPLICABLE = 'EventNotApplicable';
export const EVENT_OUT_OF_ORDER = 'EventOutOfOrder';

/** The event does not belong to this kind of escalation (e.g. wrong issue type): HTTP 400. */
export function notApplicable(message: string): never {
  throw ApplicationFailure.create({ type: EVENT_NOT_APPLICABLE, message, nonRetryable: true });
}

/** The event makes no sense in the escalation's current state (e.g. after the outcome): HTTP 409. */
export function outOfOrder(message: string): never {
  throw ApplicationFailure.create({ type: EVENT_OUT_OF_ORDER, message, nonRetryable: true });
}
