// Closing (SOP: "the customer accepts -> retained or downgraded; cancels -> churned with its churn
// coding"): the outcome, the case's last note and the FMC channel told.
import { postSlack } from '../kit/notify.js';
import { describeChurnCoding, type ChurnCoding } from './codes.js';
import { caseNote } from './case-notes.js';
import type { AccountEscalationEvent, AccountEscalationOutcome, AccountEscalationStatus } from './contract.js';
import type { AccountEscalation } from './escalation.js';
import { slack } from '../kit/slack-text.js';

/** customer-accepted: retained, or downgraded with what was removed. */
export function customerAccepts(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'customer-accepted' }>, by: string, at: string): void {
  const { d, esc } = a;
  const p = a.currentProposal()!;
  p.customer = { decision: 'accepted', at, by };
  esc.closeTask(`present-offer-${p.round}`);
  const downgrade = event.downgrade;
  const mrrAfter = downgrade?.mrrAfter ?? p.mrrAfter ?? undefined;
  d.closure = {
    outcome: downgrade ? 'downgraded' : 'retained',
    at,
    by,
    ...(downgrade && { removed: downgrade.removed }),
    ...(mrrAfter !== undefined && { mrrAfter }),
  };
  const detail = downgrade
    ? `The customer accepted offer round ${p.round} with a downgrade (removed: ${downgrade.removed.join(', ')}): closed as downgraded`
    : `The customer accepted offer round ${p.round}: closed as retained`;
  close(a, downgrade ? 'downgraded' : 'retained', downgrade ? 'closed-downgraded' : 'closed-retained', detail, by);
}

/** churned: closed with its churn coding (the event's, or the escalation's). */
export function churned(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'churned' }>, by: string, at: string): void {
  const { d } = a;
  const coding = (event.churn as ChurnCoding | undefined) ?? d.churn;
  d.churn = coding;
  d.closure = { outcome: 'churned', at, by, churn: coding, ...(event.effectiveDate && { effectiveDate: event.effectiveDate }) };
  close(a, 'churned', 'closed-churned', `The customer churned${event.effectiveDate ? ` effective ${event.effectiveDate}` : ''}: churn coding ${describeChurnCoding(coding)}`, by);
}

function close(a: AccountEscalation, outcome: AccountEscalationOutcome, status: AccountEscalationStatus, detail: string, by: string): void {
  const { d, esc } = a;
  if (d.contact?.state === 'running') {
    d.contact.state = 'stopped';
    d.contact.endedAt = new Date(esc.eventInstant()).toISOString(); // closed by an event: when it happened
  }
  esc.decide(outcome, status, detail);
  caseNote(a, 'closure', `${detail}.`, by);
  if (d.slackChannel) {
    const channel = d.slackChannel.id;
    a.agenda.later(() =>
      postSlack(esc, {
        step: 'closed',
        target: { channel },
        text: slack`:checkered_flag: ${d.account.name}: ${detail}. Case ${d.case.number ?? '(none)'} closed.`,
      }),
    );
  }
}
