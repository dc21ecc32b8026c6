// The gameday summary (seed 001) under the time-skipping server: many issues at once in one event,
// each its own escalation, and one summary at the event's end, read through visibility, exactly once,
// however long before the end the last issue closed. Real durations (minutes, hours) skipped.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Directory } from '../../src/directory.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { GamedayIssueEvent, GamedayIssueState, GamedaySettings } from '../../workflows/gameday-issue/contract.js';
import { formatDuration, median } from '../../workflows/gameday-issue/figures.js';
import { gamedaySummary, summaryQuery, type GamedaySummaryState } from '../../workflows/gameday-issue/summary.js';
import { gamedayIssue } from '../../workflows/gameday-issue/workflow.js';
import { timersNamed } from '../helpers/history.js';
import { channelPosts, EVENT, gamedayEvent, gamedayIssueInput, HOUR, MIN, withGamedayEvents } from '../helpers/gameday.js';
import type { StandIns } from '../helpers/stand-ins.js';
import { resultWithoutSkipping } from '../helpers/temporal.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';

const t = workflowTestEnv({ name: 'gameday-summary' });
let env: TestWorkflowEnvironment;
let example: Directory;
let standIns: StandIns;
beforeEach(() => ({ env, directory: example, standIns } = t));

const SUMMARY_ID = `gameday-summary:${EVENT}`;
type Issue = WorkflowHandle<typeof gamedayIssue>;

/** A worker with the example event from `start` to `end` (relative to the server's clock at the call). */
async function withWorker(
  event: (now: number) => { start: number; end: number },
  fn: (ctx: { now: number; taskQueue: string; directory: Directory; raise: (overrides?: Parameters<typeof gamedayIssueInput>[1]) => Promise<Issue> }) => Promise<void>,
) {
  const now = await env.currentTimeMs();
  const { start, end } = event(now);
  const directory = withGamedayEvents(example, { [EVENT]: gamedayEvent(start, end) });
  await t.withWorker(
    async (taskQueue) => {
      const raise = async (overrides: Parameters<typeof gamedayIssueInput>[1] = {}) => {
        const input = gamedayIssueInput((await env.currentTimeMs()) - MIN, overrides);
        return t.start(gamedayIssue, { taskQueue, workflowId: `gameday-issue:${input.event}-${input.reference}`, args: [input] });
      };
      try {
        await fn({ now, taskQueue, directory, raise });
      } finally {
        t.track(SUMMARY_ID); // terminated after the issues, which may still start it
      }
    },
    { directory },
  );
}

const send = (h: Issue, event: GamedayIssueEvent) => h.executeUpdate(eventUpdate, { args: [event] });
const at = async (now: number, ms: number) => {
  const current = await env.currentTimeMs();
  if (now + ms > current) await env.sleep(now + ms - current);
};
/** Top-level posts in the event channel that are gameday summaries. */
const summaries = () => channelPosts(standIns.outbox.list({ kind: 'slack' })).filter((p) => !p.thread_ts && p.text?.startsWith(':bar_chart:'));

/**
 * The summary went out when the event ended: its last sleep ran to exactly the end and fired, and it
 * posted after that (in workflow time, from the history: the reads and the post take real time).
 */
async function expectPostedAtEnd(endMs: number, result: GamedaySummaryState) {
  const waits = await timersNamed(env.client.workflow.getHandle(SUMMARY_ID), 'until ');
  const last = waits.at(-1)!;
  expect(last.armedAtMs + last.durationMs).toBe(endMs);
  expect(last.firedAtMs).toBeGreaterThanOrEqual(endMs);
  expect(Date.parse(result.postedAt!)).toBeGreaterThanOrEqual(last.firedAtMs!);
}

