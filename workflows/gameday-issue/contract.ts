// gameday-issue (seed 001): an issue a user raised during a live virtual event that the client team
// (tier 1) could not answer, escalated to the client-success response team in the event's Slack
// channel (tier 2) and, when needed, to tech support (tier 3). The contract: the event settings in
// the directory file, the issue's input, its events, statuses, outcomes, details and the figures the
// gameday summary reads. Pure: the API imports it as values, the workflows as types only.
import { Type, type Static } from 'typebox';
import { defineEvent, DirectoryRef, Instant, Line, Link, Text, type EventsOf } from '../kit/contract.js';
import { escalationMessages } from '../kit/messages.js';
import type { EscalationState } from '../kit/state.js';
import {
  AFFECTED,
  GAMEDAY_DEFAULTS,
  GAMEDAY_OUTCOMES,
  GAMEDAY_STATUSES,
  SOURCES,
  URGENCIES,
  type GamedayOutcome,
  type GamedayStatus,
  type Tier,
} from './codes.js';

export { GAMEDAY_OUTCOMES, GAMEDAY_STATUSES };
export type { GamedayOutcome, GamedayStatus, Tier };

const KEY = '^[a-z0-9][a-z0-9-]{0,63}$';
const Key = (description: string) => Line({ pattern: KEY, description });

const described = (map: Record<string, string>, what: string) => ({ description: `${what}: ${Object.keys(map).join(', ')}` });

export const Source = Type.Union(
  [Type.Literal('help-chat', { description: 'The help chat (any user)' }), Type.Literal('moderator-chat', { description: 'The mod chat in a session (speakers, moderators)' })],
  described(SOURCES, 'Where the user asked'),
);
export const Affected = Type.Union(
  [Type.Literal('attendee'), Type.Literal('speaker'), Type.Literal('moderator'), Type.Literal('exhibitor')],
  described(AFFECTED, 'Who is affected'),
);
export const Urgency = Type.Union(
  [
    Type.Literal('high', { description: URGENCIES.high }),
    Type.Literal('medium', { description: URGENCIES.medium }),
    Type.Literal('low', { description: URGENCIES.low }),
  ],
  described(URGENCIES, 'How urgent'),
);

/** One virtual event, configured once in the directory file under `playbooks.gameday-issue.events.<key>`. */
export const GamedayEventSettings = Type.Object(
  {
    name: Line({ minLength: 1, maxLength: 200, description: 'The event as people call it, e.g. "Northwind Virtual Summit 2026"' }),
    start: Line({ format: 'date-time', description: 'When the event starts (ISO 8601 with offset)' }),
    end: Line({ format: 'date-time', description: 'When it ends: the gameday summary is posted then' }),
    timeZone: Line({ minLength: 1, description: "The event's IANA time zone: times in Slack are shown in it" }),
    channel: Key("The event's own Slack channel (a channel key in the directory)"),
    clientTeam: Type.Array(Key('A client team member (a person key in the directory)'), {
      minItems: 1,
      description: 'The client team (tier 1): who may raise issues and is told the outcome',
    }),
    responseGroup: Key('The client-success response group (tier 2; a group key in the directory)'),
    techSupportGroup: Key('The tech-support group (tier 3; a group key in the directory)'),
    lead: Key("The event's lead: the last step of every acknowledgement ladder (a person key in the directory)"),
    liveWindowMinutes: Type.Optional(Type.Integer({
      minimum: 0,
      maximum: 24 * 60,
      default: GAMEDAY_DEFAULTS.liveWindowMinutes,
      description: 'The event counts as live from its start minus this many minutes until its end; outside, issues are flagged and do not page with @here',
    })),
    ackMinutes: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 120,
      default: GAMEDAY_DEFAULTS.ackMinutes,
      description: 'During the live event: minutes without acknowledgement before the reminder to the group, and again before the lead',
    })),
    notLiveAckMinutes: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 24 * 60,
      default: GAMEDAY_DEFAULTS.notLiveAckMinutes,
      description: 'The same for an issue raised while the event is not live',
    })),
    followUpDays: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 60,
      default: GAMEDAY_DEFAULTS.followUpDays,
      description: "An issue still open this many days after the event's end is closed as a follow-up",
    })),
  },
  { additionalProperties: false },
);
export type GamedayEventSettings = Static<typeof GamedayEventSettings>;

/** The playbook's section of the directory file (`playbooks.gameday-issue`). */
export const GamedaySettings = Type.Object(
  { events: Type.Record(Type.String({ pattern: KEY }), GamedayEventSettings, { default: {}, description: 'The virtual events, by key' }) },
  { additionalProperties: false },
);
export type GamedaySettings = Static<typeof GamedaySettings>;

