// gameday-issue (seed 001): plain data the API (contract.ts, definition.ts) and the workflows share.
// No imports, so the workflow bundle can take it as values.

/** What an event's settings default to when the directory file leaves them out. */
export const GAMEDAY_DEFAULTS = {
  /** The event counts as live from its start minus this many minutes (doors open, speaker checks). */
  liveWindowMinutes: 60,
  /** SOP: no acknowledgement within 5 minutes during a live event -> reminder, then the lead. */
  ackMinutes: 5,
  /** The same ladder's step for an issue raised while the event is not live (no @here, nobody is on call). */
  notLiveAckMinutes: 30,
  /** An issue still open this many days after the event's end is closed as a follow-up. */
  followUpDays: 7,
} as const;

/** Tier 2: the client-success response team in the event's channel; tier 3: tech support. Tier 1 (the client team) raises the issue. */
export const TIERS = ['tier-2', 'tier-3'] as const;
export type Tier = (typeof TIERS)[number];

/** The playbook's event types (contract.ts defines them; test/unit checks the two agree). */
export const GAMEDAY_EVENT_TYPES = ['acknowledged', 'escalated-to-tech-support', 'resolved', 'workaround', 'follow-up'] as const;

export const GAMEDAY_OUTCOMES = ['resolved', 'workaround', 'follow-up'] as const;
export type GamedayOutcome = (typeof GAMEDAY_OUTCOMES)[number];

export const GAMEDAY_STATUSES = [
  'awaiting-acknowledgement',
  'acknowledged',
  'awaiting-tech-support',
  'tech-support-working',
  'carried-over',
  ...GAMEDAY_OUTCOMES,
] as const;
export type GamedayStatus = (typeof GAMEDAY_STATUSES)[number];

export const SOURCES = { 'help-chat': 'help chat', 'moderator-chat': 'moderator chat' } as const;
export const AFFECTED = { attendee: 'attendee', speaker: 'speaker', moderator: 'moderator', exhibitor: 'exhibitor' } as const;
export const URGENCIES = {
  high: 'users cannot attend, present or exhibit right now',
  medium: 'users are hindered but can go on',
  low: 'a question or a cosmetic problem',
} as const;

/** The search attributes the playbook sets (registered through its definition); no personal data. */
export const GAMEDAY_SEARCH_ATTRIBUTES = {
  /** The event's key in the directory file. */
  event: 'GamedayEvent',
  /** `tier-2` or `tier-3`: the highest tier the issue reached. */
  tier: 'GamedayTier',
  /** `open` until it has its outcome. */
  outcome: 'GamedayOutcome',
} as const;

/** The memo key under which an issue keeps the figures the summary reads (times, tier, outcome, title, thread link). */
export const FIGURES_MEMO_KEY = 'gameday';

/** One summary per event, ever: its workflow id. */
export const summaryWorkflowId = (event: string) => `gameday-summary:${event}`;

/** The signal each issue sends its event's summary (with signal-with-start). */
export const ISSUE_RAISED_SIGNAL = 'issue-raised';

/** The workflow types (the functions' names; test/unit checks they match). */
export const ISSUE_WORKFLOW_TYPE = 'gamedayIssue';
export const SUMMARY_WORKFLOW_TYPE = 'gamedaySummary';
