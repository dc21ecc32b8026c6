// The kit's ladder and call task under the time-skipping server at real durations, with the real
// activities (directory availability, Slack DMs to the stand-in): the shapes the next playbooks need
// (tech-incident: "no reaction -> phone the lead; lead on vacation or 2 unanswered calls -> phone the
// backup"; client-call: managers in order, skipping those who are away).
import { describe, expect, it } from 'vitest';
import type { Directory } from '../../src/directory.js';
import { localDateKey } from '../../workflows/kit/calendar.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { EscalationState, TimelineEntry } from '../../workflows/kit/state.js';
import { patchesOf } from '../helpers/history.js';
import { bundleProbeWorkflows } from '../helpers/temporal.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';
import { callLadderProbe, notifyLadderProbe, passedDeadlineLadderProbe } from './kit/probe-workflows.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const t = workflowTestEnv({ name: 'kit-ladder', bundle: bundleProbeWorkflows });

type ProbeState = EscalationState<string, { result: { outcome: string; attempts: number; rung: string | null; skipped: string[] } | null }>;

const withWorker = <T>(directory: Directory, fn: (taskQueue: string) => Promise<T>): Promise<T> => t.withWorker(fn, { directory });

const lead = { name: 'Casey Oncall', phone: '+49 30 5550100', person: 'on-call-lead', attempts: 2 };
const backup = { name: 'Jamie Backup', phone: '+49 30 5550101', person: 'on-call-backup' };
const since = (entries: TimelineEntry[], kind: string, start: number) => entries.filter((e) => e.kind === kind).map((e) => Math.round((Date.parse(e.at) - start) / MIN));
const deskAsked = () =>
  t.standIns.outbox
    .list({ kind: 'slack' })
    .flatMap((r) => (r.kind === 'slack' && r.text?.startsWith('Phone') ? [r.text] : []))
    .reverse();

