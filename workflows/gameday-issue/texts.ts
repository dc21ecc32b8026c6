// The Slack texts of seed 001. The seed's template stops after "Hi @here,"; completed here with what a
// response team needs to act without asking back: who is affected and how many, where, what, since
// when, how urgent, a screenshot or link, who raised it and from which chat. Everything a person typed
// is data (escaped by `slack`…``); @here only in the post that pages the channel during the event.
import { lines, link, mention, slack, type SlackText } from '../kit/slack-text.js';
import { localTime } from '../kit/time.js';
import { AFFECTED, SOURCES, URGENCIES } from './codes.js';
import type { GamedayEventView, GamedayIssueInput, GamedayOutcome, NotLiveFlag } from './contract.js';

const TITLE_WHAT_MAX = 120;

/** "session "Keynote: Opening" · page /expo-hall" */
export function whereText(input: GamedayIssueInput): string {
  const parts = [input.session !== undefined && `session "${input.session}"`, input.page !== undefined && `page ${input.page}`];
  return parts.filter((p): p is string => typeof p === 'string').join(' · ');
}

/** One line naming the issue (summary lists, the Web UI): `speaker · session "Keynote": microphone not working`. */
export function issueTitle(input: GamedayIssueInput): string {
  const what = input.what.length > TITLE_WHAT_MAX ? `${input.what.slice(0, TITLE_WHAT_MAX - 1)}…` : input.what;
  return `${AFFECTED[input.affected]} · ${whereText(input)}: ${what.replace(/\s+/g, ' ')}`;
}

const local = (event: GamedayEventView | null, at: string | number) => localTime(at, event?.timeZone ?? 'UTC');

/** The template's fields, one per line. */
export function issueFacts(input: GamedayIssueInput, event: GamedayEventView | null): SlackText {
  return lines(
    slack`*Who is affected:* ${AFFECTED[input.affected]} (${input.usersAffected === 1 ? '1 user' : `${input.usersAffected} users`})`,
    slack`*Where:* ${whereText(input)}`,
    slack`*What happened:* ${input.what}`,
    slack`*Since:* ${local(event, input.since)}`,
    slack`*Urgency:* ${input.urgency} (${URGENCIES[input.urgency]})`,
    input.link !== undefined && slack`*Screenshot/link:* ${link(input.link, input.link)}`,
    slack`*Source:* ${SOURCES[input.source]}`,
    slack`*Raised by:* ${mention.person(input.raisedBy)} (client team)`,
  );
}

/** Why an issue raised outside the live window does not page: said on its post instead of @here. */
function notLiveNote(flag: Exclude<NotLiveFlag, null>, event: GamedayEventView): SlackText {
  return flag === 'before-window'
    ? slack`:information_source: Raised before the event's live window (it starts ${local(event, event.start)}): no @here; the response team picks it up here.`
    : slack`:information_source: Raised after the event ended (${local(event, event.end)}): no @here; the response team picks it up here.`;
}

/** The post in the event's channel: the completed template. `@here` only when the event is live. */
export function issuePost(input: GamedayIssueInput, event: GamedayEventView | null, flag: NotLiveFlag): SlackText {
  const eventName = event?.name ?? input.event;
  return lines(
    flag === null && slack`Hi ${mention.here()},`,
    flag !== null && event !== null && notLiveNote(flag, event),
    slack`:sos: *Issue at ${eventName}* (urgency: ${input.urgency})`,
    issueFacts(input, event),
    slack`Please acknowledge, and keep everything about this issue in this thread.`,
  );
}

const OUTCOME_HEAD: Record<GamedayOutcome, SlackText> = {
  resolved: slack`:white_check_mark: *Resolved*`,
  workaround: slack`:large_orange_diamond: *Workaround*`,
  'follow-up': slack`:hourglass_flowing_sand: *Cannot be fixed during the event: follow-up after it*`,
};

/** The original post once the issue has its outcome (no @here again, no buttons). */
export function markedPost(input: GamedayIssueInput, event: GamedayEventView | null, outcome: GamedayOutcome, at: string): SlackText {
  return lines(
    slack`${OUTCOME_HEAD[outcome]} (${local(event, at)})`,
    slack`:sos: *Issue at ${event?.name ?? input.event}* (urgency: ${input.urgency})`,
    issueFacts(input, event),
  );
}

/** The outcome in the thread, telling the client team member who raised it what to give the user. */
export function outcomePost(
  input: GamedayIssueInput,
  outcome: GamedayOutcome,
  resolution: { by: string; answer: string | null; reason: string | null },
  automatic: boolean,
): SlackText {
  const raiser = mention.person(input.raisedBy);
  const tell =
    resolution.answer !== null
      ? slack`${raiser} please give the user this answer: ${resolution.answer}`
      : slack`${raiser} please tell the user we will follow up after the event.`;
  return lines(
    automatic ? slack`${OUTCOME_HEAD[outcome]}` : slack`${OUTCOME_HEAD[outcome]} (by ${resolution.by})`,
    resolution.reason !== null && slack`Why: ${resolution.reason}`,
    tell,
  );
}

/** Tier 3: tech support is mentioned in the thread with the facts. */
export function techSupportPost(input: GamedayIssueInput, event: GamedayEventView, by: string, facts: string | null): SlackText {
  return lines(
    slack`:wrench: ${mention.group(event.techSupportGroup)} tech support needed (escalated by ${by}). Please acknowledge.`,
    facts !== null && slack`*What the response team found:* ${facts}`,
    issueFacts(input, event),
  );
}

/** A reminder in the thread: the ladder's next step (the group, then the event's lead). */
export function reminderPost(target: { group: string } | { person: string }, tier: 'tier-2' | 'tier-3', afterMinutes: number): SlackText {
  const who = 'group' in target ? mention.group(target.group) : mention.person(target.person);
  const team = tier === 'tier-2' ? 'the response team' : 'tech support';
  return 'group' in target
    ? slack`:alarm_clock: ${who} no acknowledgement after ${afterMinutes} minutes: please acknowledge this issue.`
    : slack`:rotating_light: ${who} still no acknowledgement from ${team} after ${afterMinutes} minutes: please make sure someone takes this issue.`;
}

export function acknowledgedPost(tier: 'tier-2' | 'tier-3', by: string, after: string): SlackText {
  return tier === 'tier-2'
    ? slack`:eyes: Acknowledged by ${by} (${after} after it was raised).`
    : slack`:eyes: Tech support acknowledged: ${by} (${after} after the escalation).`;
}

export function eventEndedPost(event: GamedayEventView): SlackText {
  return slack`:checkered_flag: ${event.name} has ended with this issue still open: it is on the gameday summary's follow-up list, and nobody is reminded any more.`;
}
