// Finance approval (SOP: "resolution offer -> accounting approves or denies"): the offer goes to the
// finance channel tagging accounting, who are reminded each business morning until they decide; the
// decision is threaded under the request and DMed to the CSM and the TL. The reminders are capped
// (FINANCE_FOLLOW_UPS_MAX, kit/reminders.ts): after the last one the TL and their manager are told
// once to chase accounting, and the reminders stop.
import { localDateKey, nextBusinessDayAt } from '../kit/calendar.js';
import { postSlack } from '../kit/notify.js';
import { ACCOUNT_ESCALATION_DIRECTORY, describeChurnCoding } from './codes.js';
import { caseNote } from './case-notes.js';
import type { AccountEscalationEvent, Proposal } from './contract.js';
import { money, type AccountEscalation } from './escalation.js';
import { FINANCE_FOLLOW_UP_AFTER, FINANCE_FOLLOW_UP_TIME, FINANCE_FOLLOW_UPS_MAX, PROPOSALS_KEPT } from './sop.js';
import { reminderNotBefore, type ReminderPolicy } from '../kit/reminders.js';
import { hours } from '../kit/time.js';

/** Accounting's reminders about an undecided offer, one count per round. */
export const FINANCE_FOLLOW_UPS: ReminderPolicy = {
  id: 'finance-follow-up',
  maxCount: FINANCE_FOLLOW_UPS_MAX,
  minIntervalMs: hours(12),
  finalTo: "the TL and the TL's manager",
};
const followUpKey = (round: number) => `finance-follow-up-${round}`;
import { lines, link, mention, slack } from '../kit/slack-text.js';

const { accounting: ACCOUNTING_GROUP, financeChannel: FINANCE_CHANNEL } = ACCOUNT_ESCALATION_DIRECTORY;

/** resolution-proposed: a new round; to accounting, or straight to the customer when no approval is needed. */
export function propose(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'resolution-proposed' }>, by: string, at: string): void {
  const { d, esc } = a;
  const round = (d.proposals.at(-1)?.round ?? 0) + 1;
  const needsFinance = event.financeApproval !== false;
  const p: Proposal = {
    round,
    offer: event.offer,
    mrrAfter: event.mrrAfter?.amount ?? null,
    proposedAt: at,
    proposedBy: by,
    finance: needsFinance ? null : { decision: 'not-needed', at, by },
    customer: null,
    financePost: null,
  };
  d.proposals.push(p);
  if (d.proposals.length > PROPOSALS_KEPT) {
    d.proposals.shift();
    d.proposalsDropped += 1;
  }
  if (d.renegotiation && !d.renegotiation.meetingHeldAt) {
    esc.timeline.add('renegotiation', 'New offer proposed before the weekly finance meeting; the meeting timer is cancelled', by);
  }
  d.renegotiation = null;
  esc.deadlines.clear('finance-meeting');
  esc.deadlines.clear('finance-meeting-reminder');
  for (const t of esc.tasks) {
    if (t.status === 'open' && /^(revise-offer|renegotiate|propose-round|decide-resolution)-/.test(t.id)) esc.closeTask(t.id);
  }
  if (needsFinance) {
    a.setStatus('pending-finance');
    armFinanceFollowUp(a);
    caseNote(a, 'resolution', `Resolution offer round ${round} sent to accounting for approval: ${event.offer}`, by);
    a.agenda.later(() => requestFinance(a, p));
  } else {
    a.setStatus('approved');
    esc.openTask(`present-offer-${round}`, d.csm, `Present the offer (round ${round}) to the customer and record their answer`);
    caseNote(a, 'resolution', `Resolution offer round ${round} (no finance approval needed): ${event.offer}`, by);
    a.agenda.later(() => a.dm(`offer-ready-${round}`, [d.csm], slack`${d.account.name}: present the offer (round ${round}) to the customer: "${event.offer}". Record customer-accepted or customer-rejected.`));
  }
}

async function requestFinance(a: AccountEscalation, p: Proposal): Promise<void> {
  const { d } = a;
  const posted = await postSlack(a.esc, {
    step: `finance-request-${p.round}`,
    target: { channel: FINANCE_CHANNEL },
    text: lines(
      slack`:moneybag: ${mention.group(ACCOUNTING_GROUP)} resolution offer for approval (round ${p.round}): *${d.account.name}* (${d.account.id})`,
      slack`• Offer: ${p.offer}`,
      slack`• MRR now: ${money(d.account.mrr.amount, d.account.mrr.currency)}${p.mrrAfter !== null ? `; if accepted: ${money(p.mrrAfter, d.account.mrr.currency)}` : ''}`,
      slack`• Reason for escalation: ${d.reason}; churn coding ${describeChurnCoding(d.churn)}`,
      slack`• Case: ${d.case.number ?? '(none yet)'} · CRM: ${link(d.account.crmUrl, 'account')}`,
      slack`• Proposed by ${p.proposedBy} (CSM ${mention.person(d.csm)}, TL ${mention.person(d.teamLead)})`,
      slack`Approve, or deny with a reason (finance-denied).`,
    ),
    buttons: [{ event: 'finance-approved', label: 'Approve', style: 'primary' }],
  });
  if (posted) p.financePost = { channel: posted.channel, ts: posted.ts };
}

