// The ladder (an escalation policy's steps): notify or ask targets in order, wait for an
// acknowledgement with a timeout, repeat up to N times, then move on to the next target. People the
// directory marks away (an `away` flag, or a vacation range covering today) are skipped, and the
// timeline says so. A call task (kit/call-task.ts) is one use of it: each rung is a callee, each
// attempt a request to phone them.
//
// Commands: a rung for a directory person first asks the directory (one activity, `checkAvailability`);
// every attempt is the rung's notification (activities) and one timer for its acknowledgement timeout,
// cancelled when the acknowledgement comes first unless its instant is near (kit/timers.ts).
// A rung without a person issues nothing before its first notification, so code that starts a ladder
// and then waits for something else issues the notification first.
//
// Every ladder is capped (issue 17 item 19: a call task asked every 5 minutes from the day before a
// session made 288 posts per escalation and saturated the worker): at most `maxAttempts` attempts in
// all (LADDER_LIMITS.maxAttempts unless the playbook sets fewer; never more than LADDER_LIMITS.hardMax),
// a rung that asks "until acknowledged" included, and no attempt waits less than
// LADDER_LIMITS.minTimeoutMs. A ladder that hits its cap ends `exhausted` and the timeline says so.
//
// A request with buttons (a `notify` that answers with the post, kit/notify.ts) is closed once it is
// no longer the current one (issue 16 item 9): superseded when the next attempt goes out, and the
// last one when the ladder ends (done: the answering event and its actor; closed: the escalation's
// outcome, no longer needed, or no answer). Supersession runs beside the next attempt's timer, so a
// slow Slack never delays the ladder.
//
// A deadline that is due when a timeout fires comes first (patch DUE_DEADLINES_FIRST in
// kit/escalation.ts): when both reach the workflow in one task (a worker that was down or late), the
// ladder lets the agenda fire that deadline before it asks again; a cutoff that decides the outcome,
// or an event's end that stops reminders, means nobody is asked again. The same holds before the
// first request (patch DUE_DEADLINES_BEFORE_FIRST_REQUEST): a ladder started after a deadline has
// passed, e.g. in an escalation opened after its cutoff, asks nobody before the deadline decided.
import { patched } from '@temporalio/workflow';
import { lookups, summary } from './activities.js';
import type { AnyEscalation } from './escalation.js';
import { failureReason } from './failures.js';
import { closedAt, closePosts, livePostsOf } from './notify.js';
import { slack } from './slack-text.js';
import type { LivePost } from './state.js';
import { minutes } from './time.js';
import { conditionOrTimeout } from './timers.js';

/** The kit's caps on every ladder and call task. */
export const LADDER_LIMITS = {
  /** Attempts over all rungs when the playbook sets no `maxAttempts` (e.g. one hour of asking every 5 minutes). */
  maxAttempts: 12,
  /** No playbook may ask more often than this in one ladder. */
  hardMax: 50,
  /** The shortest wait for an acknowledgement, in milliseconds. */
  minTimeoutMs: minutes(1),
} as const;

/** patched() id: a ladder stops at its attempt cap; before, a rung with unlimited attempts asked until acknowledged. */
export const LADDER_CAP = 'kit-ladder-cap';

export interface Rung {
  /** Who is notified or asked, as people read it (a name, `#channel`, a role). */
  target: string;
  /** The directory person behind the target: skipped when the directory marks them away. */
  person?: string | undefined;
  /** Attempts before the ladder moves on to the next rung (default 1; `Infinity`: until acknowledged, stopped or the ladder's cap). */
  attempts?: number | undefined;
  /** How long each attempt waits for the acknowledgement, in milliseconds (at least LADDER_LIMITS.minTimeoutMs). */
  timeoutMs: number;
}

