// account-escalation (seed 002): a churn-risk customer worked by the CSM and their TL to avoid a
// cancellation; accounting approves or denies the resolution offer.
//
// The escalation lives for days to months, so it is one event loop over a visible agenda: every
// timer (meeting reminder and deadline, contact days, daily-notes reminders, finance follow-ups,
// the weekly finance meeting) is a named deadline in the state, events change the state at once and
// queue their side effects, and the loop fires whatever is due. All of it is data, so at a quiet
// moment, once the run's history has grown past MAX_RUN_EVENTS, the escalation continues as new and
// carries the state over (timeline trimmed and summarised): history and state stay bounded.
//
// Days are local: the 10 consecutive contact days count in the account's time zone, the daily notes
// on the team's business days (Monday to Friday), the finance meeting in its configured zone.
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AccountEscalationEvent, AccountEscalationInput } from '../src/playbooks/account-escalation.js';
import { churnCodingErrors, describeChurnCoding, TRIGGERS, type ChurnCoding, type Trigger } from './account-escalation-codes.js';
import {
  atLocalTime,
  formatWeeklyTime,
  localDateKey,
  localParts,
  nextBusinessDayAt,
  nextWeeklyOccurrence,
  startOfNextLocalDay,
  type TimeOfDay,
} from './kit/calendar.js';
import { carryOver, continueWith, historyIsLong, restore, type CarriedEscalation, type RunRecord } from './kit/carry-over.js';
import { Escalation } from './kit/escalation.js';
import { notApplicable, outOfOrder } from './kit/messages.js';
import { postSlack, sendEmail } from './kit/notify.js';
import type { EscalationState } from './kit/state.js';
import { hours, localTime, minutes, nowIso } from './kit/time.js';

export type AccountEscalationStatus =
  | 'open'
  | 'waiting-for-customer'
  | 'pending-finance'
  | 'approved'
  | 'denied'
  | 'renegotiation'
  | 'closed-retained'
  | 'closed-downgraded'
  | 'closed-churned';

export type AccountEscalationOutcome = 'retained' | 'downgraded' | 'churned';

/** The SOP's numbers. */
export const MEETING_DEADLINE = hours(24);
export const MEETING_REMINDER_BEFORE = hours(4);
export const CONTACT_DAYS = 10;
/** Local time of each day's contact task (and email); a series starting later than CONTACT_LAST_START begins the next day. */
export const CONTACT_TIME: TimeOfDay = { hour: 9, minute: 0 };
export const CONTACT_LAST_START: TimeOfDay = { hour: 17, minute: 0 };
/** Local time on business days at which a missing escalation note is asked for. */
export const NOTES_REMINDER_TIME: TimeOfDay = { hour: 16, minute: 0 };
export const FINANCE_MEETING_REMINDER_BEFORE = hours(24);
/** Accounting is reminded of an undecided offer at 10:00 (team zone) each business day, the first at least 12 hours after the proposal. */
export const FINANCE_FOLLOW_UP_TIME: TimeOfDay = { hour: 10, minute: 0 };
export const FINANCE_FOLLOW_UP_AFTER = hours(12);
/** A run continues as new at the next quiet moment once its history has this many events. */
export const MAX_RUN_EVENTS = 1000;
/** ... or this many bytes (every event's answer carries the state, so bytes can outgrow the event count). */
export const MAX_RUN_BYTES = 4 * 1024 * 1024;
/** How long case notes wait after the CRM could not be reached. */
export const CASE_NOTES_RETRY = minutes(30);
const NOTES_KEPT = 60;
const PROPOSALS_KEPT = 20;
const ATTEMPT_DAYS_KEPT = 31;
const PENDING_CASE_NOTES_MAX = 100;

/** Directory keys the playbook relies on (same as ACCOUNT_ESCALATION_DIRECTORY in src/playbooks). */
const FMC_TEAM_GROUP = 'fmc-team';
const ACCOUNTING_GROUP = 'accounting';
const FINANCE_CHANNEL = 'finance-approvals';

export interface ContactSeries {
  number: number;
  startedAt: string;
  state: 'running' | 'responded' | 'unresponsive' | 'stopped';
  /** Consecutive attempted days so far in the current streak. */
  daysDone: number;
  /** The local day being worked (YYYY-MM-DD in the account's zone), once its contact time came. */
  currentDay: string | null;
  /** Local days with at least one attempt (recent ones). */
  attemptedDays: string[];
  /** Days without an attempt, which restarted the count. */
  missedDays: string[];
  endedAt: string | null;
}

export interface Proposal {
  round: number;
  offer: string;
  mrrAfter: number | null;
  proposedAt: string;
  proposedBy: string;
  finance: { decision: 'approved' | 'denied' | 'not-needed'; at: string; by: string; reason?: string; conditions?: string } | null;
  customer: { decision: 'accepted' | 'rejected'; at: string; by: string; reason?: string } | null;
  /** The finance request post, whose thread carries the decision. */
  financePost: { channel: string; ts: string } | null;
}

export interface EscalationNote {
  at: string;
  day: string;
  by: string;
  text: string;
}

interface CaseNoteDraft {
  key: string;
  kind: string;
  text: string;
  author: string;
  at: string;
  status: AccountEscalationStatus;
}

export interface AccountEscalationDetails {
  account: AccountEscalationInput['account'];
  trigger: Trigger;
  reason: string;
  explicit: boolean;
  churn: ChurnCoding;
  csm: string;
  teamLead: string;
  teamLeadManager: string | null;
  customerContact: { name: string; email: string };
  teamTimeZone: string;
  case: { number: string | null; url: string | null; source: 'given' | 'created' | 'manual' | null; problem: string | null };
  slackChannel: { id: string; name: string } | null;
  meeting: { required: boolean; dueAt: string | null; heldAt: string | null; missed: boolean };
  contact: ContactSeries | null;
  /** Recorded as unresponsive after 10 consecutive days without a response. */
  unresponsive: boolean;
  notes: EscalationNote[];
  notesDropped: number;
  lastNoteDay: string | null;
  proposals: Proposal[];
  proposalsDropped: number;
  renegotiation: {
    round: number;
    requestedAt: string;
    schedule: string | null;
    meetingAt: string | null;
    meetingHeldAt: string | null;
  } | null;
  closure: {
    outcome: AccountEscalationOutcome;
    at: string;
    by: string;
    churn?: ChurnCoding;
    removed?: string[];
    mrrAfter?: number;
    effectiveDate?: string;
  } | null;
  /** CRM notes not yet on the case (no case number yet, or still to be sent). */
  pendingCaseNotes: CaseNoteDraft[];
  caseNotesSent: number;
  seq: number;
  /** Earlier runs of this escalation (continue-as-new). */
  runs: RunRecord[];
  runsDropped: number;
}

