// client-call (seed 003): a distressed client's call while their usual contact is away. The person
// who took the call records it; the usual contact's team is asked who takes it (the managers when
// nobody does in time); the client is kept in the loop by their preferred channel; after the
// resolution come the follow-up, the root-cause review, the documentation and the handover to the
// usual contact once they are back.
//
// The contract: input and event schemas (TypeBox), their static types, statuses, outcomes, the
// state's details, email templates and the typed messages. Pure: the API imports it as values, the
// workflow as types only.
import { Type, type Static } from 'typebox';
import type { EarlierEscalations } from '../../activities/index.js';
import { defineEvent, DirectoryRef, EmailAddress, Instant, Line, Link, Locale, Text, type EventsOf } from '../kit/contract.js';
import { escalationMessages } from '../kit/messages.js';
import type { PostedRef } from '../kit/notify.js';
import type { EscalationState } from '../kit/state.js';
import { CONTACT_METHODS, SEVERITIES, SEVERITY_MEANING, type ClientUpdateKind, type ContactMethod, type Severity } from './codes.js';

/** A short single-line value (a subject, a name, a timeframe). */
const Words = (maxLength: number, description: string) => Line({ minLength: 1, maxLength, description });
/** Free text: several lines allowed. */
const Prose = (maxLength: number, description: string) => Text({ minLength: 1, maxLength, description });

export const SeveritySchema = Type.Enum(SEVERITIES, {
  description: `How bad it is for the client: ${SEVERITIES.map((s) => `${s} (${SEVERITY_MEANING[s]})`).join('; ')}`,
});

/** One issue the client described (SOP: "Clarify the issue and expectations"). */
export const Issue = Type.Object(
  {
    summary: Words(200, 'The issue in a few words; names it in Slack, the client emails and the Web UI'),
    description: Prose(4000, 'What the client described, with the important details from the notes'),
    desiredFix: Prose(2000, 'What the fix looks like to the client'),
    impact: Prose(2000, 'The impact on the client'),
    severity: SeveritySchema,
    criticalToBusiness: Type.Boolean({ default: false, description: "It affects a critical part of the client's business" }),
    timeframe: Type.Optional(Words(200, "The client's reasonable timeframe for the fix, in their words (e.g. 'by Friday noon')")),
    timeSensitive: Type.Boolean({ default: false, description: 'The issue is time-sensitive for the client' }),
    neededBy: Type.Optional(Instant({ description: 'When the client needs it fixed, if they named a time', window: 'business' })),
  },
  { additionalProperties: false },
);
export type Issue = Static<typeof Issue>;

