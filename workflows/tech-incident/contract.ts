// tech-incident (seed 004): critical technical problems reported by many customers. The contract:
// the report (the API's input: every report of one problem goes to POST /escalations and joins the
// one escalation its problem key names), the workflow's opening arguments, the events, statuses,
// outcomes, the state's details and the typed messages. Pure: the API imports it as values, the
// workflow as types only.
import { Type, type Static } from 'typebox';
import { defineEvent, DirectoryRef, EmailAddress, Instant, Line, Link, Text, type EventsOf } from '../kit/contract.js';
import { escalationMessages, joinMessage } from '../kit/messages.js';
import type { EscalationState, JoinRequest } from '../kit/state.js';
import { PLATFORMS, PRODUCT_AREAS, PROBLEM_KEY_MAX, TECH_INCIDENT_DIRECTORY, type Platform, type ProductArea } from './codes.js';

export { TECH_INCIDENT_DIRECTORY };

const Keyword = (description: string, maxLength = 50) =>
  Line({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$', description });

/** One report of a technical problem from a customer's case: the API's input. */
export const TechIncidentReport = Type.Object(
  {
    problemKey: Type.Optional(
      Line({
        minLength: 1,
        maxLength: 100,
        pattern: '[A-Za-z0-9ÄÖÜäöüß]',
        description:
          'Which problem this is: reports with the same key join one escalation. Case, spaces and punctuation do not matter ' +
          `("Login 502" is "login-502"; at most ${PROBLEM_KEY_MAX} characters are kept). Without one: the product area and the error code, e.g. login-502`,
        examples: ['member-area-502'],
      }),
    ),
    ticket: Line({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9][A-Za-z0-9#:._/-]*$',
      description: "The customer's case in the support tool (its ticket or conversation number)",
      examples: ['GRV-10423'],
    }),
    customerEmail: EmailAddress({ description: "The customer's e-mail address: each customer counts once" }),
    problem: Text({ minLength: 1, maxLength: 2000, description: 'What exactly is broken, as the customer describes it' }),
    productArea: Type.Enum([...PRODUCT_AREAS], {
      description: 'Where it shows: member area, app, sync, login, content (lessons, steps), checkout (the purchase), other',
    }),
    platform: Type.Enum([...PLATFORMS], { default: 'unknown', description: 'Device and platform the customer used' }),
    membershipTier: Type.Optional(Keyword("The customer's membership tier, e.g. club")),
    errorCode: Type.Optional(Keyword('The error code or message number the customer sees, e.g. 502', 40)),
    occurredAt: Type.Optional(Instant({ description: 'When the customer saw the problem (default: when the report arrives)', window: 'happened' })),
    category: Line({
      minLength: 1,
      maxLength: 50,
      pattern: '^[a-z0-9][a-z0-9-]*$',
      default: 'technical',
      description:
        "What kind of case it is. Categories the deployment excludes (TECH_INCIDENT_EXCLUDED_CATEGORIES, by default the SOP's " +
        'application-error: the customer used the product wrong) are refused with 422 and start nothing',
    }),
    reportedBy: DirectoryRef('Support agent reporting it, who keeps ownership of the customer'),
    screenshotUrl: Type.Optional(Link({ description: 'A screenshot of the error' })),
  },
  { additionalProperties: false },
);
export type TechIncidentReport = Static<typeof TechIncidentReport>;

/** The deployment's numbers for one escalation, fixed when it opens (from the TECH_INCIDENT_* settings). */
export interface TechIncidentPolicy {
  /** Critical once more than this many distinct customers are affected (SOP: more than 5). */
  criticalAbove: number;
  /** Reporting agents are reminded to tell their customers the fix is delayed this long after the report that made it critical, and again after each such interval (capped). */
  delayReminderMinutes: number;
  /** A single case closes after this many days without a new report. */
  quietDays: number;
  /** Zone of the times people read (first seen, deadlines). */
  timeZone: string;
}

/** The workflow's arguments when a report opens the escalation (every report, the first too, comes by the join update). */
export interface TechIncidentOpening {
  /** Normalised (codes.ts `normaliseProblemKey`). */
  problemKey: string;
  policy: TechIncidentPolicy;
}

export type TechIncidentJoin = JoinRequest<TechIncidentReport>;

/** What a report is answered: which escalation it joined and what it counts now. */
export interface TechIncidentReportResult {
  problemKey: string;
  /** This report's number (from 1) in the escalation. */
  report: number;
  /** Distinct customers affected now. */
  customers: number;
  /** Reports so far. */
  reports: number;
  /** False when this report's customer had been reported before (not counted again). */
  newCustomer: boolean;
  criticality: 'single-case' | 'critical';
  /** This report made the escalation critical. */
  madeCritical: boolean;
  /** When it became critical (the report that made it so). */
  criticalAt: string | null;
}

export const techIncidentEvents = {
  acknowledged: defineEvent(
    'acknowledged',
    'Someone of the on-call group reacted to the siren post (seed step 4: within 15 minutes of the report that made it critical; after that the lead is phoned)',
  ),
  reproduced: defineEvent('reproduced', 'Outcome of the test in the test account (seed step 1)', {
    reproduced: Type.Boolean({ description: 'The error occurs in the test account too' }),
  }),
  'call-reached': defineEvent('call-reached', 'The reporting agent reached the person the call task names (the incident lead or the backup)'),
  'call-no-answer': defineEvent('call-no-answer', 'A call of the call task went unanswered (two for the lead: the backup is phoned)'),
  'social-media-checked': defineEvent('social-media-checked', 'The community groups were checked and posts about the problem answered (seed step 5)', {
    postsFound: Type.Optional(Type.Boolean({ description: 'There were posts about the problem (and they were answered)' })),
  }),
  'status-update': defineEvent('status-update', "The incident lead's status update: posted in the team's info channel (seed step 6)", {
    text: Text({ minLength: 1, maxLength: 3000, description: 'What is known, what is being done, what comes next' }),
  }),
  resolved: defineEvent('resolved', 'The problem is fixed: the escalation closes and every reporting agent is reminded to inform their customers', {
    summary: Type.Optional(Text({ minLength: 1, maxLength: 2000, description: 'What the cause and the fix were' })),
  }),
};

export type TechIncidentEvent = EventsOf<typeof techIncidentEvents>;

/**
 * single-case: up to the threshold; critical: siren posted, waiting for the on-call group's
 * acknowledgement; phoning: nobody reacted in 15 minutes, the lead (or the backup) is being phoned;
 * in-progress: acknowledged or a callee reached; resolved; lapsed: a single case without new reports.
 */
export const TECH_INCIDENT_STATUSES = ['single-case', 'critical', 'phoning', 'in-progress', 'resolved', 'lapsed'] as const;
export type TechIncidentStatus = (typeof TECH_INCIDENT_STATUSES)[number];

export const TECH_INCIDENT_OUTCOMES = ['resolved', 'lapsed'] as const;
export type TechIncidentOutcome = (typeof TECH_INCIDENT_OUTCOMES)[number];

/** One report as the escalation keeps it. */
export interface ReportRecord {
  number: number;
  receivedAt: string;
  /** When the customer saw it (the report's occurredAt, else receivedAt). */
  seenAt: string;
  ticket: string;
  customerEmail: string;
  problem: string;
  productArea: ProductArea;
  platform: Platform;
  membershipTier: string | null;
  errorCode: string | null;
  reportedBy: string;
  screenshotUrl: string | null;
  /** False: the customer had been reported before. */
  newCustomer: boolean;
  /** The row on the tracking list, once written. */
  tracking: { rowId: string; url: string | null } | null;
}

/** A common thread across the reports (seed step 2: "Gibt es einen roten Faden?"). */
export interface CommonThread {
  kind: 'email-domain' | 'platform' | 'mobile' | 'tier' | 'error-code';
  values: string[];
  /** Reports that say (the field known), of all reports. */
  known: number;
  of: number;
}

/** The facts the siren post carries (seed step 2), computed from the reports. */
export interface IncidentFacts {
  /** What exactly: the first report's description. */
  what: string;
  productAreas: ProductArea[];
  errorCode: string | null;
  firstSeen: string;
  lastSeen: string;
  customers: number;
  reports: number;
  thread: CommonThread[];
  /** At least three customer addresses (seed: "Mind. 3 Mail-Adressen einfügen"). */
  samples: string[];
  screenshotUrl: string | null;
}

export interface TechIncidentDetails {
  problemKey: string;
  policy: TechIncidentPolicy;
  locale: 'de' | 'en';
  criticality: 'single-case' | 'critical';
  /** The report that made it critical: every deadline counts from its receivedAt. */
  criticalAt: string | null;
  criticalReport: number | null;
  /** Its reporter: runs the alarm (test account, siren, calls). */
  incidentAgent: string | null;
  reports: ReportRecord[];
  customers: string[];
  facts: IncidentFacts | null;
  reproduced: { value: boolean; by: string; at: string } | null;
  siren: { channel: string; ts: string } | null;
  acknowledged: { by: string; at: string } | null;
  calls: { callee: string; outcome: 'reached' | 'no-answer' | 'skipped'; by: string; at: string }[];
  /** Who was reached by phone (the lead or the backup), if anyone. */
  reached: string | null;
  socialMedia: { assignee: string; checkedAt: string | null; postsFound: boolean | null } | null;
  statusUpdates: { at: string; by: string; text: string }[];
  /** The list every report goes on (its link, once a row was written). */
  trackingListUrl: string | null;
  delayReminders: number;
  resolution: { at: string; by: string; summary: string | null } | null;
}

export type TechIncidentState = EscalationState<TechIncidentStatus, TechIncidentDetails>;

/** The event update, signal and state query, typed for tech-incident. */
export const techIncidentMessages = escalationMessages<TechIncidentEvent, TechIncidentState>();
/** The join update (every report), typed for tech-incident. */
export const techIncidentReportUpdate = joinMessage<TechIncidentReport, TechIncidentReportResult>();