export type AccountEscalationCarried = CarriedEscalation<AccountEscalationStatus, AccountEscalationDetails>;

const { createEscalationCase } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});
// Short: while the CRM is down the notes wait in the state and are tried again later (CASE_NOTES_RETRY),
// instead of holding up the escalation's timers.
const { addCaseNote } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { createEscalationChannel } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { financeMeetingSchedule } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
});

/** A failure Temporal will not retry (the target refused): retrying later would not help either. */
function isPermanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  if (err instanceof ApplicationFailure) return err.message;
  return err instanceof Error ? err.message : String(err);
}

const money = (amount: number, currency: string) =>
  `${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${currency}`;

export async function accountEscalation(input: AccountEscalationInput, carried?: AccountEscalationCarried): Promise<EscalationState> {
  const a = new AccountEscalation(input, carried);
  return a.run();
}

class AccountEscalation {
  readonly esc: Escalation<AccountEscalationStatus, AccountEscalationDetails>;
  readonly d: AccountEscalationDetails;
  /** Side effects queued by events, run by the loop in order. */
  private readonly work: (() => Promise<void>)[] = [];
  private changes = 0;

  constructor(
    private readonly input: AccountEscalationInput,
    private readonly carried: AccountEscalationCarried | undefined,
  ) {
    const details = carried?.details ?? this.initialDetails();
    this.esc = new Escalation<AccountEscalationStatus, AccountEscalationDetails>('account-escalation', carried?.status ?? 'open', details);
    this.d = details;
    this.esc.handleEvents<AccountEscalationEvent>({
      validate: (event) => this.validate(event),
      apply: (event) => {
        this.apply(event);
        this.changes++;
        this.refreshWaitingFor();
      },
    });
  }

  private initialDetails(): AccountEscalationDetails {
    const i = this.input;
    return {
      account: i.account,
      trigger: i.trigger,
      reason: TRIGGERS[i.trigger],
      explicit: i.explicit ?? false,
      churn: i.churn as ChurnCoding,
      csm: i.csm,
      teamLead: i.teamLead,
      teamLeadManager: i.teamLeadManager ?? null,
      customerContact: { name: i.customerContact.name, email: i.customerContact.email },
      teamTimeZone: i.teamTimeZone ?? i.account.timeZone,
      case: { number: i.caseNumber ?? null, url: null, source: i.caseNumber ? 'given' : null, problem: null },
      slackChannel: null,
      meeting: { required: i.explicit ?? false, dueAt: null, heldAt: null, missed: false },
      contact: null,
      unresponsive: false,
      notes: [],
      notesDropped: 0,
      lastNoteDay: null,
      proposals: [],
      proposalsDropped: 0,
      renegotiation: null,
      closure: null,
      pendingCaseNotes: [],
      caseNotesSent: 0,
      seq: 0,
      runs: [],
      runsDropped: 0,
    };
  }

  // ---------------------------------------------------------------- the loop

  async run(): Promise<EscalationState> {
    if (this.carried) {
      restore(this.esc, this.carried);
      this.d.runs = this.carried.runs;
      this.d.runsDropped = this.carried.runsDropped;
      this.setStatus(this.esc.status);
      this.esc.timeline.add('run-continued', `Continued as new (run ${this.d.runs.length + this.d.runsDropped + 1}) to keep the history bounded`);
    } else {
      await this.open();
    }

    for (;;) {
      // Any event from here on (even one that arrives while an activity runs) makes the loop go round again.
      const seen = this.changes;
      await this.drain();
      if (this.esc.outcome !== null) break;
      await this.fireDue();
      await this.drain();
      if (this.esc.outcome !== null) break;
      if (this.changes !== seen) continue;
      if (historyIsLong(MAX_RUN_EVENTS, MAX_RUN_BYTES)) {
        await condition(allHandlersFinished);
        if (this.work.length === 0 && this.esc.outcome === null && this.changes === seen) {
          const next = carryOver(this.esc, { runs: this.d.runs, runsDropped: this.d.runsDropped });
          next.details = { ...next.details, runs: next.runs, runsDropped: next.runsDropped };
          return continueWith<typeof accountEscalation>(this.input, next);
        }
        continue;
      }
      const woken = () => this.work.length > 0 || this.esc.outcome !== null || this.changes !== seen;
      const next = this.esc.deadlines.list()[0];
      if (next) {
        await condition(woken, Math.max(1, Date.parse(next.at) - Date.now()), { summary: next.description });
      } else {
        await condition(woken);
      }
    }
    await this.drain();
    return this.esc.state();
  }

  private async drain(): Promise<void> {
    for (let job = this.work.shift(); job; job = this.work.shift()) await job();
    await this.flushCaseNotes();
  }

  private later(job: () => Promise<unknown>): void {
    this.work.push(async () => {
      await job();
    });
  }

  /** Fires every deadline that is due, earliest first (a handler may clear or add deadlines). */
  private async fireDue(): Promise<void> {
    for (let due = this.esc.deadlines.list()[0]; due && Date.parse(due.at) <= Date.now(); due = this.esc.deadlines.list()[0]) {
      this.esc.deadlines.clear(due.name);
      const handler = this.onDue[due.name];
      if (handler) await handler();
      this.refreshWaitingFor();
      if (this.esc.outcome !== null) return;
    }
  }