export const ClientCallInput = Type.Object(
  {
    callAt: Instant({ description: 'When the call came in; the deadlines to take it and to update the client count from here', window: 'happened' }),
    takenBy: Type.Optional(DirectoryRef('Who took the call (a directory person); may send usual-contact-back')),
    reportedBy: Type.Optional(
      Line({
        minLength: 1,
        maxLength: 200,
        description: 'Who recorded the call, as the credential says (set by the API; a tool names the person it acts for)',
      }),
    ),
    client: Type.Object(
      {
        accountId: Line({
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
          description: "The client's account id in the CRM; finds earlier escalations of the same client (never a name)",
        }),
        accountName: Words(200, "The client's organisation"),
        callerName: Words(200, 'Who called'),
        email: Type.Optional(EmailAddress({ description: "The caller's email address (required when the preferred contact is email)" })),
        phone: Type.Optional(Line({ minLength: 3, maxLength: 40, description: "The caller's phone number (required when the preferred contact is phone)" })),
        timeZone: Line({ minLength: 1, description: "The client's IANA time zone (times in their updates), e.g. Europe/Berlin" }),
      },
      { additionalProperties: false, description: 'The client and the caller' },
    ),
    preferredContact: Type.Enum(CONTACT_METHODS, {
      description: 'How the client wants to be kept in the loop: email (updates from a template) or phone (a call task for the assignee)',
    }),
    usualContact: DirectoryRef('The team member who usually talks to this client (away now); their team is notified and they get the handover'),
    usualContactBackAt: Type.Optional(
      Instant({
        description: 'When the usual contact is back (e.g. after a meeting), if known; the directory (away, vacations) is checked from then on',
        window: 'business',
      }),
    ),
    team: Type.Optional(
      Line({
        pattern: '^[a-z0-9][a-z0-9-]*$',
        description: "The team to notify (a directory group with a channel); default: the usual contact's team",
      }),
    ),
    issue: Issue,
    otherIssues: Type.Optional(Type.Array(Issue, { maxItems: 9, description: 'Further issues the client raised in the same call' })),
    notes: Type.Optional(Prose(5000, 'Anything else from the call')),
    locale: Type.Optional(Locale),
    takeWithinMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1440,
        description: "Minutes from the call until someone must have taken it, else the team's managers are asked (default by severity: 15 critical, 120 otherwise)",
      }),
    ),
    updateEveryMinutes: Type.Optional(
      Type.Integer({
        minimum: 15,
        maximum: 10080,
        description: 'Minutes without a client update before the assignee is reminded (default by severity: 60 critical, 120 high, 240 normal, 480 low)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ClientCallInput = Static<typeof ClientCallInput>;

export const clientCallEvents = {
  assigned: defineEvent('assigned', 'Someone takes the call: the next available person with the most context (a new one reassigns it)', {
    assignee: Type.Optional(DirectoryRef('Who takes it; default: the sender')),
  }),
  'client-info': defineEvent('client-info', 'New information from the client; posted to the team thread', {
    info: Prose(4000, 'What the client told us'),
  }),
  'cause-identified': defineEvent('cause-identified', 'The cause is identified: the client is told the cause and the plan', {
    cause: Prose(2000, 'The cause, as the client is told'),
    plan: Prose(2000, 'The plan to fix it, as the client is told'),
  }),
  eta: defineEvent('eta', 'An estimate for the fix: the client is told', {
    eta: Instant({ description: 'When the issue will be fixed (in the future)', window: 'business' }),
  }),
  roadblock: defineEvent('roadblock', 'A roadblock holds the fix up: the client is told', {
    roadblock: Prose(2000, 'What holds the fix up, as the client is told'),
  }),
  'client-called': defineEvent('client-called', 'The assignee phoned the client (phone updates and the phone follow-up)', {
    outcome: Type.Union([Type.Literal('reached'), Type.Literal('no-answer')], { description: 'reached: the client heard the pending updates' }),
  }),
  resolved: defineEvent('resolved', "The client's issues are resolved: the follow-up, review, documentation and handover start", {
    resolution: Prose(2000, 'What was done, as the client is told'),
    measures: Prose(2000, 'What we changed so it does not happen again, as the client is told'),
  }),
  'client-feedback': defineEvent('client-feedback', "The client's answer to the follow-up: are they satisfied with the solution?", {
    satisfied: Type.Boolean({ description: 'The client is satisfied with the solution' }),
    comment: Type.Optional(Prose(2000, 'What they said')),
  }),
  'review-done': defineEvent('review-done', "The team's root-cause review", {
    whatWentWrong: Prose(4000, 'What went wrong: the root cause'),
    prevention: Prose(4000, 'How we prevent it from happening again'),
    whyClientNoticedFirst: Prose(4000, 'Why the client noticed before we did, and how we notice first next time'),
  }),
  documented: defineEvent('documented', 'The issue and the steps to its resolution are documented', {
    steps: Prose(8000, 'The steps to the resolution'),
    recurrence: Type.Union([Type.Literal('recurring'), Type.Literal('one-off')], { description: 'A recurring issue or a one-off' }),
    link: Type.Optional(Link({ description: 'Where the documentation is' })),
  }),
  'usual-contact-back': defineEvent('usual-contact-back', 'The usual contact is back before the directory says so: the handover goes out (after the resolution)'),
  cancelled: defineEvent('cancelled', 'The escalation is called off (e.g. a duplicate intake, or the client withdrew it)', {
    reason: Prose(2000, 'Why'),
  }),
};

export type ClientCallEvent = EventsOf<typeof clientCallEvents>;

export const CLIENT_CALL_STATUSES = ['awaiting-assignee', 'escalated', 'in-progress', 'resolved', 'closed', 'cancelled'] as const;
export type ClientCallStatus = (typeof CLIENT_CALL_STATUSES)[number];

export const CLIENT_CALL_OUTCOMES = ['resolved', 'cancelled'] as const;
export type ClientCallOutcome = (typeof CLIENT_CALL_OUTCOMES)[number];

/** The client emails, name -> when it is sent; MJML in templates/<locale>/. */
export const CLIENT_CALL_TEMPLATES = {
  'client-call-cause': 'Client call, email updates: the cause is identified, with the plan (event cause-identified).',
  'client-call-eta': 'Client call, email updates: the estimate for the fix (event eta).',
  'client-call-roadblock': 'Client call, email updates: a roadblock holds the fix up (event roadblock).',
  'client-call-follow-up': 'Client call, after the resolution: what was done and changed, and whether the client is satisfied (event resolved).',
} as const;
export type ClientCallTemplate = keyof typeof CLIENT_CALL_TEMPLATES;

/** A client update (cause, estimate, roadblock) and how it reached the client. */
export interface ClientUpdate {
  n: number;
  kind: ClientUpdateKind;
  at: string;
  by: string;
  /** What the client is told, as one line per field (`Cause: ...`, `Plan: ...`). */
  fields: Record<string, string>;
  via: ContactMethod;
  /** sent (email); called (phone, reached); pending (phone, call open); emailed-after-no-answer; not-delivered. */
  delivery: 'sent' | 'called' | 'pending' | 'emailed-after-no-answer' | 'not-delivered' | 'superseded';
  deliveredAt: string | null;
}

/** The playbook's part of the state (`details`). */
export interface ClientCallDetails {
  client: { accountId: string; accountName: string; callerName: string; timeZone: string };
  preferredContact: { method: ContactMethod; email: string | null; phone: string | null };
  callAt: string;
  takenBy: string | null;
  usualContact: string;
  usualContactBackAt: string | null;
  severity: Severity;
  criticalToBusiness: boolean;
  timeSensitive: boolean;
  issues: Issue[];
  notes: string | null;
  /** The numbers in force (minutes), from the intake or by severity. */
  policy: { takeWithinMinutes: number; updateEveryMinutes: number };
  team: { key: string; name: string; channel: string; managers: string[]; mentionable: boolean } | null;
  /** Why the team could not be found (the post went nowhere), if so. */
  teamProblem: string | null;
  /** "Has this happened before?": earlier client-call escalations of the same account. */
  earlier: EarlierEscalations | null;
  earlierProblem: string | null;
  /** The team post; every later message about the call is a reply in its thread. */
  thread: PostedRef | null;
  assignee: string | null;
  assignedAt: string | null;
  assignments: { assignee: string; at: string; by: string }[];
  /** Taken before the take-by deadline; null until taken. */
  takenInTime: boolean | null;
  /** The managers' ladder, once the deadline passed without anyone taking the call. */
  managers: { startedAt: string; asked: string[]; skipped: string[]; outcome: 'running' | 'acknowledged' | 'exhausted' | 'stopped' } | null;
  updates: ClientUpdate[];
  lastUpdateAt: string | null;
  /** Reminders in a row without a client update. */
  updateReminders: number;
  eta: string | null;
  clientInfo: { at: string; by: string; info: string }[];
  resolution: { at: string; by: string; resolution: string; measures: string } | null;
  followUp: {
    via: ContactMethod;
    /** sent (email); calling; called; emailed-after-no-answer; not-delivered. */
    delivery: 'sent' | 'calling' | 'called' | 'emailed-after-no-answer' | 'not-delivered';
    answer: { satisfied: boolean; comment: string | null; at: string; by: string } | null;
  } | null;
  review: {
    dueAt: string;
    reminders: number;
    done: { at: string; by: string; whatWentWrong: string; prevention: string; whyClientNoticedFirst: string } | null;
  } | null;
  documentation: {
    dueAt: string;
    reminders: number;
    done: { at: string; by: string; steps: string; recurrence: 'recurring' | 'one-off'; link: string | null } | null;
  } | null;
  handover: {
    state: 'waiting' | 'done';
    /** When the usual contact is expected back (the next check), if known. */
    expectedAt: string | null;
    since: string;
    checks: number;
    /** Who got it (the usual contact, or the managers when they stayed away), and why. */
    to: string[];
    detail: string | null;
    doneAt: string | null;
  } | null;
  /** The usual contact reported back (event usual-contact-back). */
  usualContactBack: string | null;
  cancelled: { at: string; by: string; reason: string } | null;
}

export type ClientCallState = EscalationState<ClientCallStatus, ClientCallDetails>;

/** The event update, signal and state query, typed for client-call. */
export const clientCallMessages = escalationMessages<ClientCallEvent, ClientCallState>();
