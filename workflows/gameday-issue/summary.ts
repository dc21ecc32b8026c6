// The gameday summary (seed 001): one workflow per event (id `gameday-summary:<event>`), started with
// the event's first issue by signal-with-start and signalled by every later one. It sleeps durably
// until the event's end (re-reading the event, so a later end moves it), then reads the event's issues
// through Temporal visibility (GamedayEvent, GamedayTier, GamedayOutcome and each issue's memo), posts
// the summary in the event's channel and completes. Its id is never reused, so it posts once per
// event, however long before the end the last issue closed.
import { defineQuery, defineSignal, setCurrentDetails, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { ListedWorkflows } from '../../activities/index.js';
import { cluster, lookups, messaging } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { join, lines, link, slack, type SlackText } from '../kit/slack-text.js';
import { localTime, minutes } from '../kit/time.js';
import { GAMEDAY_SEARCH_ATTRIBUTES, ISSUE_RAISED_SIGNAL, ISSUE_WORKFLOW_TYPE } from './codes.js';
import type { GamedayEventView, GamedaySettings } from './contract.js';
import { eventView } from './event.js';
import { formatDuration, issueRow, summarise, type Durations, type GamedayTotals } from './figures.js';

export interface GamedaySummaryInput {
  /** The event's key in the directory file. */
  event: string;
}

export interface GamedaySummaryState {
  event: string;
  eventName: string | null;
  /** When the summary is due (the event's end, as last read). */
  dueAt: string | null;
  status: 'waiting-for-end' | 'reading' | 'posted' | 'not-posted';
  /** Issues that joined (by signal); the summary counts what visibility shows, and waits a little for those it does not show yet. */
  joined: number;
  totals: GamedayTotals | null;
  /** Issues that joined but visibility did not show when the summary was written. */
  notVisible: string[];
  postedAt: string | null;
  permalink: string | null;
  note: string | null;
}

export const issueRaisedSignal = defineSignal<[{ issueId: string }]>(ISSUE_RAISED_SIGNAL);
export const summaryQuery = defineQuery<GamedaySummaryState>('summary');

/** Caps, so nothing runs away: joined ids kept, end moves followed, visibility re-reads. */
const MAX_JOINED = 10_000;
const MAX_END_MOVES = 20;
const VISIBILITY_READS = 10;
const VISIBILITY_RETRY = minutes(1) / 2;

export async function gamedaySummary(input: GamedaySummaryInput): Promise<GamedaySummaryState> {
  const joined = new Set<string>();
  const state: GamedaySummaryState = {
    event: input.event,
    eventName: null,
    dueAt: null,
    status: 'waiting-for-end',
    joined: 0,
    totals: null,
    notVisible: [],
    postedAt: null,
    permalink: null,
    note: null,
  };
  setHandler(issueRaisedSignal, ({ issueId }) => {
    if (joined.size < MAX_JOINED) joined.add(issueId);
    state.joined = joined.size;
  });
  setHandler(summaryQuery, () => state);

  let event = await readEvent(input.event);
  for (let moves = 0; event && moves <= MAX_END_MOVES; moves++) {
    state.eventName = event.name;
    state.dueAt = event.end;
    setCurrentDetails(`Posts the gameday summary of **${event.name}** in its channel when it ends (${localTime(event.end, event.timeZone)})`);
    const wait = Date.parse(event.end) - Date.now();
    if (wait <= 0) break;
    await sleep(wait, { summary: `until ${event.name} ends` });
    // The end may have moved (the directory file changed): a later end means sleeping on.
    event = (await readEvent(input.event)) ?? event;
    if (Date.parse(event.end) <= Date.now()) break;
  }
  if (!event) {
    state.status = 'not-posted';
    state.note = `The directory file has no gameday event '${input.event}': no channel to post in`;
    setCurrentDetails(state.note);
    return state;
  }

  state.status = 'reading';
  const listed = await readIssues(input.event, joined, state);
  const totals = summarise(listed.workflows.map(issueRow), Date.parse(event.end));
  state.totals = totals;
  const text = summaryText(event, totals, state.notVisible, listed.truncated);
  try {
    const posted = await messaging.postSlackMessage({
      escalationId: workflowInfo().workflowId,
      step: 'gameday-summary',
      target: { channel: event.channel },
      text,
    });
    state.status = 'posted';
    state.postedAt = new Date(Date.now()).toISOString();
    try {
      state.permalink = (await messaging.getSlackPermalink({ channel: posted.channel, ts: posted.ts })).permalink;
    } catch (err) {
      state.note = `No link to the summary: ${failureReason(err)}`;
    }
  } catch (err) {
    state.status = 'not-posted';
    state.note = `The summary could not be posted: ${failureReason(err)}`;
  }
  setCurrentDetails(
    [
      `Gameday summary of **${event.name}**: ${state.status}${state.postedAt ? ` at ${localTime(state.postedAt, event.timeZone)}` : ''}`,
      state.permalink ? `Slack: [${state.permalink}](${state.permalink})` : (state.note ?? ''),
      `${totals.raised} issues: ${totals.byOutcome.resolved} resolved, ${totals.byOutcome.workaround} workaround, ${totals.byOutcome['follow-up']} follow-up, ${totals.byOutcome.open} open`,
    ].join('\n\n'),
  );
  return state;
}

async function readEvent(key: string): Promise<GamedayEventView | null> {
  try {
    const settings = (await lookups.playbookSettings({ playbook: 'gameday-issue' })) as GamedaySettings | null;
    const found = settings?.events[key];
    return found ? eventView(key, found) : null;
  } catch {
    return null;
  }
}

/**
 * The event's issues through visibility. Visibility is eventually consistent: while it does not show
 * every issue that joined, it is read again (every 30 s, at most 10 times); then the summary goes out
 * naming those still missing.
 */
async function readIssues(event: string, joined: ReadonlySet<string>, state: GamedaySummaryState): Promise<ListedWorkflows> {
  let listed: ListedWorkflows = { workflows: [], truncated: false, source: 'query' };
  for (let read = 1; read <= VISIBILITY_READS; read++) {
    try {
      listed = await cluster.listWorkflows({ workflowType: ISSUE_WORKFLOW_TYPE, where: { [GAMEDAY_SEARCH_ATTRIBUTES.event]: event } });
    } catch (err) {
      state.note = `Visibility could not be read: ${failureReason(err)}`;
    }
    const seen = new Set(listed.workflows.map((w) => w.workflowId));
    state.notVisible = [...joined].filter((id) => !seen.has(id)).sort();
    if (state.notVisible.length === 0 || read === VISIBILITY_READS) break;
    await sleep(VISIBILITY_RETRY, { summary: `visibility shows ${seen.size} of the issues; reading again` });
  }
  return listed;
}

const stat = (d: Durations) => (d.medianMs === null ? 'none yet' : `median ${formatDuration(d.medianMs)} · worst ${formatDuration(d.worstMs!)}`);

/** The summary post (engine text; issue titles are data, linked to their threads). */
export function summaryText(event: GamedayEventView, t: GamedayTotals, notVisible: readonly string[], truncated: boolean): SlackText {
  const when = `${localTime(event.start, event.timeZone)} to ${localTime(event.end, event.timeZone)}`;
  const followUps = t.followUps.map((f) => {
    const title = f.threadUrl ? link(f.threadUrl, f.title) : slack`${f.title}`;
    const tier = f.tier.replace('-', ' ');
    const state = f.state === 'open' ? `still open (${tier})` : `cannot be fixed during the event (${tier})`;
    return slack`• ${title}: ${state}`;
  });
  const waiting = (d: Durations) => ` (${d.count} of ${d.count + d.missing} acknowledged)`;
  return lines(
    slack`:bar_chart: *Gameday summary: ${event.name}* (${when})`,
    t.raised === 0
      ? slack`No issues were raised during the event.`
      : slack`*Issues raised:* ${t.raised}: ${t.byTier['tier-2']} stayed with client success (tier 2), ${t.byTier['tier-3']} went to tech support (tier 3)`,
    t.raised > 0 &&
      slack`*Outcomes:* ${t.byOutcome.resolved} resolved · ${t.byOutcome.workaround} workaround · ${t.byOutcome['follow-up']} follow-up after the event · ${t.byOutcome.open} still open`,
    t.raised > 0 && slack`*Time to acknowledge (client success):* ${stat(t.acknowledge)}${waiting(t.acknowledge)}`,
    t.byTier['tier-3'] > 0 && slack`*Time to acknowledge (tech support):* ${stat(t.techAcknowledge)}${waiting(t.techAcknowledge)}`,
    t.raised > 0 && slack`*Time to resolve (resolved or workaround):* ${stat(t.resolve)} (${t.resolve.count} issues)`,
    followUps.length > 0 && slack`*Follow-up list (${followUps.length}):*`,
    followUps.length > 0 && join(followUps),
    t.raisedAfterEnd > 0 && slack`_${t.raisedAfterEnd} issue(s) raised after the end are not counted here._`,
    notVisible.length > 0 && slack`_${notVisible.length} issue(s) were not visible yet when this was written: ${notVisible.join(', ')}_`,
    truncated && slack`_Only the newest issues could be read: the counts are incomplete._`,
  );
}