  private readonly onDue: Record<string, () => Promise<void>> = {
    'meeting-reminder': () => this.meetingReminder(),
    'meeting-deadline': () => this.meetingDeadline(),
    'contact-day': () => this.contactDayStarts(),
    'contact-day-end': () => this.contactDayEnds(),
    'notes-reminder': () => this.notesReminder(),
    'finance-follow-up': () => this.financeFollowUp(),
    'finance-meeting-reminder': () => this.financeMeetingReminder(),
    'finance-meeting': () => this.financeMeeting(),
    'case-notes-retry': () => this.flushCaseNotes(),
  };

  // ---------------------------------------------------------------- opening

  private async open(): Promise<void> {
    const { esc, d, input } = this;
    esc.timeline.add(
      'opened',
      `Escalation opened for ${d.account.name}: ${d.reason}${d.explicit ? ' (explicit complaint)' : ''}; churn coding ${describeChurnCoding(d.churn)}`,
      input.reportedBy ?? d.csm,
      { workflowStartedAt: workflowInfo().startTime.toISOString(), escalatedAt: input.escalatedAt, mrr: d.account.mrr },
    );
    this.setStatus('open');

    // Explicit complaint: meeting with the customer and the TL within 24 hours of the complaint.
    if (d.meeting.required) {
      const due = Date.parse(input.escalatedAt) + MEETING_DEADLINE;
      d.meeting.dueAt = new Date(due).toISOString();
      esc.openTask('meeting', d.csm, `Hold a meeting with the customer and the TL (${d.teamLead}) by ${this.local(due, d.account.timeZone)}`);
      if (due - MEETING_REMINDER_BEFORE > Date.now()) {
        esc.deadlines.add('meeting-reminder', due, -MEETING_REMINDER_BEFORE, 'Reminder: the meeting with the customer and the TL is due in 4 hours');
      }
      esc.deadlines.add('meeting-deadline', due, 0, 'Meeting with the customer and the TL within 24 hours of the explicit complaint');
    }

    const unresponsive = input.customerUnresponsive ?? input.trigger === 'unresponsive-after-issue';
    if (unresponsive) this.startContactSeries('the escalation opened with an unresponsive customer');

    this.armNotesReminder();
    this.refreshWaitingFor();

    // The escalation case: the given one, or a new one through the case target.
    if (d.case.number) {
      esc.timeline.add('case-linked', `Working existing escalation case ${d.case.number}`);
      this.caseNote('opened', `Escalation workflow attached: ${d.reason}. Churn coding: ${describeChurnCoding(d.churn)}.`, 'engine');
    } else {
      await this.createCase();
    }
    this.refreshWaitingFor();

    // FMC accounts: a dedicated channel keeps the FMC team informed.
    if (d.account.fmc) await this.openFmcChannel();

    await this.openingMessages();
  }

  private async createCase(): Promise<void> {
    const { d, input } = this;
    try {
      const made = await createEscalationCase({
        escalationId: this.esc.escalationId,
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
      });
      d.case = { number: made.caseNumber, url: made.url ?? null, source: 'created', problem: null };
      this.esc.timeline.add('case-created', `Escalation case ${made.caseNumber} created in the CRM`, 'engine', {
        caseNumber: made.caseNumber,
        ...(made.url && { url: made.url }),
      });
    } catch (err) {
      const reason = failureReason(err);
      d.case.problem = reason;
      this.esc.timeline.add('step-failed', `Escalation case not created: ${reason}`, 'engine');
      this.esc.openTask('create-case', d.csm, 'Create the escalation case in the CRM by hand and send case-created with its number');
    }
  }