/**
 * Deadline `finance-follow-up`: accounting is reminded in the request's thread, then again the next
 * business morning, up to FINANCE_FOLLOW_UPS_MAX times; then the TL (and their manager) once.
 */
export async function financeFollowUp(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  const p = a.currentProposal();
  if (esc.status !== 'pending-finance' || !p) return;
  const day = localDateKey(Date.now(), d.teamTimeZone);
  const turn = a.reminderTurn(FINANCE_FOLLOW_UPS, followUpKey(p.round));
  if (turn.step === 'silent') return;
  if (turn.step === 'final') {
    esc.openTask(`chase-finance-${p.round}`, d.teamLead, `Accounting has not decided on offer round ${p.round} after ${turn.n - 1} reminders: chase the decision`);
    await a.dm(
      `finance-follow-up-final-${p.round}`,
      a.leads(),
      slack`:rotating_light: ${d.account.name}: accounting has not approved or denied the resolution offer (round ${p.round}, proposed ${a.local(p.proposedAt, d.teamTimeZone)}) after ${turn.n - 1} reminders. The engine stops reminding them: please chase the decision directly.`,
    );
    return;
  }
  armFinanceFollowUp(a);
  esc.timeline.add('reminder', `Offer round ${p.round} still waits for accounting's decision; reminded accounting and the TL (${turn.n} of ${turn.of})`);
  await postSlack(esc, {
    step: `finance-follow-up-${p.round}-${day}`,
    target: { channel: p.financePost?.channel ?? FINANCE_CHANNEL },
    ...(p.financePost && { threadTs: p.financePost.ts }),
    text: slack`:hourglass: ${mention.group(ACCOUNTING_GROUP)} the resolution offer for ${d.account.name} (round ${p.round}, proposed ${a.local(p.proposedAt, d.teamTimeZone)}) still waits for approval or denial. TL: ${mention.person(d.teamLead)}`,
  });
}

/** The next business morning at least 12 hours away: accounting gets the offer's first full day. */
function armFinanceFollowUp(a: AccountEscalation): void {
  const round = a.currentProposal()?.round ?? 0;
  const after = reminderNotBefore(a.d.reminders ?? {}, FINANCE_FOLLOW_UPS, followUpKey(round), Date.now() + FINANCE_FOLLOW_UP_AFTER);
  const at = nextBusinessDayAt(after, a.d.teamTimeZone, FINANCE_FOLLOW_UP_TIME, a.teamHolidays());
  a.esc.deadlines.add('finance-follow-up', at, 0, `Accounting has not decided on the offer yet: remind them (${a.local(at, a.d.teamTimeZone)})`);
}

/** finance-approved / finance-denied. */
export function financeDecides(a: AccountEscalation, event: Extract<AccountEscalationEvent, { type: 'finance-approved' | 'finance-denied' }>, by: string, at: string): void {
  const { d, esc } = a;
  const p = a.currentProposal()!;
  const approved = event.type === 'finance-approved';
  p.finance = approved
    ? { decision: 'approved', at, by, ...(event.conditions && { conditions: event.conditions }) }
    : { decision: 'denied', at, by, reason: event.reason };
  esc.deadlines.clear('finance-follow-up');
  esc.closeTask(`chase-finance-${p.round}`);
  if (approved) {
    a.setStatus('approved');
    esc.openTask(`present-offer-${p.round}`, d.csm, `Present the approved offer (round ${p.round}) to the customer and record their answer`);
    caseNote(a, 'finance', `Accounting approved offer round ${p.round}${p.finance.conditions ? ` (conditions: ${p.finance.conditions})` : ''}.`, by);
  } else {
    a.setStatus('denied');
    esc.openTask(`revise-offer-${p.round}`, d.csm, `Accounting denied offer round ${p.round}: revise it with the TL and propose again`);
    caseNote(a, 'finance', `Accounting denied offer round ${p.round}: ${p.finance.reason}`, by);
  }
  a.agenda.later(() => financeDecided(a, p));
}

async function financeDecided(a: AccountEscalation, p: Proposal): Promise<void> {
  const { d } = a;
  const f = p.finance!;
  const approved = f.decision === 'approved';
  if (p.financePost) {
    await postSlack(a.esc, {
      step: `finance-decision-${p.round}`,
      target: { channel: p.financePost.channel },
      threadTs: p.financePost.ts,
      text: approved ? slack`:white_check_mark: Approved by ${f.by}${f.conditions ? ` (conditions: ${f.conditions})` : ''}.` : slack`:x: Denied by ${f.by}: ${f.reason}`,
    });
  }
  await a.dm(
    `finance-${f.decision}-${p.round}`,
    [d.csm, d.teamLead],
    approved
      ? slack`:white_check_mark: ${d.account.name}: accounting approved the offer (round ${p.round}): "${p.offer}"${f.conditions ? ` with conditions: ${f.conditions}` : ''}. Present it to the customer and record customer-accepted or customer-rejected.`
      : slack`:x: ${d.account.name}: accounting denied the offer (round ${p.round}): ${f.reason}. Revise it and propose again (resolution-proposed), or record the churn.`,
  );
}
