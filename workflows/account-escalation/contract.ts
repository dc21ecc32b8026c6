// account-escalation (seed 002): a churn-risk customer escalation worked by the customer success
// manager (CSM) and their team lead (TL) to avoid a cancellation; accounting approves or denies the
// resolution offer. Runs for days or weeks.
//
// The contract: input and event schemas (TypeBox), their static types, statuses, outcomes, the
// state's details, directory keys, email templates and the typed messages. Pure: the API imports it
// as values, the workflow as types only.
import { Type, type Static } from 'typebox';
import type { CarriedEscalation, RunRecord } from '../kit/carry-over.js';
import { CalendarDate, Contact, defineEvent, DirectoryRef, Instant, Line, Link, Locale, Text, type EventsOf } from '../kit/contract.js';
import type { BusinessCalendarInfo } from '../kit/calendar.js';
import type { ReminderCounts } from '../kit/reminders.js';
import { escalationMessages } from '../kit/messages.js';
import type { EscalationState } from '../kit/state.js';
import {
  ACCOUNT_ESCALATION_DIRECTORY,
  CHURN_PRIMARY_KEYS,
  CHURN_REASONS,
  CHURN_SECONDARY_KEYS,
  TRIGGER_KEYS,
  TRIGGERS,
  type ChurnCoding as ChurnCodingData,
  type Trigger as TriggerKey,
} from './codes.js';

export { ACCOUNT_ESCALATION_DIRECTORY };

export const Trigger = Type.Enum(TRIGGER_KEYS, {
  description: `What made the account an escalation: ${TRIGGER_KEYS.map((k) => `${k} (${TRIGGERS[k]})`).join('; ')}`,
});

export const ChurnPrimary = Type.Enum(CHURN_PRIMARY_KEYS, {
  description: `Primary churn reason: ${CHURN_PRIMARY_KEYS.map((k) => `${k} (${CHURN_REASONS[k].label})`).join('; ')}`,
});

export const ChurnSecondary = Type.Enum(CHURN_SECONDARY_KEYS, { description: 'Secondary churn reason; must belong to the primary reason' });

export const ChurnCoding = Type.Object(
  {
    primary: ChurnPrimary,
    secondary: Type.Array(ChurnSecondary, {
      minItems: 1,
      uniqueItems: true,
      description:
        'Secondary reasons (multi-select) of the primary: ' +
        CHURN_PRIMARY_KEYS.map((p) => `${p}: ${Object.keys(CHURN_REASONS[p].secondary).join(', ')}`).join('; '),
    }),
  },
  { additionalProperties: false, description: 'Churn coding: primary reason and its secondary reasons' },
);

const Money = Type.Number({ minimum: 0, maximum: 100_000_000 });

