// The running account escalation: the shared state every SOP section reads and changes (the kit's
// escalation, the playbook's details, the agenda), and the helpers they share (status with its Web UI
// summary, what it waits for, DMs, local times). The sections are functions over it, one file each.
import type { Agenda } from '../kit/agenda.js';
import { dm, type PostedRef } from '../kit/notify.js';
import { Escalation } from '../kit/escalation.js';
import type { SlackButton } from '../../activities/index.js';
import type { SlackText } from '../kit/slack-text.js';
import type { HolidayDates } from '../kit/calendar.js';
import { localTime } from '../kit/time.js';
import { resetReminder, takeReminderTurn, type ReminderPolicy, type ReminderTurn } from '../kit/reminders.js';
import { TRIGGERS, type ChurnCoding } from './codes.js';
import type {
  AccountEscalationCarried,
  AccountEscalationDetails,
  AccountEscalationInput,
  AccountEscalationStatus,
  Proposal,
} from './contract.js';
import { CONTACT_DAYS } from './sop.js';

/** patched() id: repeating reminders stop at their cap with a final step (issue 17 item 19); runs before it reminded without limit. */
export const REMINDER_CAPS = 'account-escalation-reminder-caps';

// toLocaleString with options builds a new Intl.NumberFormat on every call (about 1.5% of the worker's
// CPU in a capacity profile: the status summary formats the MRR on every refresh of the details);
// the same formatter, built once, formats alike.
const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `12,345.5 USD`: an amount with at most two decimals, grouped the en-US way, and its currency code. */
export const money = (amount: number, currency: string) => `${MONEY.format(amount)} ${currency}`;

export class AccountEscalation {
  readonly esc: Escalation<AccountEscalationStatus, AccountEscalationDetails>;
  readonly d: AccountEscalationDetails;
  readonly agenda: Agenda;
  /**
   * The SOP as issue 17 reads it (patch `account-escalation-sop-issue-17`): contact days are the
   * account's business days, automatic emails are not attempts, the explicit-complaint meeting is
   * *scheduled* within 24 hours, public holidays count. False only while replaying a run that began
   * before the change, which keeps its old rules to the end.
   */
  sopIssue17 = false;

  constructor(
    readonly input: AccountEscalationInput,
    readonly carried: AccountEscalationCarried | undefined,
    agenda: (esc: Escalation<AccountEscalationStatus, AccountEscalationDetails>) => Agenda,
  ) {
    const details = carried?.details ?? initialDetails(input);
    this.esc = new Escalation<AccountEscalationStatus, AccountEscalationDetails>('account-escalation', carried?.status ?? 'open', details);
    this.d = details;
    this.agenda = agenda(this.esc);
    // Computed when shown, so "case pending" turns into the case number the moment it is known.
    this.esc.present({
      timeZone: details.teamTimeZone,
      headline: () => this.statusSummary(this.esc.status),
      facts: () => {
        const d = this.d;
        return [
          `${d.trigger}${d.explicit ? ' (explicit complaint)' : ''}; churn ${d.churn.primary}`,
          `CSM ${d.csm}, TL ${d.teamLead}`,
          ...(d.case.problem && !d.case.number ? [`Case not created: ${d.case.problem}`] : []),
          ...(d.slackChannel ? [`Slack #${d.slackChannel.name}`] : []),
          ...(d.meeting.required ? [d.meeting.heldAt ? `Meeting held ${this.local(d.meeting.heldAt, d.teamTimeZone)}` : `Meeting due ${d.meeting.dueAt ? this.local(d.meeting.dueAt, d.teamTimeZone) : ''}`] : []),
          ...(d.contact ? [`Contact attempts: ${d.contact.daysDone}/${CONTACT_DAYS} days (${d.contact.state})`] : []),
          ...(d.lastNoteDay ? [`Last escalation note ${d.lastNoteDay}`] : []),
        ];
      },
    });
  }

  /** Public holidays of the account's calendar (contact days), local dates. */
  accountHolidays(): HolidayDates {
    return this.d.calendars?.account.holidays ?? [];
  }

  /** Public holidays of the team's calendar (notes, finance follow-ups), local dates. */
  teamHolidays(): HolidayDates {
    return this.d.calendars?.team.holidays ?? [];
  }

  /** The next turn of a capped repeating reminder (kit/reminders.ts), counted in the state. */
  reminderTurn(policy: ReminderPolicy, key: string = policy.id): ReminderTurn {
    return takeReminderTurn(this.esc, (this.d.reminders ??= {}), policy, key, REMINDER_CAPS);
  }

  /** The awaited answer came: reminder `key` counts from zero again. */
  resetReminder(key: string): void {
    if (this.d.reminders) resetReminder(this.d.reminders, key);
  }

  /** The TL, and their manager when the input names one: who gets a capped reminder's final step. */
  leads(): string[] {
    return [this.d.teamLead, ...(this.d.teamLeadManager ? [this.d.teamLeadManager] : [])];
  }

  currentProposal(): Proposal | undefined {
    return this.d.proposals.at(-1);
  }

  /** DMs each person once, in order. */
  dm(step: string, people: string[], text: SlackText, buttons?: SlackButton[]): Promise<PostedRef[]> {
    return dm(this.esc, step, people, text, buttons);
  }

  local(at: string | number, timeZone: string): string {
    return localTime(at, timeZone);
  }

  /** Sets the status (search attribute) with a summary of what it means now (the Web UI's current details). */
  setStatus(status: AccountEscalationStatus): void {
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

  /** The events that make sense now (the state's `waitingFor`). */
  refreshWaitingFor(): void {
    const { d, esc } = this;
    if (esc.outcome !== null) {
      esc.waitingFor = [];
      return;
    }
    const w: string[] = [];
    if (!d.case.number) w.push('case-created');
    if (d.meeting.required && !d.meeting.heldAt) w.push(...(this.sopIssue17 ? ['meeting-scheduled', 'meeting-held'] : ['meeting-held']));
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

function initialDetails(i: AccountEscalationInput): AccountEscalationDetails {
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
    reminders: {},
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
