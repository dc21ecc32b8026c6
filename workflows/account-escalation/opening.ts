// Opening (SOP: "Escalation Conditions", "Escalation Case", "FMC accounts"): the escalation case
// (the given one, or a new one in the CRM), the meeting deadline of an explicit complaint, the contact
// series of an unresponsive customer, the daily notes, the FMC channel with the account's facts, and
// a DM to the CSM and the TL saying what happens next.
import { workflowInfo } from '@temporalio/workflow';
import { channels, records, summary } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { postSlack } from '../kit/notify.js';
import { nowIso } from '../kit/time.js';
import { ACCOUNT_ESCALATION_DIRECTORY, describeChurnCoding } from './codes.js';
import { loadCalendars } from './calendars.js';
import { caseNote } from './case-notes.js';
import { startContactSeries } from './contact.js';
import { money, type AccountEscalation } from './escalation.js';
import { armMeeting } from './meeting.js';
import { armNotesReminder } from './notes.js';
import { CONTACT_DAYS } from './sop.js';
import { lines, link, mention, slack } from '../kit/slack-text.js';

/** What is in place before the first event is applied: the opening entry, status, deadlines, what it waits for. */
export function prepareOpening(a: AccountEscalation): void {
  const { esc, d, input } = a;
  esc.recordOpening(
    `Escalation opened for ${d.account.name}: ${d.reason}${d.explicit ? ' (explicit complaint)' : ''}; churn coding ${describeChurnCoding(d.churn)}`,
    input.reportedBy ?? d.csm,
    { workflowStartedAt: workflowInfo().startTime.toISOString(), escalatedAt: input.escalatedAt, mrr: d.account.mrr },
  );
  a.setStatus('open');

  if (d.meeting.required) armMeeting(a);

  const unresponsive = input.customerUnresponsive ?? input.trigger === 'unresponsive-after-issue';
  if (unresponsive) startContactSeries(a, 'the escalation opened with an unresponsive customer');

  armNotesReminder(a);
  a.refreshWaitingFor();

  // A given escalation case is linked now, so its 'opened' note comes before any event's note.
  if (d.case.number) {
    esc.timeline.add('case-linked', `Working existing escalation case ${d.case.number}`);
    caseNote(a, 'opened', `Escalation workflow attached: ${d.reason}. Churn coding: ${describeChurnCoding(d.churn)}.`, 'engine');
  }
}

/** The opening's side effects: a new case through the case target (unless one is known), the FMC channel, the DMs. */
export async function open(a: AccountEscalation): Promise<void> {
  const { d } = a;
  if (a.sopIssue17) await loadCalendars(a);
  if (!d.case.number) await createCase(a);
  a.refreshWaitingFor();

  // FMC accounts: a dedicated channel keeps the FMC team informed.
  if (d.account.fmc) await openFmcChannel(a);

  await openingMessages(a);
}

async function createCase(a: AccountEscalation): Promise<void> {
  const { d, input } = a;
  try {
    const made = await records.createEscalationCase.executeWithOptions(summary(`CRM escalation case for ${d.account.name} (${d.account.id})`), [{
      escalationId: a.esc.escalationId,
      account: {
        id: d.account.id,
        name: d.account.name,
        mrr: d.account.mrr,
        crmUrl: d.account.crmUrl,
        products: d.account.products,
        fmc: d.account.fmc,
      },
      trigger: d.trigger,
      reason: d.reason,
      explicit: d.explicit,
      churn: { ...d.churn, description: describeChurnCoding(d.churn) },
      csm: d.csm,
      teamLead: d.teamLead,
      customerContact: input.customerContact,
      summary: input.summary,
      escalatedAt: input.escalatedAt,
    }]);
    d.case = { number: made.caseNumber, url: made.url ?? null, source: 'created', problem: null };
    a.esc.timeline.add('case-created', `Escalation case ${made.caseNumber} created in the CRM`, 'engine', {
      caseNumber: made.caseNumber,
      ...(made.url && { url: made.url }),
    });
  } catch (err) {
    const reason = failureReason(err);
    d.case.problem = reason;
    a.esc.timeline.add('step-failed', `Escalation case not created: ${reason}`, 'engine');
    a.esc.openTask('create-case', d.csm, 'Create the escalation case in the CRM by hand and send case-created with its number');
  }
}