export const AccountEscalationInput = Type.Object(
  {
    account: Type.Object(
      {
        id: Line({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'Account id in the CRM' }),
        name: Line({ minLength: 1, maxLength: 200 }),
        mrr: Type.Object(
          {
            amount: Money,
            currency: Line({ pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 code' }),
          },
          { additionalProperties: false, description: 'Monthly recurring revenue' },
        ),
        crmUrl: Link({ description: 'Link to the account in the CRM' }),
        products: Type.Array(Line({ minLength: 1, maxLength: 100 }), {
          maxItems: 50,
          default: [],
          description: 'Products and services the account has, e.g. LMS, CRED SOFT, FMC',
        }),
        fmc: Type.Boolean({
          default: false,
          description: 'The account has the fully managed credentialing service (FMC): the FMC team gets a dedicated escalation channel',
        }),
        timeZone: Line({ minLength: 1, description: "IANA time zone of the account; the 10 contact days count in it" }),
        calendar: Type.Optional(
          Line({
            pattern: '^[a-z0-9][a-z0-9-]*$',
            description: "The account's business calendar, a directory `calendars` key (public holidays of its country/region): contact days skip them; default: the CSM's team calendar in the directory (theirs, else the organisation's)",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    trigger: Trigger,
    explicit: Type.Boolean({
      default: false,
      description: 'The customer complained explicitly: a meeting with the customer and the TL must happen within 24 hours',
    }),
    escalatedAt: Instant({
      description: 'When the customer escalated (complaint received); the 24-hour meeting deadline counts from here',
      window: 'happened',
    }),
    summary: Type.Optional(Text({ maxLength: 2000, description: 'What happened, for the case and the FMC channel' })),
    churn: ChurnCoding,
    csm: DirectoryRef('Customer success manager working the case'),
    teamLead: DirectoryRef("The CSM's team lead"),
    teamLeadManager: Type.Optional(DirectoryRef("The team lead's manager, told when the 24-hour meeting deadline is missed (required when explicit)")),
    customerContact: Contact,
    caseNumber: Type.Optional(
      Line({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'An existing escalation case; otherwise one is created' }),
    ),
    customerUnresponsive: Type.Optional(
      Type.Boolean({
        description: 'Start the 10-day contact attempts at once (default: true for trigger unresponsive-after-issue)',
      }),
    ),
    followUpEmails: Type.Boolean({
      default: false,
      description: 'During contact attempts, also email the customer contact each day (cc the CSM)',
    }),
    followUpEmailsCountAsAttempts: Type.Optional(
      Type.Boolean({
        description:
          "An automatic follow-up email satisfies the day's contact attempt (default false: an attempt is what a person did, " +
          'a call or a personal email; the automatic email is recorded but the day still needs one)',
      }),
    ),
    teamCalendar: Type.Optional(
      Line({
        pattern: '^[a-z0-9][a-z0-9-]*$',
        description: "The team's business calendar (a directory `calendars` key): daily notes and finance follow-ups skip its public holidays; default: the CSM's calendar in the directory",
      }),
    ),
    teamTimeZone: Type.Optional(
      Line({ minLength: 1, description: "Time zone of the CSM's business days (daily notes); default: the account's" }),
    ),
    locale: Type.Optional(Locale),
    reportedBy: Type.Optional(Line({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AccountEscalationInput = Static<typeof AccountEscalationInput>;

/** A short single-line value (names, items). */
const Words = (maxLength: number, description?: string) => Line({ minLength: 1, maxLength, ...(description && { description }) });
/** Free text: several lines allowed. */
const Prose = (maxLength: number, description?: string) => Text({ minLength: 1, maxLength, ...(description && { description }) });

export const accountEscalationEvents = {
  'meeting-scheduled': defineEvent(
    'meeting-scheduled',
    'The meeting with the customer and the TL is scheduled (explicit escalation: scheduled within 24 hours of the complaint); again to reschedule it',
    { scheduledFor: Instant({ description: 'When the meeting takes place', window: 'business' }) },
  ),
  'meeting-held': defineEvent('meeting-held', 'The meeting with the customer and the TL took place', {
    heldAt: Type.Optional(Instant({ description: 'When it took place (default: now)', window: 'happened' })),
    summary: Type.Optional(Prose(2000)),
  }),
  'customer-unresponsive': defineEvent('customer-unresponsive', 'The customer stopped answering: start the 10 consecutive days of contact attempts'),
  'contact-attempted': defineEvent('contact-attempted', 'The CSM tried to reach the customer today', {
    channel: Type.Optional(
      Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('voicemail'), Type.Literal('sms'), Type.Literal('other')]),
    ),
  }),
  'customer-responded': defineEvent('customer-responded', 'The customer answered: ends the contact attempts', {
    summary: Type.Optional(Prose(2000)),
  }),
  note: defineEvent('note', "Today's escalation note (CRM 'Escalation Notes')", { text: Prose(5000, 'The escalation note') }),
  'case-created': defineEvent('case-created', 'The escalation case was created by hand (when the CRM could not be reached)', {
    caseNumber: Line({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  }),
  'churn-coded': defineEvent('churn-coded', 'The churn coding was corrected', { churn: ChurnCoding }),
  'resolution-proposed': defineEvent('resolution-proposed', 'The CSM/TL propose a resolution offer; it goes to accounting for approval', {
    offer: Prose(2000, 'The offer, e.g. "20% off for 3 months, then renewal at the current price"'),
    mrrAfter: Type.Optional(Type.Object({ amount: Money }, { additionalProperties: false, description: 'MRR if accepted' })),
    financeApproval: Type.Optional(
      Type.Boolean({ description: 'Needs accounting approval (default true); false: presented to the customer straight away' }),
    ),
  }),
  'finance-approved': defineEvent('finance-approved', "Accounting approved the resolution offer (the card's finance approval signal)", {
    conditions: Type.Optional(Prose(2000)),
  }),
  'finance-denied': defineEvent('finance-denied', 'Accounting denied the resolution offer: back to a new proposal', {
    reason: Prose(2000, 'Why accounting denied it'),
  }),
  'customer-accepted': defineEvent('customer-accepted', 'The customer accepted the approved offer: the case closes as retained, or downgraded', {
    downgrade: Type.Optional(
      Type.Object(
        {
          removed: Type.Array(Words(200), { minItems: 1, maxItems: 50, description: 'Products, modules or users removed' }),
          mrrAfter: Type.Optional(Money),
        },
        { additionalProperties: false },
      ),
    ),
  }),
  'customer-rejected': defineEvent('customer-rejected', 'The customer rejected the offer: the TL renegotiates at the next weekly finance meeting', {
    reason: Type.Optional(Prose(2000)),
  }),
  churned: defineEvent('churned', 'The customer cancels: the case closes as churned with its churn coding', {
    churn: Type.Optional(ChurnCoding),
    effectiveDate: Type.Optional(CalendarDate({ description: 'When the cancellation takes effect', window: 'business' })),
  }),
};

export type AccountEscalationEvent = EventsOf<typeof accountEscalationEvents>;

export const ACCOUNT_ESCALATION_STATUSES = [
  'open',
  'waiting-for-customer',
  'pending-finance',
  'approved',
  'denied',
  'renegotiation',
  'closed-retained',
  'closed-downgraded',
  'closed-churned',
] as const;
export type AccountEscalationStatus = (typeof ACCOUNT_ESCALATION_STATUSES)[number];

export const ACCOUNT_ESCALATION_OUTCOMES = ['retained', 'downgraded', 'churned'] as const;
export type AccountEscalationOutcome = (typeof ACCOUNT_ESCALATION_OUTCOMES)[number];

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
  /** Local days on which the automatic follow-up email went out (recent ones); attempts only when so configured. */
  emailedDays?: string[];
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

/** A note for the CRM case, waiting for the case number or for the CRM. */
export interface CaseNoteDraft {
  key: string;
  kind: string;
  text: string;
  author: string;
  at: string;
  status: AccountEscalationStatus;
}

/** The playbook's part of the state (`details`). */
export interface AccountEscalationDetails {
  account: AccountEscalationInput['account'];
  trigger: TriggerKey;
  reason: string;
  explicit: boolean;
  churn: ChurnCodingData;
  csm: string;
  teamLead: string;
  teamLeadManager: string | null;
  customerContact: { name: string; email: string };
  teamTimeZone: string;
  case: { number: string | null; url: string | null; source: 'given' | 'created' | 'manual' | null; problem: string | null };
  slackChannel: { id: string; name: string } | null;
  /**
   * The business calendars in use (public holidays looked up once by an activity and recorded):
   * the account's (contact days) and the team's (daily notes, finance follow-ups). Absent in runs
   * begun before holidays counted.
   */
  calendars?: { account: BusinessCalendarInfo; team: BusinessCalendarInfo };
  /**
   * Explicit complaint: the meeting must be *scheduled* within 24 hours (`dueAt`, SOP "schedule a
   * meeting with the Customer and TL within 24 hours"); `scheduledAt` is when it was scheduled,
   * `scheduledFor` when it takes place, `heldAt` when it did; `missed`: not scheduled in time. Runs
   * begun before issue 17 required it to be held by `dueAt`.
   */
  meeting: {
    required: boolean;
    dueAt: string | null;
    scheduledAt?: string | null;
    scheduledFor?: string | null;
    heldAt: string | null;
    missed: boolean;
  };
  contact: ContactSeries | null;
  /**
   * The capped repeating reminders' counts (kit/reminders.ts): `finance-follow-up-<round>`,
   * `notes-reminder`, `contact-missed-<series>`. Absent in runs begun before the caps.
   */
  reminders?: ReminderCounts;
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
    churn?: ChurnCodingData;
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

export type AccountEscalationState = EscalationState<AccountEscalationStatus, AccountEscalationDetails>;
/** What a run carries into the next one (continue-as-new): the workflow's second argument. */
export type AccountEscalationCarried = CarriedEscalation<AccountEscalationStatus, AccountEscalationDetails>;

/** The client emails, name -> when it is sent; MJML in templates/<locale>/. */
export const ACCOUNT_ESCALATION_TEMPLATES = {
  'account-follow-up':
    'Account escalation, unresponsive customer: the daily follow-up asking the customer contact to get in touch (cc the CSM).',
} as const;
export type AccountEscalationTemplate = keyof typeof ACCOUNT_ESCALATION_TEMPLATES;

/** The event update, signal and state query, typed for account-escalation. */
export const accountEscalationMessages = escalationMessages<AccountEscalationEvent, AccountEscalationState>();