/** The completed Slack template of seed 001 ("Hi @here, ..."): every field a response team needs. Flat, for the /escalate form. */
export const GamedayIssueInput = Type.Object(
  {
    event: Key('The virtual event (its key under playbooks.gameday-issue.events in the directory file)'),
    source: Source,
    affected: Affected,
    session: Type.Optional(Line({ minLength: 1, maxLength: 200, description: 'Where: the session (title or id)' })),
    page: Type.Optional(Line({ minLength: 1, maxLength: 300, description: 'Where: the page of the event site (name or path, e.g. /expo-hall)' })),
    what: Text({ minLength: 1, maxLength: 2000, description: 'What happened, in the user\'s words or the client team\'s' }),
    since: Instant({ description: 'Since when it happens', window: 'happened' }),
    usersAffected: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many users are affected (best estimate)' }),
    urgency: Urgency,
    link: Type.Optional(Link({ description: 'A screenshot or a link showing the problem' })),
    raisedBy: DirectoryRef('The client team member who raises it (one of the event\'s clientTeam)'),
    reference: Type.Optional(
      Line({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
        description: 'The help-chat conversation or message id, if any: names the issue (else the raiser and "since" do)',
      }),
    ),
    reportedBy: Type.Optional(
      Line({ minLength: 1, maxLength: 200, description: 'Who opened the escalation, as the credential says (set by the API; raisedBy names the client team member)' }),
    ),
  },
  { additionalProperties: false },
);
export type GamedayIssueInput = Static<typeof GamedayIssueInput>;

export const gamedayIssueEvents = {
  acknowledged: defineEvent(
    'acknowledged',
    'A responder takes the issue: client success at tier 2, tech support once escalated (stops the reminders)',
  ),
  'escalated-to-tech-support': defineEvent('escalated-to-tech-support', 'The responder hands the issue to tech support (tier 3), e.g. a speaker\'s microphone or camera', {
    facts: Type.Optional(Text({ minLength: 1, maxLength: 2000, description: 'What the responder found out, for tech support' })),
  }),
  resolved: defineEvent('resolved', 'Fixed: the client team gives the user the answer', {
    answer: Text({ minLength: 1, maxLength: 2000, description: 'The answer the client team gives the user' }),
  }),
  workaround: defineEvent('workaround', 'Not fixed, but the user can go on this way', {
    answer: Text({ minLength: 1, maxLength: 2000, description: 'The workaround the client team gives the user' }),
  }),
  'follow-up': defineEvent('follow-up', 'Cannot be fixed during the event: followed up after it', {
    reason: Text({ minLength: 1, maxLength: 2000, description: 'Why it cannot be fixed during the event' }),
    answer: Type.Optional(Text({ minLength: 1, maxLength: 2000, description: 'What the client team tells the user now' })),
  }),
};
export type GamedayIssueEvent = EventsOf<typeof gamedayIssueEvents>;

/** The event as the issue saw it when it was raised (re-read from the directory file at run time), defaults applied. */
export type GamedayEventView = Required<GamedayEventSettings> & { key: string };

/**
 * Why the issue did not page with @here: raised before the event's live window, or after its end.
 * null: it was raised while the event was live.
 */
export type NotLiveFlag = 'before-window' | 'after-end' | null;

export interface GamedayIssueDetails {
  /** null until the event's settings are read (and when the directory file no longer has the event). */
  event: GamedayEventView | null;
  /** When the engine got the issue (the workflow's start): acknowledgement and resolution times count from here. */
  raisedAt: string;
  flag: NotLiveFlag;
  tier: Tier;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  escalatedAt: string | null;
  escalatedBy: string | null;
  facts: string | null;
  techAcknowledgedAt: string | null;
  techAcknowledgedBy: string | null;
  resolution: { outcome: GamedayOutcome; at: string; by: string; answer: string | null; reason: string | null } | null;
  /** The event ended while the issue was open: no more reminders, it is on the summary's follow-up list. */
  carriedOver: boolean;
  /** The template's post in the event channel; every later post is in its thread. */
  thread: { channel: string; ts: string } | null;
  threadUrl: string | null;
  /** The event's summary workflow: `registered` (it will count this issue), `closed` (posted already), `not-registered` (raised after the end). */
  summary: { workflowId: string; registration: 'registered' | 'closed' | 'not-registered' | 'failed' | 'pending' };
}

export type GamedayIssueState = EscalationState<GamedayStatus, GamedayIssueDetails>;

/** What an issue keeps in its memo (memo key `gameday`) for the summary, which reads it through visibility. */
export interface GamedayFigures {
  raisedAt: string;
  acknowledgedAt: string | null;
  escalatedAt: string | null;
  techAcknowledgedAt: string | null;
  decidedAt: string | null;
  outcome: GamedayOutcome | null;
  tier: Tier;
  /** "speaker · session "Keynote": microphone not working" (user text: encrypted with the payload codec, never a search attribute). */
  title: string;
  threadUrl: string | null;
  carriedOver: boolean;
}

/** The event update, signal and state query, typed for gameday-issue. */
export const gamedayIssueMessages = escalationMessages<GamedayIssueEvent, GamedayIssueState>();
