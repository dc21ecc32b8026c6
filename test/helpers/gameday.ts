// gameday-issue fixtures: the example directory with virtual events placed around a given clock (the
// time-skipping server's, or the real one), and issue inputs.
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { checkPlaybookSettings } from '../../src/playbooks.js';
import type { GamedayEventSettings, GamedayIssueInput } from '../../workflows/gameday-issue/contract.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** The example directory's event channel (northwind-summit-gameday) and the ids its mentions resolve to. */
export const EVENT_CHANNEL = 'C0NWSUMMIT';
export const SLACK = {
  responseGroup: 'S0CLSUCCES',
  techSupportGroup: 'S0TECHSUPP',
  lead: 'U0PARKERLD',
  raiser: 'U0HARPERHO',
} as const;
export const EVENT = 'northwind-summit-2026';

/** The example event, from `startMs` to `endMs` (defaults: the example's groups, lead and client team). */
export function gamedayEvent(startMs: number, endMs: number, overrides: Partial<GamedayEventSettings> = {}): GamedayEventSettings {
  return {
    name: 'Northwind Virtual Summit 2026',
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    timeZone: 'America/New_York',
    channel: 'northwind-summit-gameday',
    clientTeam: ['client-event-host', 'client-moderator'],
    responseGroup: 'client-success',
    techSupportGroup: 'tech-support',
    lead: 'event-lead',
    ...overrides,
  };
}

/** A copy of `base` whose gameday events are `events` (checked as at start-up); `people` overrides directory people's fields. */
export function withGamedayEvents(
  base: Directory,
  events: Record<string, GamedayEventSettings>,
  people: Record<string, Record<string, unknown>> = {},
): Directory {
  const data = structuredClone(base.data);
  for (const [key, fields] of Object.entries(people)) Object.assign(data.people[key]!, fields);
  const directory = parseDirectory({ ...data, playbooks: { ...data.playbooks, 'gameday-issue': { events } } });
  checkPlaybookSettings(directory, 'test directory');
  return directory;
}

let seq = 0;
/** A valid issue for `event`, raised by the example client team's host. */
export function gamedayIssueInput(sinceMs: number, overrides: Partial<GamedayIssueInput> = {}): GamedayIssueInput {
  seq += 1;
  return {
    event: EVENT,
    source: 'moderator-chat',
    affected: 'speaker',
    session: 'Keynote: The Year Ahead',
    what: "The speaker's microphone is not picked up; attendees hear nothing",
    since: new Date(sinceMs).toISOString(),
    usersAffected: 240,
    urgency: 'high',
    link: 'https://files.example.com/screenshots/keynote-mic.png',
    raisedBy: 'client-event-host',
    reference: `SL-${Date.now().toString(36)}-${seq}`,
    ...overrides,
  };
}

/** The event channel's posts as Slack received them (chat.postMessage), oldest first (the outbox lists newest first). */
export const channelPosts = (records: readonly { kind: string }[]) =>
  records
    .filter((r): r is SlackOutboxRecord => r.kind === 'slack' && (r as SlackOutboxRecord).method === 'chat.postMessage' && (r as SlackOutboxRecord).channel.id === EVENT_CHANNEL)
    .reverse();