describe('call task on the ladder: phone the lead, then the backup', () => {
  it('the lead on vacation is skipped at once and the timeline says why; the backup is called until reached', async () => {
    const today = localDateKey(await t.env.currentTimeMs(), 'UTC');
    const inFourDays = localDateKey((await t.env.currentTimeMs()) + 4 * DAY, 'UTC');
    const directory = t.directoryWith({ people: { 'on-call-lead': { vacations: [{ from: today, to: inFourDays, note: 'annual leave' }] } } });
    t.standIns.outbox.clear();
    await withWorker(directory, async (taskQueue) => {
      const h = await t.start(callLadderProbe, { taskQueue, workflowId: `kit-ladder-vacation-${Date.now()}`, args: [[lead, backup], 10] });
      await t.env.sleep(12 * MIN);
      await h.executeUpdate(eventUpdate, { args: [{ type: 'reached', actor: 'desk-agent' }] });
      const final = (await h.result()) as ProbeState;
      expect(final.details.result).toEqual({ outcome: 'acknowledged', attempts: 2, rung: 'Jamie Backup', skipped: ['Casey Oncall'] });
      const skipped = final.timeline.find((e) => e.kind === 'ladder-skipped')!;
      expect(skipped.detail).toBe(`Casey Oncall skipped: Casey Oncall is on vacation until ${inFourDays} (annual leave); moving on to Jamie Backup`);
      expect(final.tasks.map((t) => [t.id, t.description, t.status, t.attempts])).toEqual([['call-on-call-2', 'Phone Jamie Backup on +49 30 5550101', 'done', 2]]);
      expect(deskAsked()).toEqual(['Phone Jamie Backup on +49 30 5550101', 'Phone Jamie Backup on +49 30 5550101']);
    });
  });

  it('two unanswered calls to the lead (one reported, one timed out) -> the backup; the lead marked away in the directory is skipped too', async () => {
    t.standIns.outbox.clear();
    await withWorker(t.directory, async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const h = await t.start(callLadderProbe, { taskQueue, workflowId: `kit-ladder-unanswered-${Date.now()}`, args: [[lead, backup], 10] });
      await t.env.sleep(3 * MIN);
      // Attempt 1: the desk reports "no answer" after 3 minutes: attempt 2 is asked at once.
      await h.executeUpdate(eventUpdate, { args: [{ type: 'no-answer', actor: 'desk-agent' }] });
      await t.env.sleep(5 * MIN);
      const during = (await h.query(stateQuery)) as ProbeState;
      expect(during.tasks.find((t) => t.id === 'call-on-call')).toMatchObject({ status: 'open', attempts: 2 });
      // Attempt 2: nothing for 10 minutes: the backup is asked (13 minutes after the start).
      await t.env.sleep(7 * MIN);
      const moved = (await h.query(stateQuery)) as ProbeState;
      expect(moved.tasks.map((t) => [t.id, t.status])).toEqual([['call-on-call', 'done'], ['call-on-call-2', 'open']]);
      expect(since(moved.timeline, 'call-unanswered', start)).toEqual([3, 13]);
      expect(moved.timeline.filter((e) => e.kind === 'call-unanswered').map((e) => e.detail)).toEqual([
        'No outcome reported for "Phone Casey Oncall on +49 30 5550100" (attempt 1); asking again',
        'No outcome reported for "Phone Casey Oncall on +49 30 5550100" (attempt 2); calling Jamie Backup next',
      ]);
      await h.executeUpdate(eventUpdate, { args: [{ type: 'reached' }] });
      const final = (await h.result()) as ProbeState;
      expect(final.details.result).toEqual({ outcome: 'acknowledged', attempts: 3, rung: 'Jamie Backup', skipped: [] });
      expect(deskAsked()).toEqual([
        'Phone Casey Oncall on +49 30 5550100',
        'Phone Casey Oncall on +49 30 5550100',
        'Phone Jamie Backup on +49 30 5550101',
      ]);
    });

    await withWorker(t.directoryWith({ people: { 'on-call-lead': { away: true } } }), async (taskQueue) => {
      const h = await t.start(callLadderProbe, { taskQueue, workflowId: `kit-ladder-away-${Date.now()}`, args: [[lead, backup], 10] });
      await t.env.sleep(MIN);
      await h.executeUpdate(eventUpdate, { args: [{ type: 'reached' }] });
      const final = (await h.result()) as ProbeState;
      expect(final.timeline.find((e) => e.kind === 'ladder-skipped')?.detail).toBe('Casey Oncall skipped: Casey Oncall is marked away in the directory; moving on to Jamie Backup');
      expect(final.details.result).toMatchObject({ outcome: 'acknowledged', rung: 'Jamie Backup', skipped: ['Casey Oncall'] });
    });
  });
});

describe('every ladder is capped (issue 17 item 19)', () => {
  it('a callee with no attempt limit, never reached: asked 12 times, every 5 minutes, then the task ends cancelled and the timeline says so', async () => {
    t.standIns.outbox.clear();
    await withWorker(t.directory, async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const h = await t.start(callLadderProbe, { taskQueue, workflowId: `kit-ladder-cap-${Date.now()}`, args: [[{ name: 'Alex Facilitator', phone: '+1 555 0142' }], 5] });
      const final = (await h.result()) as ProbeState;
      expect(final.details.result).toEqual({ outcome: 'exhausted', attempts: 12, rung: 'Alex Facilitator', skipped: [] });
      expect(deskAsked()).toHaveLength(12);
      expect(since(final.timeline, 'call-unanswered', start)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
      const capped = final.timeline.find((e) => e.kind === 'ladder-capped')!;
      expect(capped.detail).toBe("Stopped asking after 12 attempts (the ladder's cap) without an answer");
      expect(Math.round((Date.parse(capped.at) - start) / MIN)).toBe(60);
      expect(final.tasks.map((t) => [t.id, t.status, t.attempts])).toEqual([['call-on-call', 'cancelled', 12]]);
    });
  });

  it('an interval below a minute is raised to one minute', async () => {
    t.standIns.outbox.clear();
    await withWorker(t.directory, async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const h = await t.start(callLadderProbe, { taskQueue, workflowId: `kit-ladder-floor-${Date.now()}`, args: [[{ name: 'Alex Facilitator', attempts: 3 }], 0.01] });
      const final = (await h.result()) as ProbeState;
      expect(since(final.timeline, 'call-unanswered', start)).toEqual([1, 2, 3]);
    });
  });
});