export interface LadderOptions<R extends Rung> {
  /** Names the ladder on the timeline (e.g. `call-facilitator`, `ack-siren`). */
  id: string;
  rungs: readonly R[];
  /** Attempts over all rungs before the ladder gives up (default LADDER_LIMITS.maxAttempts, at most LADDER_LIMITS.hardMax). */
  maxAttempts?: number | undefined;
  /** The acknowledgement (or whatever the ladder waits for) has arrived: the ladder ends. */
  acknowledged: () => boolean;
  /** The ladder is no longer needed (e.g. the escalation has its outcome): it ends without one. */
  stopped?: () => boolean;
  /**
   * How many "no answer" reports have arrived so far (e.g. a call-outcome event): a new one ends the
   * current attempt at once instead of at its timeout.
   */
  unanswered?: () => number;
  /**
   * Sends attempt `attempt` (from 1, per rung) to the rung's target. Answering with the post
   * (`postSlack`'s PostedRef, or `dm`'s list) lets the ladder close its buttons once it is answered or superseded.
   */
  notify: (rung: R, attempt: number) => Promise<unknown>;
  /** The rung's first attempt is about to go out (after the availability check): e.g. open a task. */
  onRung?: (rung: R, index: number) => void;
  /** Attempt `attempt` is about to go out; its acknowledgement is due at `dueAt` (epoch ms). */
  onAttempt?: (rung: R, attempt: number, dueAt: number) => void;
  /** Attempt `attempt` ended without the acknowledgement; `next` is what comes now (`'again'`, the next rung, or `null`: nothing). */
  onUnanswered?: (rung: R, attempt: number, next: 'again' | R | null) => void;
  /** The Web UI's summary of an attempt's timer. */
  summary: (rung: R, attempt: number) => string;
}

export interface LadderResult<R extends Rung> {
  /** acknowledged; stopped (no longer needed); exhausted (every rung tried or skipped, or the attempt cap reached). */
  outcome: 'acknowledged' | 'stopped' | 'exhausted';
  /** The rung the ladder ended on (null when every rung was skipped or it stopped before the first). */
  rung: R | null;
  /** Attempts sent, over all rungs. */
  attempts: number;
  /** Rungs skipped because the directory marks their person away. */
  skipped: R[];
}

/** Runs the ladder to its acknowledgement, its stop, or its last rung's last attempt. */
export async function runLadder<R extends Rung>(esc: AnyEscalation, o: LadderOptions<R>): Promise<LadderResult<R>> {
  const firing = esc.dueDeadlinesBeforeFirstRequest();
  if (firing) await firing;
  const requests: LadderRequests = { current: [], closing: [] };
  const decidedBefore = esc.outcome !== null;
  const result = await climb(esc, o, requests);
  await Promise.all([...requests.closing, closePosts(esc, requests.current, endNote(esc, result, decidedBefore))]);
  return result;
}

/** The posts of the attempt that is out now, and the supersessions still under way. */
interface LadderRequests {
  current: LivePost[];
  closing: Promise<void>[];
}

/** How the ladder's last request ended, for the line under it. */
function endNote<R extends Rung>(esc: AnyEscalation, result: LadderResult<R>, decidedBefore: boolean) {
  const at = closedAt(esc);
  if (!decidedBefore && esc.outcome !== null) return slack`:white_check_mark: Closed: escalation ${esc.outcome} at ${at}`;
  if (result.outcome === 'acknowledged') {
    const event = esc.timeline.entries.findLast((e) => e.kind.startsWith('event:'));
    if (!event) return slack`:white_check_mark: Done at ${at}`;
    const detail = typeof event.data?.outcome === 'string' ? slack` (${event.data.outcome})` : slack``;
    return slack`:white_check_mark: Done: ${event.kind.slice('event:'.length)}${detail} reported by ${event.actor} at ${at}`;
  }
  if (result.outcome === 'stopped') return slack`Closed: no longer needed at ${at}`;
  return slack`Closed: no answer after ${result.attempts} request${result.attempts === 1 ? '' : 's'} (${at})`;
}

