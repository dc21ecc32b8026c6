// The events: which make sense now (the update's validator: 409 when out of order, 400 for a value
// that cannot be right), and what each changes (its section).
import { clientFeedback, documented, resolved, reviewDone, validateAftercare } from './aftercare.js';
import { assigned, validateAssigned } from './assignment.js';
import { clientCalled, clientInfo, clientUpdate, validateClientCalled, validateClientUpdate } from './client-updates.js';
import type { ClientCallEvent } from './contract.js';
import type { ClientCall } from './escalation.js';
import { usualContactBack, validateUsualContactBack } from './handover.js';

export function validate(c: ClientCall, event: ClientCallEvent): void {
  switch (event.type) {
    case 'assigned':
      return validateAssigned(c, event);
    case 'cause-identified':
    case 'eta':
    case 'roadblock':
      return validateClientUpdate(c, event);
    case 'client-called':
      return validateClientCalled(c);
    case 'usual-contact-back':
      return validateUsualContactBack(c);
    case 'resolved':
    case 'client-feedback':
    case 'review-done':
    case 'documented':
      return validateAftercare(c, event);
    case 'client-info':
    case 'cancelled':
      return;
  }
}

export function apply(c: ClientCall, event: ClientCallEvent): void {
  const by = event.actor ?? 'unknown';
  // When it happened (the API received it), not when a worker got to it.
  const at = new Date(c.esc.eventInstant()).toISOString();
  switch (event.type) {
    case 'assigned':
      return assigned(c, event, by, at);
    case 'client-info':
      return clientInfo(c, event.info, by, at);
    case 'cause-identified':
    case 'eta':
    case 'roadblock':
      return clientUpdate(c, event, by, at);
    case 'client-called':
      return clientCalled(c, event, at);
    case 'resolved':
      return resolved(c, event, by, at);
    case 'client-feedback':
      return clientFeedback(c, event, by, at);
    case 'review-done':
      reviewDone(c, event, by, at);
      return c.closeIfDone();
    case 'documented':
      documented(c, event, by, at);
      return c.closeIfDone();
    case 'usual-contact-back':
      return usualContactBack(c, by, at);
    case 'cancelled':
      return cancelled(c, event.reason, by, at);
  }
}

function cancelled(c: ClientCall, reason: string, by: string, at: string): void {
  c.d.cancelled = { at, by, reason };
  c.esc.decide('cancelled', 'cancelled', `Called off by ${by}: ${reason}`);
  c.agenda.later(() => c.toTeam('cancelled', c.cancelledText()));
}