describe('gameday summary', () => {
  it('10 concurrent issues in one event: one summary at its end with the right counts, medians and worst cases, read through visibility', async () => {
    await withWorker(
      (now) => ({ start: now - 30 * MIN, end: now + 3 * HOUR }),
      async ({ now, raise }) => {
        const raisedFrom = await env.currentTimeMs();
        const issues = await Promise.all(Array.from({ length: 10 }, (_, i) => raise({ affected: i % 2 ? 'attendee' : 'speaker', what: `Issue number ${i}` })));
        const raisedTo = await env.currentTimeMs();
        const schedule: { at: number; i: number; event: GamedayIssueEvent }[] = [
          // Acknowledged 1.5 to 9.5 minutes after it was raised (issue 9 never is: reminded instead).
          ...Array.from({ length: 9 }, (_, i) => ({ at: i * MIN + 90_000, i, event: { type: 'acknowledged', actor: 'cs-responder' } as const })),
          { at: 10 * MIN + 30_000, i: 7, event: { type: 'escalated-to-tech-support', actor: 'cs-responder', facts: 'camera' } },
          { at: 10 * MIN + 30_000, i: 8, event: { type: 'escalated-to-tech-support', actor: 'cs-responder' } },
          { at: 12 * MIN + 30_000, i: 7, event: { type: 'acknowledged', actor: 'tech-support-engineer' } },
          { at: 14 * MIN + 30_000, i: 8, event: { type: 'acknowledged', actor: 'tech-support-engineer' } },
          { at: 20 * MIN + 30_000, i: 0, event: { type: 'resolved', actor: 'cs-responder', answer: 'Fixed' } },
          { at: 25 * MIN + 30_000, i: 4, event: { type: 'follow-up', actor: 'cs-responder', reason: 'Needs the vendor' } },
          { at: 30 * MIN + 30_000, i: 1, event: { type: 'resolved', actor: 'cs-responder', answer: 'Fixed' } },
          { at: 40 * MIN + 30_000, i: 2, event: { type: 'workaround', actor: 'cs-responder', answer: 'Use the backup stream' } },
          { at: 50 * MIN + 30_000, i: 3, event: { type: 'resolved', actor: 'cs-responder', answer: 'Fixed' } },
          { at: 60 * MIN + 30_000, i: 7, event: { type: 'resolved', actor: 'tech-support-engineer', answer: 'Camera driver reset' } },
        ];
        // When each event reached its escalation, as a window of the server's clock around the update
        // (the clock runs in real time while the update is handled; on a loaded machine that is seconds).
        const arrived = new Map<string, { from: number; to: number }>();
        for (const step of schedule) {
          await at(now, step.at);
          const from = await env.currentTimeMs();
          await send(issues[step.i]!, step.event);
          arrived.set(`${step.i} ${step.event.type} ${step.event.actor}`, { from, to: await env.currentTimeMs() });
        }
        /** The instant is inside the window in which the test sent that event (and not before its scheduled time). */
        const expectArrival = (iso: string | null | undefined, key: string) => {
          const w = arrived.get(key)!;
          expect(Date.parse(iso!), key).toBeGreaterThanOrEqual(w.from);
          expect(Date.parse(iso!), key).toBeLessThanOrEqual(w.to);
        };
        await at(now, 2 * HOUR);
        expect(summaries()).toEqual([]);

        // Just past the end, where the clock then stays: every workflow task the end set going (the
        // summary's, each open issue's carry-over) holds the clock until it has run. result() would let
        // the clock run on to later timers and read the issues while theirs were still running.
        await at(now, 3 * HOUR + MIN);
        const result = await resultWithoutSkipping<GamedaySummaryState>(env, SUMMARY_ID);
        const states = await Promise.all(issues.map(async (h) => (await h.query(stateQuery)) as GamedayIssueState));
        expect(result.joined).toBe(10);
        expect(result.notVisible).toEqual([]);
        const t = result.totals!;
        expect(t.raised).toBe(10);
        expect(t.byTier).toEqual({ 'tier-2': 8, 'tier-3': 2 });
        expect(t.byOutcome).toEqual({ resolved: 4, workaround: 1, 'follow-up': 1, open: 4 });

        // The medians and worst cases, recomputed from each escalation's own state.
        const ms = (from: string | null, to: string | null) => Date.parse(to!) - Date.parse(from!);
        const acks = states.filter((s) => s.details.acknowledgedAt).map((s) => ms(s.details.raisedAt, s.details.acknowledgedAt));
        expect(acks).toHaveLength(9);
        expect(t.acknowledge).toEqual({ count: 9, missing: 1, medianMs: median(acks), worstMs: Math.max(...acks) });
        for (const st of states) {
          expect(Date.parse(st.details.raisedAt)).toBeGreaterThanOrEqual(raisedFrom);
          expect(Date.parse(st.details.raisedAt)).toBeLessThanOrEqual(raisedTo);
        }
        // Each figure is the time the event arrived (the schedule above: 1.5 to 9.5 minutes after raising).
        for (let i = 0; i < 9; i++) expectArrival(states[i]!.details.acknowledgedAt, `${i} acknowledged cs-responder`);
        const techAcks = [7, 8].map((i) => ms(states[i]!.details.escalatedAt, states[i]!.details.techAcknowledgedAt));
        expect(t.techAcknowledge).toEqual({ count: 2, missing: 0, medianMs: (techAcks[0]! + techAcks[1]!) / 2, worstMs: Math.max(...techAcks) });
        for (const i of [7, 8]) {
          expectArrival(states[i]!.details.escalatedAt, `${i} escalated-to-tech-support cs-responder`);
          expectArrival(states[i]!.details.techAcknowledgedAt, `${i} acknowledged tech-support-engineer`);
        }
        const solved = states.filter((s) => s.outcome === 'resolved' || s.outcome === 'workaround').map((s) => ms(s.details.raisedAt, s.details.resolution!.at));
        expect(solved).toHaveLength(5);
        expect(t.resolve).toEqual({ count: 5, missing: 0, medianMs: median(solved), worstMs: Math.max(...solved) });
        for (const [i, type, actor] of [[0, 'resolved', 'cs-responder'], [1, 'resolved', 'cs-responder'], [2, 'workaround', 'cs-responder'], [3, 'resolved', 'cs-responder'], [7, 'resolved', 'tech-support-engineer']] as const) {
          expectArrival(states[i]!.details.resolution!.at, `${i} ${type} ${actor}`);
        }
        expect(t.followUps.map((f) => [f.id, f.state, f.tier])).toEqual(
          [4, 5, 6, 8, 9]
            .map((i) => [issues[i]!.workflowId, i === 4 ? 'follow-up' : 'open', i === 8 ? 'tier-3' : 'tier-2'] as const)
            .sort((a, b) => Date.parse(states[issues.findIndex((h) => h.workflowId === a[0])]!.details.raisedAt) - Date.parse(states[issues.findIndex((h) => h.workflowId === b[0])]!.details.raisedAt) || a[0].localeCompare(b[0])),
        );

        // One post, at the event's end, in the channel (not in any issue's thread).
        const [post, ...more] = summaries();
        expect(more).toEqual([]);
        expect(post!.escalationId).toBe(SUMMARY_ID);
        await expectPostedAtEnd(now + 3 * HOUR, result);
        expect(post!.text).toContain('*Issues raised:* 10: 8 stayed with client success (tier 2), 2 went to tech support (tier 3)');
        expect(post!.text).toContain('*Outcomes:* 4 resolved · 1 workaround · 1 follow-up after the event · 4 still open');
        expect(post!.text).toContain(`*Time to acknowledge (client success):* median ${formatDuration(median(acks)!)} · worst ${formatDuration(Math.max(...acks))} (9 of 10 acknowledged)`);
        expect(post!.text).toContain(`*Time to acknowledge (tech support):* median ${formatDuration(t.techAcknowledge.medianMs!)}`);
        expect(post!.text).toContain(`*Time to resolve (resolved or workaround):* median ${formatDuration(median(solved)!)} · worst ${formatDuration(Math.max(...solved))} (5 issues)`);
        expect(post!.text).toContain('*Follow-up list (5):*');
        const threadLink = states[9]!.details.threadUrl!;
        expect(post!.text).toContain(`<${threadLink}|attendee · session "Keynote: The Year Ahead": Issue number 9>: still open (tier 2)`);
        expect(post!.text).toContain('Issue number 4>: cannot be fixed during the event (tier 2)');
        expect(post!.mentions.broadcasts).toEqual([]);
        expect(result.permalink).toMatch(/^https:\/\//);

        // Each issue got its own thread; the open ones were told the event ended.
        for (const [i, s] of states.entries()) {
          expect(s.details.summary.registration).toBe('registered');
          if ([5, 6, 8, 9].includes(i)) expect(s.details.carriedOver).toBe(true);
        }
      },
    );
  });

  it('exactly once per event, also when the last issue closed hours before the end; a later issue does not start another', async () => {
    await withWorker(
      (now) => ({ start: now - 10 * MIN, end: now + 6 * HOUR }),
      async ({ now, raise, taskQueue }) => {
        const first = await raise();
        await at(now, 2 * MIN + 30_000);
        await send(first, { type: 'acknowledged', actor: 'cs-responder' });
        await send(first, { type: 'resolved', actor: 'cs-responder', answer: 'Done' });
        await resultWithoutSkipping(env, first.workflowId); // the clock stays at 2.5 minutes (see below)
        const waiting = await env.client.workflow.getHandle(SUMMARY_ID).query(summaryQuery);
        expect(waiting).toMatchObject({ status: 'waiting-for-end', joined: 1 });
        expect((await env.client.workflow.getHandle(SUMMARY_ID).describe()).searchAttributes.GamedayEvent).toEqual([EVENT]);

        // The late issue comes at 7 hours, not whenever the clock lands: `result()` would let the test
        // server skip on to the first issue's cancelled follow-up timer (end + 7 days), see
        // resultWithoutSkipping. So the clock is moved to 7 hours and the result read there.
        await at(now, 7 * HOUR);
        const result = await resultWithoutSkipping<GamedaySummaryState>(env, SUMMARY_ID);
        expect(result.status).toBe('posted');
        expect(result.totals).toMatchObject({ raised: 1, byOutcome: { resolved: 1, workaround: 0, 'follow-up': 0, open: 0 } });
        expect(summaries()).toHaveLength(1);

        const lateFrom = await env.currentTimeMs();
        const late = await raise();
        const lateTo = await env.currentTimeMs();
        await at(now, 7 * HOUR + 2 * MIN);
        const lateState = (await late.query(stateQuery)) as GamedayIssueState;
        // Raised at 7 hours (the clock runs in real time here, well under a minute), not days on where
        // result() would have let it run (see resultWithoutSkipping).
        expect(lateFrom - now).toBeGreaterThanOrEqual(7 * HOUR);
        expect(lateFrom - now).toBeLessThan(7 * HOUR + MIN);
        expect(Date.parse(lateState.details.raisedAt)).toBeGreaterThanOrEqual(lateFrom);
        expect(Date.parse(lateState.details.raisedAt)).toBeLessThanOrEqual(lateTo);
        expect(lateState.details.flag).toBe('after-end');
        expect(lateState.details.summary.registration).toBe('not-registered');
        // The id is not reused: a second start (as an issue's signal-with-start would do) is refused.
        await expect(
          env.client.workflow.signalWithStart(gamedaySummary, {
            workflowId: SUMMARY_ID,
            taskQueue,
            args: [{ event: EVENT }],
            signal: 'issue-raised',
            signalArgs: [{ issueId: 'x' }],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
        await at(now, 9 * HOUR);
        expect(summaries()).toHaveLength(1);
      },
    );
  });

  it("follows the event's end when the directory file moves it later", async () => {
    await withWorker(
      (now) => ({ start: now - 10 * MIN, end: now + 2 * HOUR }),
      async ({ now, raise, directory }) => {
        await raise();
        await at(now, 1 * HOUR);
        const settings = directory.settings('gameday-issue') as GamedaySettings;
        settings.events[EVENT]!.end = new Date(now + 3 * HOUR).toISOString();
        await at(now, 2 * HOUR + 30 * MIN);
        expect(summaries()).toEqual([]);
        const state: GamedaySummaryState = await env.client.workflow.getHandle(SUMMARY_ID).query(summaryQuery);
        expect(state.dueAt).toBe(new Date(now + 3 * HOUR).toISOString());
        const result = await env.client.workflow.getHandle<typeof gamedaySummary>(SUMMARY_ID).result();
        await expectPostedAtEnd(now + 3 * HOUR, result);
        expect(summaries()).toHaveLength(1);
      },
    );
  });
});