async function climb<R extends Rung>(esc: AnyEscalation, o: LadderOptions<R>, requests: LadderRequests): Promise<LadderResult<R>> {
  const skipped: R[] = [];
  const done = () => o.acknowledged() || (o.stopped?.() ?? false);
  const result = (rung: R | null): LadderResult<R> => ({
    outcome: o.acknowledged() ? 'acknowledged' : done() ? 'stopped' : 'exhausted',
    rung,
    attempts,
    skipped,
  });
  let attempts = 0;
  let last: R | null = null;
  const cap = Math.max(1, Math.min(o.maxAttempts ?? LADDER_LIMITS.maxAttempts, LADDER_LIMITS.hardMax));
  let capped = false;
  // The cap: consulted once it is reached, so histories that never reached it replay as recorded.
  const atCap = () => {
    if (capped || (attempts >= cap && patched(LADDER_CAP))) {
      if (!capped) esc.timeline.add('ladder-capped', `Stopped asking after ${attempts} attempts (the ladder's cap) without an answer`, 'engine', { ladder: o.id, attempts });
      capped = true;
    }
    return capped;
  };
  for (const [index, rung] of o.rungs.entries()) {
    if (done() || atCap()) break;
    // Only rungs with a person wait for the directory; the others notify straight away.
    if (rung.person !== undefined && (await isAway(esc, o.id, rung, o.rungs[index + 1]))) {
      skipped.push(rung);
      continue;
    }
    if (done()) break;
    last = rung;
    o.onRung?.(rung, index);
    const limit = rung.attempts ?? 1;
    const timeoutMs = Math.max(rung.timeoutMs, LADDER_LIMITS.minTimeoutMs);
    for (let attempt = 1; attempt <= limit && !done(); attempt++) {
      if (atCap()) break;
      attempts++;
      o.onAttempt?.(rung, attempt, Date.now() + timeoutMs);
      const sent = livePostsOf(esc, await o.notify(rung, attempt));
      // A request that did not get through leaves the previous one current (its buttons still work).
      if (sent.length > 0 && requests.current.length > 0) {
        const then = attempt > 1 ? slack`asked again (attempt ${attempt})` : slack`${rung.target} is asked now`;
        requests.closing.push(closePosts(esc, requests.current, slack`Superseded at ${closedAt(esc)}: ${then}`));
      }
      if (sent.length > 0) requests.current = sent;
      const noAnswers = o.unanswered?.() ?? 0;
      const ended = () => done() || (o.unanswered?.() ?? 0) > noAnswers;
      const answered = await conditionOrTimeout(ended, timeoutMs, { summary: o.summary(rung, attempt) });
      const firing = answered ? undefined : esc.dueDeadlinesFirst();
      if (firing) await firing;
      // An answer in the task that fired the timeout counts too (its timer's job may run first), and so
      // does a stop that a deadline due by then decided.
      if (done()) return result(rung);
      const next = attempt < limit && attempts < cap ? 'again' : attempts < cap ? nextRung(o.rungs, index) : null;
      if (o.onUnanswered) o.onUnanswered(rung, attempt, next);
      else esc.timeline.add('ladder-unanswered', unansweredText(rung, attempt, next), 'engine', { ladder: o.id, attempt });
    }
  }
  return result(last);
}

const nextRung = <R extends Rung>(rungs: readonly R[], index: number): R | null => rungs[index + 1] ?? null;

function unansweredText<R extends Rung>(rung: R, attempt: number, next: 'again' | R | null): string {
  const then = next === 'again' ? 'trying again' : next ? `moving on to ${next.target}` : 'no one left to try';
  return `No acknowledgement from ${rung.target} (attempt ${attempt}); ${then}`;
}

/** Asks the directory; away: says so on the timeline. A failed look-up counts as available (the notification will tell). */
async function isAway<R extends Rung>(esc: AnyEscalation, ladder: string, rung: R, next: R | undefined): Promise<boolean> {
  const person = rung.person!;
  let availability;
  try {
    [availability] = await lookups.checkAvailability.executeWithOptions(summary(`Availability of ${person} (ladder '${ladder}')`), [
      { people: [person], at: new Date(Date.now()).toISOString() },
    ]);
  } catch (err) {
    esc.timeline.add('step-failed', `Availability of ${person} not known (${failureReason(err)}); trying them anyway`, 'engine', { ladder });
    return false;
  }
  if (!availability || availability.available) return false;
  esc.timeline.add(
    'ladder-skipped',
    `${rung.target} skipped: ${availability.reason}${next ? `; moving on to ${next.target}` : '; no one left to try'}`,
    'engine',
    { ladder, person, ...(availability.until && { until: availability.until }) },
  );
  return true;
}