async function openFmcChannel(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  try {
    const channel = await channels.createEscalationChannel.executeWithOptions(summary(`FMC Slack channel for ${d.account.name}`), [{
      escalationId: esc.escalationId,
      accountName: d.account.name,
      memberPeople: [d.csm, d.teamLead],
      memberGroups: [ACCOUNT_ESCALATION_DIRECTORY.fmcTeam],
      topic: slack`Escalation ${d.account.name}: MRR ${money(d.account.mrr.amount, d.account.mrr.currency)}, case ${d.case.number ?? 'pending'}`,
    }]);
    d.slackChannel = { id: channel.channelId, name: channel.name };
    esc.timeline.add('channel-created', `FMC escalation channel #${channel.name} ${channel.created ? 'created' : 'reused'}; ${channel.members.length} members invited`, 'engine', {
      channel: channel.channelId,
      ...(channel.notInvited.length > 0 && { notInvited: channel.notInvited }),
    });
  } catch (err) {
    esc.timeline.add('step-failed', `FMC escalation channel not created: ${failureReason(err)}`, 'engine');
    esc.openTask('fmc-channel', d.teamLead, `Create an escalation Slack channel for ${d.account.name} and invite the FMC team`);
    return;
  }
  await postSlack(esc, {
    step: 'fmc-channel-details',
    target: { channel: d.slackChannel.id },
    text: lines(
      slack`:rotating_light: *Account escalation: ${d.account.name}*`,
      slack`• Account name: ${d.account.name} (${d.account.id})`,
      slack`• Account MRR: ${money(d.account.mrr.amount, d.account.mrr.currency)}`,
      slack`• CRM link: ${link(d.account.crmUrl, `${d.account.name} in the CRM`)}`,
      slack`• Reason for escalation: ${d.reason}${d.explicit ? ' (explicit complaint)' : ''}; churn coding ${describeChurnCoding(d.churn)}`,
      a.input.summary && slack`• What happened: ${a.input.summary}`,
      slack`• Escalation case number: ${d.case.number ?? '(pending: posted here once created)'}`,
      slack`CSM ${mention.person(d.csm)}, TL ${mention.person(d.teamLead)}. This channel keeps the FMC team informed about the escalation, even where it is not about the FMC product.`,
    ),
  });
}

async function openingMessages(a: AccountEscalation): Promise<void> {
  const { d } = a;
  const firstContactDay = a.esc.deadlines.list().find((x) => x.name === 'contact-day')?.at ?? nowIso();
  const text = lines(
    slack`:warning: Account escalation *${d.account.name}* (MRR ${money(d.account.mrr.amount, d.account.mrr.currency)}): ${d.reason}.`,
    slack`Case: ${d.case.number ?? 'not created yet (see your task)'}. Churn coding: ${describeChurnCoding(d.churn)}.`,
    d.meeting.required &&
      d.meeting.dueAt !== null &&
      (a.sopIssue17
        ? slack`Explicit complaint: schedule a meeting with the customer and ${mention.person(d.teamLead)} by ${a.local(d.meeting.dueAt, d.account.timeZone)} and record meeting-scheduled with its time; record meeting-held once it took place.`
        : slack`Explicit complaint: hold a meeting with the customer and ${mention.person(d.teamLead)} by ${a.local(d.meeting.dueAt, d.account.timeZone)}, then record meeting-held.`),
    d.contact?.state === 'running' &&
      slack`The customer is unresponsive: ${CONTACT_DAYS} consecutive days of contact attempts start ${a.local(firstContactDay, d.account.timeZone)}.`,
    slack`Record an escalation note every business day; propose a resolution when it is decided.`,
  );
  await a.dm('opened', [d.csm, d.teamLead], text, d.meeting.required ? [{ event: 'meeting-held', label: 'Meeting held', style: 'primary' }] : undefined);
}