  private async openFmcChannel(): Promise<void> {
    const { d, esc } = this;
    try {
      const channel = await createEscalationChannel({
        escalationId: esc.escalationId,
        accountName: d.account.name,
        memberPeople: [d.csm, d.teamLead],
        memberGroups: [FMC_TEAM_GROUP],
        topic: `Escalation ${d.account.name}: MRR ${money(d.account.mrr.amount, d.account.mrr.currency)}, case ${d.case.number ?? 'pending'}`,
      });
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
      text: [
        `:rotating_light: *Account escalation: ${d.account.name}*`,
        `• Account name: ${d.account.name} (${d.account.id})`,
        `• Account MRR: ${money(d.account.mrr.amount, d.account.mrr.currency)}`,
        `• CRM link: <${d.account.crmUrl}|${d.account.name} in the CRM>`,
        `• Reason for escalation: ${d.reason}${d.explicit ? ' (explicit complaint)' : ''}; churn coding ${describeChurnCoding(d.churn)}`,
        ...(this.input.summary ? [`• What happened: ${this.input.summary}`] : []),
        `• Escalation case number: ${d.case.number ?? '(pending: posted here once created)'}`,
        `CSM @{${d.csm}}, TL @{${d.teamLead}}. This channel keeps the FMC team informed about the escalation, even where it is not about the FMC product.`,
      ].join('\n'),
    });
  }

  private async openingMessages(): Promise<void> {
    const { d } = this;
    const lines = [
      `:warning: Account escalation *${d.account.name}* (MRR ${money(d.account.mrr.amount, d.account.mrr.currency)}): ${d.reason}.`,
      `Case: ${d.case.number ?? 'not created yet (see your task)'}. Churn coding: ${describeChurnCoding(d.churn)}.`,
    ];
    if (d.meeting.required && d.meeting.dueAt) {
      lines.push(`Explicit complaint: hold a meeting with the customer and @{${d.teamLead}} by ${this.local(d.meeting.dueAt, d.account.timeZone)}, then record meeting-held.`);
    }
    if (d.contact?.state === 'running') {
      lines.push(`The customer is unresponsive: ${CONTACT_DAYS} consecutive days of contact attempts start ${this.local(this.esc.deadlines.list().find((x) => x.name === 'contact-day')?.at ?? nowIso(), d.account.timeZone)}.`);
    }
    lines.push('Record an escalation note every business day; propose a resolution when it is decided.');
    await this.dm('opened', [d.csm, d.teamLead], lines.join('\n'), d.meeting.required ? [{ event: 'meeting-held', label: 'Meeting held', style: 'primary' }] : undefined);
  }

  // ---------------------------------------------------------------- explicit escalation: meeting

  private async meetingReminder(): Promise<void> {
    const { d } = this;
    if (d.meeting.heldAt || !d.meeting.dueAt) return;
    this.esc.timeline.add('reminder', `Meeting with the customer and the TL due at ${d.meeting.dueAt}; reminded the CSM and the TL`);
    await this.dm(
      'meeting-reminder',
      [d.csm, d.teamLead],
      `:alarm_clock: ${d.account.name}: the meeting with the customer and @{${d.teamLead}} must happen by ${this.local(d.meeting.dueAt, d.account.timeZone)} (in 4 hours). Record meeting-held once it took place.`,
      [{ event: 'meeting-held', label: 'Meeting held', style: 'primary' }],
    );
  }

  private async meetingDeadline(): Promise<void> {
    const { d, esc } = this;
    if (d.meeting.heldAt || !d.meeting.dueAt) return;
    d.meeting.missed = true;
    esc.deadlines.clear('meeting-reminder');
    esc.timeline.add('deadline-missed', `No meeting with the customer and the TL within 24 hours of the explicit complaint (due ${d.meeting.dueAt})`, 'engine', {
      deadline: 'meeting-deadline',
    });
    this.caseNote('meeting', `Meeting deadline missed: no meeting with the customer and the TL within 24 hours (due ${d.meeting.dueAt}).`, 'engine');
    const to = [d.teamLead, ...(d.teamLeadManager ? [d.teamLeadManager] : [])];
    await this.dm(
      'meeting-missed',
      to,
      `:red_circle: ${d.account.name}: the 24-hour deadline for the meeting with the customer and the TL passed (${this.local(d.meeting.dueAt, d.account.timeZone)}) without a meeting. CSM: @{${d.csm}}, case ${d.case.number ?? '(none yet)'}.`,
    );
  }

  // ---------------------------------------------------------------- unresponsive customer: 10 consecutive days

  private startContactSeries(why: string): void {
    const { d, esc } = this;
    const now = Date.now();
    const tz = d.account.timeZone;
    const number = (d.contact?.number ?? 0) + 1;
    d.contact = { number, startedAt: nowIso(), state: 'running', daysDone: 0, currentDay: null, attemptedDays: [], missedDays: [], endedAt: null };
    const today = localParts(now, tz);
    const beforeLastStart = today.hour * 60 + today.minute < CONTACT_LAST_START.hour * 60 + CONTACT_LAST_START.minute;
    const first = beforeLastStart ? Math.max(now, atLocalTime(now, tz, CONTACT_TIME)) : atLocalTime(now, tz, CONTACT_TIME, 1);
    esc.deadlines.add('contact-day', first, 0, `Contact attempt day 1 of ${CONTACT_DAYS}`);
    esc.timeline.add('contact-series-started', `Contact attempts on ${CONTACT_DAYS} consecutive days start (${why}); days count in ${tz}`, 'engine', {
      firstAttemptAt: new Date(first).toISOString(),
    });
    this.setStatus('waiting-for-customer');
    this.caseNote('contact', `Customer unresponsive: contact attempts on ${CONTACT_DAYS} consecutive days started (${why}).`, 'engine');
  }

  private async contactDayStarts(): Promise<void> {
    const { d, esc } = this;
    const series = d.contact;
    if (!series || series.state !== 'running') return;
    const tz = d.account.timeZone;
    const now = Date.now();
    const day = localDateKey(now, tz);
    const n = series.daysDone + 1;
    series.currentDay = day;
    esc.deadlines.add('contact-day-end', startOfNextLocalDay(now, tz), 0, `End of contact day ${n} of ${CONTACT_DAYS} (${day}, ${tz})`);
    if (series.attemptedDays.includes(day)) return; // already tried today before the contact time
    esc.openTask(`contact-${day}`, d.csm, `Contact attempt ${n}/${CONTACT_DAYS} (${day}): try to reach ${d.customerContact.name}; record contact-attempted or customer-responded`);
    await this.dm(
      `contact-${series.number}-${day}`,
      [d.csm],
      `:telephone_receiver: ${d.account.name}: contact attempt ${n} of ${CONTACT_DAYS} consecutive days (${day}). Try to reach ${d.customerContact.name} (${d.customerContact.email}${this.input.customerContact.phone ? `, ${this.input.customerContact.phone}` : ''}) and record the attempt.` +
        (this.input.followUpEmails ? ' A follow-up email goes to the customer today as well.' : ''),
      [
        { event: 'contact-attempted', label: 'Contact attempted' },
        { event: 'customer-responded', label: 'Customer responded', style: 'primary' },
      ],
    );
    if (this.input.followUpEmails) {
      const sent = await sendEmail(esc, {
        step: `contact-email-${series.number}-${day}`,
        template: 'account-follow-up',
        locale: this.input.locale ?? 'en',
        to: this.input.customerContact,
        ccPeople: [d.csm],
        values: { clientName: d.customerContact.name, accountName: d.account.name },
      });
      if (sent && d.contact?.state === 'running') this.recordAttempt(day, 'engine', 'email');
    }
  }

  private recordAttempt(day: string, by: string, channel: string): void {
    const series = this.d.contact;
    if (!series) return;
    if (!series.attemptedDays.includes(day)) {
      series.attemptedDays.push(day);
      if (series.attemptedDays.length > ATTEMPT_DAYS_KEPT) series.attemptedDays.shift();
    }
    this.esc.closeTask(`contact-${day}`);
    this.esc.timeline.add('contact-attempt', `Contact attempt on ${day} by ${channel}`, by, { day, channel });
  }

  private async contactDayEnds(): Promise<void> {
    const { d, esc } = this;
    const series = d.contact;
    if (!series || series.state !== 'running' || !series.currentDay) return;
    const day = series.currentDay;
    const tz = d.account.timeZone;
    series.currentDay = null;
    if (series.attemptedDays.includes(day)) {
      series.daysDone += 1;
      esc.closeTask(`contact-${day}`);
      if (series.daysDone >= CONTACT_DAYS) {
        await this.customerUnresponsive();
        return;
      }
    } else {
      esc.closeTask(`contact-${day}`, 'cancelled');
      series.missedDays.push(day);
      if (series.missedDays.length > ATTEMPT_DAYS_KEPT) series.missedDays.shift();
      const had = series.daysDone;
      series.daysDone = 0;
      esc.timeline.add('contact-day-missed', `No contact attempt on ${day}: the ${CONTACT_DAYS} consecutive days start over (had ${had})`, 'engine', { day });
      await this.dm(
        `contact-missed-${series.number}-${day}`,
        [d.csm, d.teamLead],
        `:warning: ${d.account.name}: no contact attempt was recorded on ${day}. The SOP needs ${CONTACT_DAYS} consecutive days, so the count starts over tomorrow (${had} day(s) lost).`,
      );
    }
    const next = atLocalTime(Date.now(), tz, CONTACT_TIME);
    esc.deadlines.add('contact-day', Math.max(Date.now(), next), 0, `Contact attempt day ${series.daysDone + 1} of ${CONTACT_DAYS}`);
  }

  private async customerUnresponsive(): Promise<void> {
    const { d, esc } = this;
    const series = d.contact!;
    series.state = 'unresponsive';
    series.endedAt = nowIso();
    d.unresponsive = true;
    esc.deadlines.clear('contact-day');
    esc.deadlines.clear('contact-day-end');
    esc.timeline.add('customer-unresponsive', `No response after contact attempts on ${CONTACT_DAYS} consecutive days: recorded as unresponsive; the resolution is decided next`, 'engine', {
      days: series.attemptedDays.slice(-CONTACT_DAYS),
    });
    this.setStatus('open');
    esc.openTask(`decide-resolution-${series.number}`, d.teamLead, `Decide the resolution for ${d.account.name}: propose an offer (resolution-proposed) or record the churn`);
    this.caseNote('contact', `No response after ${CONTACT_DAYS} consecutive days of contact attempts: customer recorded as unresponsive.`, 'engine');
    await this.dm(
      `unresponsive-${series.number}`,
      [d.csm, d.teamLead],
      `:no_entry: ${d.account.name}: no response after ${CONTACT_DAYS} consecutive days of contact attempts. The customer is recorded as unresponsive; decide the resolution (propose an offer, or record the churn).`,
    );
  }

  private endContactSeries(by: string, summary: string | undefined): void {
    const { d, esc } = this;
    const series = d.contact!;
    series.state = 'responded';
    series.endedAt = nowIso();
    esc.deadlines.clear('contact-day');
    esc.deadlines.clear('contact-day-end');
    if (series.currentDay) esc.closeTask(`contact-${series.currentDay}`);
    for (const t of esc.tasks) if (t.status === 'open' && t.id.startsWith('contact-')) esc.closeTask(t.id, 'cancelled');
    esc.timeline.add('contact-series-ended', `The customer responded after ${series.daysDone} completed contact day(s): contact attempts end`, by);
    this.setStatus('open');
    this.caseNote('contact', `Customer responded${summary ? `: ${summary}` : ''}. Contact attempts ended.`, by);
  }

  // ---------------------------------------------------------------- daily escalation notes

  private armNotesReminder(): void {
    const at = nextBusinessDayAt(Date.now(), this.d.teamTimeZone, NOTES_REMINDER_TIME);
    this.esc.deadlines.add('notes-reminder', at, 0, `Daily escalation note check (${this.local(at, this.d.teamTimeZone)})`);
  }

  private async notesReminder(): Promise<void> {
    const { d, esc } = this;
    const day = localDateKey(Date.now(), d.teamTimeZone);
    this.armNotesReminder();
    if (d.lastNoteDay === day) return;
    for (const t of esc.tasks) if (t.status === 'open' && t.id.startsWith('notes-')) esc.closeTask(t.id, 'cancelled');
    esc.openTask(`notes-${day}`, d.csm, `Record today's escalation note for ${d.account.name} (${day})`);
    esc.timeline.add('reminder', `No escalation note recorded on ${day}: reminded the CSM`, 'engine', { day });
    await this.dm(
      `notes-${day}`,
      [d.csm],
      `:memo: ${d.account.name}: no escalation note recorded today (${day}). Please update the case${d.case.number ? ` ${d.case.number}` : ''} with today's escalation note (send a note event).`,
    );
  }

  // ---------------------------------------------------------------- finance approval

  private currentProposal(): Proposal | undefined {
    return this.d.proposals.at(-1);
  }

  private async requestFinance(p: Proposal): Promise<void> {
    const { d } = this;
    const posted = await postSlack(this.esc, {
      step: `finance-request-${p.round}`,
      target: { channel: FINANCE_CHANNEL },
      text: [
        `:moneybag: @{group:${ACCOUNTING_GROUP}} resolution offer for approval (round ${p.round}): *${d.account.name}* (${d.account.id})`,
        `• Offer: ${p.offer}`,
        `• MRR now: ${money(d.account.mrr.amount, d.account.mrr.currency)}${p.mrrAfter !== null ? `; if accepted: ${money(p.mrrAfter, d.account.mrr.currency)}` : ''}`,
        `• Reason for escalation: ${d.reason}; churn coding ${describeChurnCoding(d.churn)}`,
        `• Case: ${d.case.number ?? '(none yet)'} · CRM: <${d.account.crmUrl}|account>`,
        `• Proposed by ${p.proposedBy} (CSM @{${d.csm}}, TL @{${d.teamLead}})`,
        'Approve, or deny with a reason (finance-denied).',
      ].join('\n'),
      buttons: [{ event: 'finance-approved', label: 'Approve', style: 'primary' }],
    });
    if (posted) p.financePost = { channel: posted.channel, ts: posted.ts };
  }

  private async financeFollowUp(): Promise<void> {
    const { d, esc } = this;
    const p = this.currentProposal();
    if (esc.status !== 'pending-finance' || !p) return;
    const day = localDateKey(Date.now(), d.teamTimeZone);
    this.armFinanceFollowUp();
    esc.timeline.add('reminder', `Offer round ${p.round} still waits for accounting's decision; reminded accounting and the TL`);
    await postSlack(esc, {
      step: `finance-follow-up-${p.round}-${day}`,
      target: { channel: p.financePost?.channel ?? FINANCE_CHANNEL },
      ...(p.financePost && { threadTs: p.financePost.ts }),
      text: `:hourglass: @{group:${ACCOUNTING_GROUP}} the resolution offer for ${d.account.name} (round ${p.round}, proposed ${this.local(p.proposedAt, d.teamTimeZone)}) still waits for approval or denial. TL: @{${d.teamLead}}`,
    });
  }

  /** The next business morning at least 12 hours away: accounting gets the offer's first full day. */
  private armFinanceFollowUp(): void {
    const at = nextBusinessDayAt(Date.now() + FINANCE_FOLLOW_UP_AFTER, this.d.teamTimeZone, FINANCE_FOLLOW_UP_TIME);
    this.esc.deadlines.add('finance-follow-up', at, 0, `Accounting has not decided on the offer yet: remind them (${this.local(at, this.d.teamTimeZone)})`);
  }

  private async financeDecided(p: Proposal): Promise<void> {
    const { d } = this;
    const f = p.finance!;
    const approved = f.decision === 'approved';
    if (p.financePost) {
      await postSlack(this.esc, {
        step: `finance-decision-${p.round}`,
        target: { channel: p.financePost.channel },
        threadTs: p.financePost.ts,
        text: approved ? `:white_check_mark: Approved by ${f.by}${f.conditions ? ` (conditions: ${f.conditions})` : ''}.` : `:x: Denied by ${f.by}: ${f.reason}`,
      });
    }
    await this.dm(
      `finance-${f.decision}-${p.round}`,
      [d.csm, d.teamLead],
      approved
        ? `:white_check_mark: ${d.account.name}: accounting approved the offer (round ${p.round}): "${p.offer}"${f.conditions ? ` with conditions: ${f.conditions}` : ''}. Present it to the customer and record customer-accepted or customer-rejected.`
        : `:x: ${d.account.name}: accounting denied the offer (round ${p.round}): ${f.reason}. Revise it and propose again (resolution-proposed), or record the churn.`,
    );
  }

  // ---------------------------------------------------------------- renegotiation at the weekly finance meeting

  private async scheduleRenegotiation(round: number): Promise<void> {
    const { d, esc } = this;
    const r = d.renegotiation;
    if (!r || r.round !== round || esc.status !== 'renegotiation') return;
    let slot;
    try {
      slot = await financeMeetingSchedule();
    } catch (err) {
      esc.timeline.add('step-failed', `Weekly finance meeting schedule not available: ${failureReason(err)}`, 'engine');
      await this.dm(`renegotiation-${round}`, [d.teamLead], `:leftwards_arrow_with_hook: ${d.account.name}: the customer rejected the offer (round ${round}). Put it on the next weekly finance meeting to renegotiate, then propose again.`);
      return;
    }
    if (d.renegotiation !== r || esc.status !== 'renegotiation') return; // something moved on meanwhile
    const at = nextWeeklyOccurrence(slot, Date.now());
    r.schedule = formatWeeklyTime(slot);
    r.meetingAt = new Date(at).toISOString();
    const when = this.local(at, slot.timeZone);
    esc.deadlines.add('finance-meeting', at, 0, `Weekly finance meeting (${r.schedule}): the TL renegotiates the offer`);
    if (at - FINANCE_MEETING_REMINDER_BEFORE > Date.now()) {
      esc.deadlines.add('finance-meeting-reminder', at, -FINANCE_MEETING_REMINDER_BEFORE, 'Reminder to the TL: renegotiation at tomorrow\'s finance meeting');
    }
    esc.timeline.add('renegotiation-scheduled', `Renegotiation at the weekly finance meeting on ${when} (${r.schedule})`, 'engine', { meetingAt: r.meetingAt });
    this.caseNote('resolution', `Customer rejected offer round ${round}; the TL renegotiates at the weekly finance meeting on ${when}.`, 'engine');
    await this.dm(
      `renegotiation-${round}`,
      [d.teamLead],
      `:leftwards_arrow_with_hook: ${d.account.name}: the customer rejected the offer (round ${round})${this.currentProposal()?.customer?.reason ? `: ${this.currentProposal()!.customer!.reason}` : ''}. ` +
        `You renegotiate it at the weekly finance meeting on ${when}; then propose the new offer (resolution-proposed).`,
    );
  }

  private async financeMeetingReminder(): Promise<void> {
    const { d } = this;
    const r = d.renegotiation;
    if (!r?.meetingAt || this.esc.status !== 'renegotiation') return;
    this.esc.timeline.add('reminder', `Reminded the TL of the renegotiation at the finance meeting on ${r.meetingAt}`);
    await this.dm(
      `finance-meeting-reminder-${r.round}`,
      [d.teamLead],
      `:calendar: Reminder: ${d.account.name}'s rejected offer (round ${r.round}) is yours to renegotiate at the weekly finance meeting on ${this.local(r.meetingAt, d.teamTimeZone)}. Bring the case${d.case.number ? ` ${d.case.number}` : ''} and the customer's objections.`,
    );
  }

  private async financeMeeting(): Promise<void> {
    const { d, esc } = this;
    const r = d.renegotiation;
    if (!r || esc.status !== 'renegotiation') return;
    r.meetingHeldAt = nowIso();
    esc.timeline.add('finance-meeting', `Weekly finance meeting: the TL renegotiates ${d.account.name}'s offer (round ${r.round}); a new proposal round follows`);
    esc.openTask(`propose-round-${r.round + 1}`, d.teamLead, `Record the renegotiated offer for ${d.account.name} (resolution-proposed), or the churn`);
    this.setStatus('renegotiation');
    await this.dm(
      `finance-meeting-${r.round}`,
      [d.teamLead],
      `:handshake: The weekly finance meeting is now: renegotiate ${d.account.name}'s offer (round ${r.round} was rejected), then record the new proposal (resolution-proposed).`,
    );
  }

  // ---------------------------------------------------------------- events

  private validate(event: AccountEscalationEvent): void {
    const { d, esc } = this;
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
        this.checkChurn(event.churn as ChurnCoding);
        break;
      case 'resolution-proposed':
        if (series) {
          outOfOrder(`contact attempts are running (day ${series.daysDone + 1} of ${CONTACT_DAYS}): the resolution is decided after a response or ${CONTACT_DAYS} days without one`);
        }
        if (status === 'pending-finance') outOfOrder(`offer round ${this.currentProposal()?.round} is waiting for accounting's decision`);
        if (status === 'approved') outOfOrder(`offer round ${this.currentProposal()?.round} is approved and waits for the customer's answer`);
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
        if (event.churn) this.checkChurn(event.churn as ChurnCoding);
        break;
      case 'meeting-held':
      case 'customer-responded':
      case 'note':
        break;
      default:
        // The API routes an event by its type without reading the escalation first: the workflow
        // itself refuses a type that is not this playbook's.
        notApplicable(`'${(event as { type: string }).type}' is not an account-escalation event`);
    }
  }

  private checkChurn(coding: ChurnCoding): void {
    const errors = churnCodingErrors(coding);
    if (errors.length > 0) notApplicable(errors.map((e) => `/churn${e.field}: ${e.message}`).join('; '));
  }

  private apply(event: AccountEscalationEvent): void {
    const { d, esc } = this;
    const by = event.actor ?? 'unknown';
    const at = nowIso();
    switch (event.type) {
      case 'meeting-held': {
        const heldAt = event.heldAt ?? at;
        if (d.meeting.heldAt) {
          esc.timeline.add('meeting', `Another meeting with the customer held at ${heldAt}`, by);
          break;
        }
        d.meeting.heldAt = heldAt;
        esc.deadlines.clear('meeting-reminder');
        esc.deadlines.clear('meeting-deadline');
        esc.closeTask('meeting');
        const late = d.meeting.dueAt !== null && Date.parse(heldAt) > Date.parse(d.meeting.dueAt);
        this.caseNote('meeting', `Meeting with the customer and the TL held at ${heldAt}${late ? ' (after the 24-hour deadline)' : ''}${event.summary ? `: ${event.summary}` : ''}.`, by);
        break;
      }
      case 'customer-unresponsive':
        this.startContactSeries(`reported by ${by}`);
        break;
      case 'contact-attempted':
        this.recordAttempt(localDateKey(Date.now(), d.account.timeZone), by, event.channel ?? 'unspecified');
        break;
      case 'customer-responded':
        if (d.contact?.state === 'running') this.endContactSeries(by, event.summary);
        else this.caseNote('contact', `Customer responded${event.summary ? `: ${event.summary}` : ''}.`, by);
        break;
      case 'note': {
        const day = localDateKey(Date.now(), d.teamTimeZone);
        d.notes.push({ at, day, by, text: event.text });
        if (d.notes.length > NOTES_KEPT) {
          d.notes.shift();
          d.notesDropped += 1;
        }
        d.lastNoteDay = day;
        esc.closeTask(`notes-${day}`);
        this.caseNote('escalation-note', event.text, by);
        break;
      }
      case 'case-created':
        d.case = { number: event.caseNumber, url: null, source: 'manual', problem: d.case.problem };
        esc.closeTask('create-case');
        esc.timeline.add('case-linked', `Escalation case ${event.caseNumber} recorded by hand`, by);
        if (d.slackChannel) {
          const channel = d.slackChannel.id;
          this.later(() => postSlack(esc, { step: `case-number-${event.caseNumber}`, target: { channel }, text: `Escalation case number: ${event.caseNumber}` }));
        }
        break;
      case 'churn-coded':
        d.churn = event.churn as ChurnCoding;
        this.caseNote('churn-coding', `Churn coding: ${describeChurnCoding(d.churn)}.`, by);
        break;
      case 'resolution-proposed': {
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
          this.setStatus('pending-finance');
          this.armFinanceFollowUp();
          this.caseNote('resolution', `Resolution offer round ${round} sent to accounting for approval: ${event.offer}`, by);
          this.later(() => this.requestFinance(p));
        } else {
          this.setStatus('approved');
          esc.openTask(`present-offer-${round}`, d.csm, `Present the offer (round ${round}) to the customer and record their answer`);
          this.caseNote('resolution', `Resolution offer round ${round} (no finance approval needed): ${event.offer}`, by);
          this.later(() => this.dm(`offer-ready-${round}`, [d.csm], `${d.account.name}: present the offer (round ${round}) to the customer: "${event.offer}". Record customer-accepted or customer-rejected.`));
        }
        break;
      }
      case 'finance-approved':
      case 'finance-denied': {
        const p = this.currentProposal()!;
        const approved = event.type === 'finance-approved';
        p.finance = approved
          ? { decision: 'approved', at, by, ...(event.conditions && { conditions: event.conditions }) }
          : { decision: 'denied', at, by, reason: event.reason };
        esc.deadlines.clear('finance-follow-up');
        if (approved) {
          this.setStatus('approved');
          esc.openTask(`present-offer-${p.round}`, d.csm, `Present the approved offer (round ${p.round}) to the customer and record their answer`);
          this.caseNote('finance', `Accounting approved offer round ${p.round}${p.finance.conditions ? ` (conditions: ${p.finance.conditions})` : ''}.`, by);
        } else {
          this.setStatus('denied');
          esc.openTask(`revise-offer-${p.round}`, d.csm, `Accounting denied offer round ${p.round}: revise it with the TL and propose again`);
          this.caseNote('finance', `Accounting denied offer round ${p.round}: ${p.finance.reason}`, by);
        }
        this.later(() => this.financeDecided(p));
        break;
      }
      case 'customer-accepted': {
        const p = this.currentProposal()!;
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
        this.close(downgrade ? 'downgraded' : 'retained', downgrade ? 'closed-downgraded' : 'closed-retained', detail, by);
        break;
      }
      case 'customer-rejected': {
        const p = this.currentProposal()!;
        p.customer = { decision: 'rejected', at, by, ...(event.reason && { reason: event.reason }) };
        esc.closeTask(`present-offer-${p.round}`);
        d.renegotiation = { round: p.round, requestedAt: at, schedule: null, meetingAt: null, meetingHeldAt: null };
        this.setStatus('renegotiation');
        esc.openTask(`renegotiate-${p.round}`, d.teamLead, `Renegotiate ${d.account.name}'s offer at the next weekly finance meeting`);
        this.later(() => this.scheduleRenegotiation(p.round));
        break;
      }
      case 'churned': {
        const coding = (event.churn as ChurnCoding | undefined) ?? d.churn;
        d.churn = coding;
        d.closure = { outcome: 'churned', at, by, churn: coding, ...(event.effectiveDate && { effectiveDate: event.effectiveDate }) };
        this.close('churned', 'closed-churned', `The customer churned${event.effectiveDate ? ` effective ${event.effectiveDate}` : ''}: churn coding ${describeChurnCoding(coding)}`, by);
        break;
      }
    }
  }

  private close(outcome: AccountEscalationOutcome, status: AccountEscalationStatus, detail: string, by: string): void {
    const { d, esc } = this;
    if (d.contact?.state === 'running') {
      d.contact.state = 'stopped';
      d.contact.endedAt = nowIso();
    }
    esc.decide(outcome, status, detail);
    this.caseNote('closure', `${detail}.`, by);
    if (d.slackChannel) {
      const channel = d.slackChannel.id;
      this.later(() =>
        postSlack(esc, {
          step: 'closed',
          target: { channel },
          text: `:checkered_flag: ${d.account.name}: ${detail}. Case ${d.case.number ?? '(none)'} closed.`,
        }),
      );
    }
  }

  // ---------------------------------------------------------------- CRM notes, messages, status

  /** Queues a note for the case; sent by the loop once the case number is known. */
  private caseNote(kind: string, text: string, author: string): void {
    const d = this.d;
    d.seq += 1;
    d.pendingCaseNotes.push({ key: `${kind}-${d.seq}`, kind, text, author, at: nowIso(), status: this.esc.status });
    if (d.pendingCaseNotes.length > PENDING_CASE_NOTES_MAX) {
      const dropped = d.pendingCaseNotes.shift()!;
      this.esc.timeline.add('step-failed', `Case note '${dropped.key}' dropped: no case number to attach it to`, 'engine');
    }
  }

  private async flushCaseNotes(): Promise<void> {
    const { d, esc } = this;
    if (esc.deadlines.list().some((x) => x.name === 'case-notes-retry')) return; // the CRM was down: wait for the retry
    for (let note = d.pendingCaseNotes[0]; note && d.case.number; note = d.pendingCaseNotes[0]) {
      try {
        await addCaseNote({ escalationId: esc.escalationId, caseNumber: d.case.number, ...note });
        d.caseNotesSent += 1;
      } catch (err) {
        if (!isPermanent(err)) {
          esc.deadlines.add('case-notes-retry', Date.now(), CASE_NOTES_RETRY, 'Send the case notes the CRM could not take');
          esc.timeline.add('step-delayed', `${d.pendingCaseNotes.length} case note(s) wait: ${failureReason(err)}; trying again in 30 minutes`, 'engine');
          return;
        }
        esc.timeline.add('step-failed', `Case note '${note.key}' not added to ${d.case.number}: ${failureReason(err)}`, 'engine');
      }
      d.pendingCaseNotes.shift();
    }
  }

  private async dm(step: string, people: string[], text: string, buttons?: { event: string; label: string; style?: 'primary' | 'danger' }[]): Promise<void> {
    for (const person of [...new Set(people)]) {
      await postSlack(this.esc, { step: `${step}-${person}`, target: { dm: person }, text, ...(buttons && { buttons }) });
    }
  }

  private local(at: string | number, timeZone: string): string {
    return localTime(at, timeZone);
  }

  /** Sets the status (search attribute) with a summary of what it means now (the Web UI's current details). */
  private setStatus(status: AccountEscalationStatus): void {
    this.esc.setStatus(status, this.statusSummary(status));
  }

  private statusSummary(status: AccountEscalationStatus): string {
    const { d } = this;
    const p = this.currentProposal();
    const head = `${d.account.name} (MRR ${money(d.account.mrr.amount, d.account.mrr.currency)}), case ${d.case.number ?? 'pending'}`;
    switch (status) {
      case 'open':
        return `${head}: open${d.unresponsive ? ', customer unresponsive after 10 days' : ''}; resolution to be decided`;
      case 'waiting-for-customer':
        return `${head}: waiting for the customer (contact attempts, ${d.contact?.daysDone ?? 0}/${CONTACT_DAYS} days done)`;
      case 'pending-finance':
        return `${head}: offer round ${p?.round} waits for accounting's approval`;
      case 'approved':
        return `${head}: offer round ${p?.round} approved, waiting for the customer's answer`;
      case 'denied':
        return `${head}: offer round ${p?.round} denied by accounting (${p?.finance?.reason ?? ''}); revise and propose again`;
      case 'renegotiation':
        return `${head}: renegotiation at the weekly finance meeting${d.renegotiation?.meetingAt ? ` on ${d.renegotiation.meetingAt}` : ''}`;
      default:
        return `${head}: ${status}`;
    }
  }

  private refreshWaitingFor(): void {
    const { d, esc } = this;
    if (esc.outcome !== null) {
      esc.waitingFor = [];
      return;
    }
    const w: string[] = [];
    if (!d.case.number) w.push('case-created');
    if (d.meeting.required && !d.meeting.heldAt) w.push('meeting-held');
    if (d.contact?.state === 'running') w.push('contact-attempted', 'customer-responded');
    switch (esc.status) {
      case 'open':
      case 'denied':
      case 'renegotiation':
        if (d.contact?.state !== 'running') w.push('resolution-proposed');
        break;
      case 'pending-finance':
        w.push('finance-approved', 'finance-denied');
        break;
      case 'approved':
        w.push('customer-accepted', 'customer-rejected');
        break;
      default:
        break;
    }
    w.push('note', 'churned');
    esc.waitingFor = w;
  }
}
