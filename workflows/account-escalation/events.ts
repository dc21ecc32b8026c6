// The events: which make sense now (the update's validator: 409 when out of order, 400 for a churn
// coding whose secondary reason belongs to another primary), and what each changes (its section).
import { localDateKey } from '../kit/calendar.js';
import { notApplicable, outOfOrder } from '../kit/messages.js';
import { churnCodingErrors, describeChurnCoding, type ChurnCoding } from './codes.js';
import { caseCreatedByHand, caseNote, refuseWhenNotesWait } from './case-notes.js';
import { churned, customerAccepts } from './closing.js';
import { endContactSeries, recordAttempt, startContactSeries } from './contact.js';
import type { AccountEscalationEvent } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { financeDecides, propose } from './finance.js';
import { meetingHeld, meetingScheduled } from './meeting.js';
import { recordNote } from './notes.js';
import { customerRejects } from './renegotiation.js';
import { CONTACT_DAYS } from './sop.js';

function checkChurn(coding: ChurnCoding): void {
  const errors = churnCodingErrors(coding);
  if (errors.length > 0) notApplicable(errors.map((e) => `/churn${e.field}: ${e.message}`).join('; '));
}

export function validate(a: AccountEscalation, event: AccountEscalationEvent): void {
  const { d, esc } = a;
  const status = esc.status;
  const series = d.contact?.state === 'running' ? d.contact : null;
  switch (event.type) {
    case 'contact-attempted':
      if (!series) outOfOrder('no contact attempts are running; send customer-unresponsive to start the 10 consecutive days');
      break;
    case 'customer-unresponsive':
      if (series) outOfOrder(`contact attempts are already running (day ${series.daysDone + 1} of ${CONTACT_DAYS})`);
      if (status !== 'open') outOfOrder(`the case is ${status}; contact attempts start before a resolution is decided (status open)`);
      break;
    case 'case-created':
      if (d.case.number) outOfOrder(`the escalation already has case ${d.case.number}`);
      break;
    case 'churn-coded':
      checkChurn(event.churn as ChurnCoding);
      break;
    case 'resolution-proposed':
      if (series) {
        outOfOrder(`contact attempts are running (day ${series.daysDone + 1} of ${CONTACT_DAYS}): the resolution is decided after a response or ${CONTACT_DAYS} days without one`);
      }
      if (status === 'pending-finance') outOfOrder(`offer round ${a.currentProposal()?.round} is waiting for accounting's decision`);
      if (status === 'approved') outOfOrder(`offer round ${a.currentProposal()?.round} is approved and waits for the customer's answer`);
      break;
    case 'finance-approved':
    case 'finance-denied':
      if (status !== 'pending-finance') outOfOrder(`no offer is waiting for accounting (status ${status})`);
      break;
    case 'customer-accepted':
    case 'customer-rejected':
      if (status !== 'approved') outOfOrder(`no approved offer is waiting for the customer's answer (status ${status})`);
      break;
    case 'churned':
      if (event.churn) checkChurn(event.churn as ChurnCoding);
      break;
    case 'meeting-scheduled':
      if (d.meeting.heldAt) outOfOrder(`the meeting with the customer and the TL was already held (${d.meeting.heldAt})`);
      if (Date.parse(event.scheduledFor) < esc.eventInstant()) notApplicable(`/scheduledFor: ${event.scheduledFor} has passed; a meeting that took place is meeting-held`);
      break;
    case 'note':
    case 'meeting-held':
    case 'customer-responded':
      break;
    default:
      // The API routes an event by its type without reading the escalation first: the workflow
      // itself refuses a type that is not this playbook's.
      notApplicable(`'${(event as { type: string }).type}' is not an account-escalation event`);
  }
  // Every event that queues a case note waits while the queue is full (never accept-then-drop).
  refuseWhenNotesWait(a, event);
}

export function apply(a: AccountEscalation, event: AccountEscalationEvent): void {
  const { d } = a;
  const by = event.actor ?? 'unknown';
  // When it happened (the API received it), not when a worker got to it: its day, late or not.
  const at = new Date(a.esc.eventInstant()).toISOString();
  switch (event.type) {
    case 'meeting-scheduled':
      meetingScheduled(a, event, by, at);
      break;
    case 'meeting-held':
      meetingHeld(a, event, by, at);
      break;
    case 'customer-unresponsive':
      startContactSeries(a, `reported by ${by}`);
      break;
    case 'contact-attempted':
      recordAttempt(a, localDateKey(Date.parse(at), d.account.timeZone), by, event.channel ?? 'unspecified');
      break;
    case 'customer-responded':
      if (d.contact?.state === 'running') endContactSeries(a, by, event.summary);
      else caseNote(a, 'contact', `Customer responded${event.summary ? `: ${event.summary}` : ''}.`, by);
      break;
    case 'note':
      recordNote(a, event.text, by, at);
      break;
    case 'case-created':
      caseCreatedByHand(a, event, by);
      break;
    case 'churn-coded':
      d.churn = event.churn as ChurnCoding;
      caseNote(a, 'churn-coding', `Churn coding: ${describeChurnCoding(d.churn)}.`, by);
      break;
    case 'resolution-proposed':
      propose(a, event, by, at);
      break;
    case 'finance-approved':
    case 'finance-denied':
      financeDecides(a, event, by, at);
      break;
    case 'customer-accepted':
      customerAccepts(a, event, by, at);
      break;
    case 'customer-rejected':
      customerRejects(a, event, by, at);
      break;
    case 'churned':
      churned(a, event, by, at);
      break;
  }
}