describe('notify ladder: people in order, each with 15 minutes to acknowledge', () => {
  it('skips the one who is away, moves on after 15 minutes without an acknowledgement, stops at the acknowledgement', async () => {
    await withWorker(t.directoryWith({ people: { 'cs-team-lead': { away: true } } }), async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const h = await t.start(notifyLadderProbe, { taskQueue, workflowId: `kit-notify-${Date.now()}`, args: [['cs-team-lead', 'cs-manager', 'portfolio-team-lead'], 15] });
      await t.env.sleep(20 * MIN);
      await h.executeUpdate(eventUpdate, { args: [{ type: 'ack', actor: 'portfolio-team-lead' }] });
      const final = (await h.result()) as ProbeState;
      expect(final.details.result).toEqual({ outcome: 'acknowledged', attempts: 2, rung: 'portfolio-team-lead', skipped: ['cs-team-lead'] });
      expect(since(final.timeline, 'ladder-unanswered', start)).toEqual([15]);
      expect(final.timeline.find((e) => e.kind === 'ladder-unanswered')?.detail).toBe('No acknowledgement from cs-manager (attempt 1); moving on to portfolio-team-lead');
      expect(final.messages.map((m) => m.to)).toEqual(['dm:cs-manager', 'dm:portfolio-team-lead']);
    });
  });

  it('nobody acknowledges: exhausted after the last one, and the timeline says no one is left', async () => {
    await withWorker(t.directory, async (taskQueue) => {
      const h = await t.start(notifyLadderProbe, { taskQueue, workflowId: `kit-notify-none-${Date.now()}`, args: [['cs-manager', 'portfolio-team-lead'], 15] });
      const final = (await h.result()) as ProbeState;
      expect(final.details.result).toEqual({ outcome: 'exhausted', attempts: 2, rung: 'portfolio-team-lead', skipped: [] });
      expect(final.timeline.filter((e) => e.kind === 'ladder-unanswered').at(-1)?.detail).toBe('No acknowledgement from portfolio-team-lead (attempt 1); no one left to try');
    });
  });
});

describe('a ladder started after a deadline with a handler has passed (patch kit-due-deadlines-before-first-request)', () => {
  it('beside the agenda, in the first workflow task: the deadline decides first and nobody is asked', async () => {
    await withWorker(t.directory, async (taskQueue) => {
      const h = await t.start(passedDeadlineLadderProbe, { taskQueue, workflowId: `kit-ladder-passed-beside-${Date.now()}`, args: ['beside'] });
      const final = (await h.result()) as ProbeState;
      expect(final.outcome).toBe('done');
      expect(final.details.result).toEqual({ outcome: 'stopped', attempts: 0, rung: null, skipped: [] });
      expect(final.messages).toEqual([]);
      expect(await patchesOf(h)).toContain('kit-due-deadlines-before-first-request');
    });
  });

  // Both would wait for ever if the ladder waited: for a deadline that fires after the handler it runs
  // in, or for an agenda that runs only after it. Each asks once, is not answered, and the probe ends.
  it.each([
    ['inside a deadline handler, with another passed deadline queued behind it', 'inside'],
    ['awaited before the agenda runs', 'before-run'],
  ] as const)('%s: it does not wait for the agenda; it asks at once', async (_name, where) => {
    await withWorker(t.directory, async (taskQueue) => {
      const h = await t.start(passedDeadlineLadderProbe, { taskQueue, workflowId: `kit-ladder-passed-${where}-${Date.now()}`, args: [where] });
      const final = (await h.result()) as ProbeState;
      expect(final.outcome).toBe('done');
      expect(final.details.result).toEqual({ outcome: 'exhausted', attempts: 1, rung: 'the desk', skipped: [] });
      expect(final.messages.map((m) => m.to)).toEqual(['dm:desk-agent']);
      expect(await patchesOf(h)).not.toContain('kit-due-deadlines-before-first-request');
    });
  });
});
