// gameday-issue: what the API knows about the playbook besides its contract: the business key, the
// summary and business time for the Web UI, its search attributes and list filters, the event
// settings it takes from the directory file, and the input checks.
import { checkChannels, checkPeople, checkTaggedGroups, checkTimeZones, type FieldError } from '../kit/contract.js';
import { definePlaybook } from '../kit/playbook.js';
import { parseInstant } from '../kit/schemas/index.js';
import { gamedayIssueAccess } from './access.js';
import { GAMEDAY_OUTCOMES, GAMEDAY_STATUSES, gamedayIssueEvents, GamedayIssueInput, GamedaySettings } from './contract.js';
import { gamedayEventKey, gamedayOutcomeKey, gamedaySearchAttributeKeys, gamedayTierKey } from './search-attributes.js';

/** `20261123T140500Z` */
function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function eventsOf(settings: unknown): GamedaySettings['events'] {
  return (settings as GamedaySettings | undefined)?.events ?? {};
}

export default definePlaybook<GamedayIssueInput>({
  name: 'gameday-issue',
  title: 'Gameday issue (live virtual event)',
  description:
    "An issue a user raised during a live virtual event that the client team could not answer: the completed template is posted in the event's " +
    'Slack channel with @here (flagged, without @here, outside the live window), everything after it in its thread; the client-success response ' +
    "team acknowledges or is reminded (the group, then the event's lead), may escalate to tech support (the same ladder), and records the outcome " +
    '(resolved, workaround, or follow-up after the event), which marks the post and tells the client team member who raised it. A summary of the ' +
    "event's issues is posted in the channel when the event ends.",
  inputSchema: GamedayIssueInput,
  events: gamedayIssueEvents,
  access: gamedayIssueAccess,
  statuses: GAMEDAY_STATUSES,
  outcomes: GAMEDAY_OUTCOMES,
  templates: {},
  /** One escalation per help-chat reference, or per raiser, who is affected and since when. */
  businessKey: (input) =>
    input.reference !== undefined ? `${input.event}-${input.reference}` : `${input.event}-${input.raisedBy}-${input.affected}-${compactInstant(input.since)}`,
  businessTime: (input) => new Date(input.since),
  summary: (input) => `${input.event}: ${input.affected}, ${input.usersAffected} user(s), urgency ${input.urgency}, since ${input.since}`,
  searchAttributes: (input) => [
    { key: gamedayEventKey, value: input.event },
    { key: gamedayTierKey, value: 'tier-2' },
    { key: gamedayOutcomeKey, value: 'open' },
  ],
  searchAttributeKeys: gamedaySearchAttributeKeys,
  listFilters: {
    event: { key: gamedayEventKey, description: "The virtual event's key (gameday-issue)", pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    tier: { key: gamedayTierKey, description: 'The highest tier reached: tier-2 or tier-3 (gameday-issue)', pattern: '^tier-[23]$' },
    outcome: { key: gamedayOutcomeKey, description: 'open, resolved, workaround or follow-up (gameday-issue)', pattern: '^(open|resolved|workaround|follow-up)$' },
  },
  // Its channels, groups and people are per event (the settings below), checked with them at start-up.
  directory: {},
  settings: {
    schema: GamedaySettings,
    check(settings, directory) {
      const errors: FieldError[] = [];
      for (const [key, ev] of Object.entries(eventsOf(settings))) {
        const at = `/events/${key}`;
        const start = parseInstant(ev.start);
        const end = parseInstant(ev.end);
        if (start === undefined) errors.push({ field: `${at}/start`, message: 'must be an RFC 3339 instant with its offset, e.g. 2026-11-23T14:00:00Z' });
        if (end === undefined) errors.push({ field: `${at}/end`, message: 'must be an RFC 3339 instant with its offset, e.g. 2026-11-23T22:00:00Z' });
        if (start !== undefined && end !== undefined && !(end > start)) errors.push({ field: `${at}/end`, message: `must be after start (${ev.start})` });
        errors.push(...checkTimeZones({ [`${at}/timeZone`]: ev.timeZone }));
        errors.push(...checkChannels(directory, { [`${at}/channel`]: ev.channel }));
        errors.push(...checkTaggedGroups(directory, { [`${at}/responseGroup`]: ev.responseGroup, [`${at}/techSupportGroup`]: ev.techSupportGroup }));
        errors.push(...checkPeople(directory, { [`${at}/lead`]: ev.lead, ...Object.fromEntries(ev.clientTeam.map((p, i) => [`${at}/clientTeam/${i}`, p])) }));
      }
      return errors;
    },
  },
  check(input, directory) {
    const event = eventsOf(directory.settings('gameday-issue'))[input.event];
    if (!event) {
      const known = Object.keys(eventsOf(directory.settings('gameday-issue')));
      return [{ field: '/event', message: `unknown event '${input.event}'; configured: ${known.length ? known.join(', ') : 'none (see playbooks.gameday-issue.events in the directory file)'}` }];
    }
    const errors = checkPeople(directory, { '/raisedBy': input.raisedBy });
    if (errors.length === 0 && !event.clientTeam.includes(input.raisedBy)) {
      errors.push({ field: '/raisedBy', message: `'${input.raisedBy}' is not on the client team of ${input.event} (${event.clientTeam.join(', ')})` });
    }
    if (input.session === undefined && input.page === undefined) {
      errors.push({ field: '/session', message: 'say where it happens: a session, a page, or both (session, page)' });
    }
    return errors;
  },
  /** A speaker's microphone during the example event, noticed 5 minutes ago. */
  example: (now) => ({
    event: 'northwind-summit-2026',
    source: 'moderator-chat',
    affected: 'speaker',
    session: 'Keynote: The Year Ahead',
    what: "The speaker's microphone is not picked up; attendees hear nothing",
    since: new Date(Math.floor((now - 5 * 60_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    usersAffected: 240,
    urgency: 'high',
    link: 'https://files.example.com/screenshots/keynote-mic.png',
    raisedBy: 'client-event-host',
  }),
});
