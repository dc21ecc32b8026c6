// Capped repeating reminders: the kit's one rule for a reminder that re-arms itself as a deadline
// (a follow-up each business morning, a daily check, a series that starts over). Each reminder has a
// count cap and a minimum interval; the turn after the cap is the *final step* (the caller escalates
// to the next person, e.g. the TL or their manager), recorded on the timeline, and the reminder then
// stays silent until the caller resets it (the awaited answer came). Issue 17 item 19: no repeating
// reminder of any playbook may run away. Ladders and call tasks have their own caps (ladder.ts
// LADDER_LIMITS); this is the same rule for reminders driven by the agenda's deadlines.
//
// The counts are data in the playbook's state (`ReminderCounts` with `takeReminderTurn`, or a
// playbook's own counter with `reminderStep`), so they survive continue-as-new; deciding a turn issues
// no command, and `takeReminderTurn` asks `patched()` only once a cap is reached, so histories that
// never reached one replay as recorded. Users: account-escalation (finance follow-ups, note reminders,
// contact-series restarts), client-call (overdue review/documentation), tech-incident (delay reminders).
import { patched } from '@temporalio/workflow';
import type { AnyEscalation } from './escalation.js';
import { minutes } from './time.js';

/** The kit's bounds on every reminder policy. */
export const REMINDER_LIMITS = {
  /** No policy allows more reminders than this before its final step. */
  hardMax: 30,
  /** No reminder re-arms sooner than this after the previous one, in milliseconds. */
  minIntervalMs: minutes(5),
} as const;

/** A repeating reminder's rule: how many, how often at most, and what it is called on the timeline. */
export interface ReminderPolicy {
  /** Names the reminder on the timeline (e.g. `finance-follow-up`). */
  id: string;
  /** Reminders before the final step (at most REMINDER_LIMITS.hardMax). */
  maxCount: number;
  /** The shortest time between two reminders, in milliseconds (at least REMINDER_LIMITS.minIntervalMs). */
  minIntervalMs: number;
  /** Who gets the final step, as people read it (for the timeline), e.g. `the TL's manager`. */
  finalTo: string;
}

/** One reminder's count (`key`: the policy's id, or one per round, e.g. `finance-follow-up-2`). */
export interface ReminderCount {
  /** Reminders sent since the last reset. */
  sent: number;
  /** When the last one went out (ISO-8601), null before the first. */
  lastAt: string | null;
  /** When the final step went out; from then on the reminder is silent until reset. */
  finalAt: string | null;
}

/** The counts a playbook keeps in its state, by key. */
export type ReminderCounts = Record<string, ReminderCount>;

/**
 * What to do on this turn: `remind` (reminder `n` of `of`), `final` (the cap is reached: escalate
 * once, stop re-arming), `silent` (the final step went out already: do nothing).
 */
export type ReminderTurn = { step: 'remind'; n: number; of: number } | { step: 'final'; n: number } | { step: 'silent' };

const cap = (p: ReminderPolicy) => Math.max(1, Math.min(p.maxCount, REMINDER_LIMITS.hardMax));

/**
 * The step of turn `n` (from 1) of a reminder under `policy`, for a playbook that keeps its own
 * count: `remind` up to the cap (re-arm after it), `final` once (re-arm nothing), `silent` after.
 */
export function reminderStep(n: number, policy: ReminderPolicy): ReminderTurn['step'] {
  const max = cap(policy);
  return n <= max ? 'remind' : n === max + 1 ? 'final' : 'silent';
}

/** Records a reminder's final step on the timeline (`reminder-capped`): `sent` reminders went before it. */
export function recordReminderCapped(esc: AnyEscalation, policy: ReminderPolicy, key: string, sent: number): void {
  esc.timeline.add('reminder-capped', `Stopped reminding after ${sent} reminder(s) (${policy.id}'s cap) without an answer: told ${policy.finalTo}`, 'engine', {
    reminder: key,
    sent,
  });
}

/** The policy's effective minimum interval, in milliseconds. */
export const reminderIntervalMs = (p: ReminderPolicy) => Math.max(p.minIntervalMs, REMINDER_LIMITS.minIntervalMs);

/**
 * Takes the next turn of reminder `key` now and counts it. On `final` the timeline gets a
 * `reminder-capped` entry naming the cap and who is told; the caller sends the final step and must
 * not re-arm the reminder. `patchId`: the playbook's patched() id for the cap, asked only when the
 * cap is reached; a run begun before it (replaying) keeps reminding as it did.
 */
export function takeReminderTurn(esc: AnyEscalation, counts: ReminderCounts, policy: ReminderPolicy, key: string, patchId: string): ReminderTurn {
  const c = (counts[key] ??= { sent: 0, lastAt: null, finalAt: null });
  if (c.finalAt !== null) return { step: 'silent' };
  const now = new Date(Date.now()).toISOString();
  const max = cap(policy);
  if (c.sent < max || !patched(patchId)) {
    c.sent += 1;
    c.lastAt = now;
    return { step: 'remind', n: c.sent, of: max };
  }
  c.finalAt = now;
  recordReminderCapped(esc, policy, key, c.sent);
  return { step: 'final', n: c.sent + 1 };
}

/** The earliest instant the next reminder of `key` may be armed for: `at`, or later to keep the minimum interval. */
export function reminderNotBefore(counts: ReminderCounts, policy: ReminderPolicy, key: string, at: number): number {
  const last = counts[key]?.lastAt;
  return last ? Math.max(at, Date.parse(last) + reminderIntervalMs(policy)) : at;
}

/** The awaited answer came (a note, a decision, an attempt): the count starts again from zero. */
export function resetReminder(counts: ReminderCounts, key: string): void {
  delete counts[key];
}
