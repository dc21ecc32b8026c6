// gameday-issue (seed 001): every branch under the time-skipping server at the SOP's real durations
// (the 5-minute acknowledgement, the event's hours, the 7 days of follow-up skipped, not shortened),
// with the real activities against the Slack stand-in. What people receive is checked there.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Directory } from '../../src/directory.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { EVENT_OUT_OF_ORDER, eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { GamedayEventSettings, GamedayIssueEvent, GamedayIssueInput, GamedayIssueState } from '../../workflows/gameday-issue/contract.js';
import { gamedayIssue } from '../../workflows/gameday-issue/workflow.js';
import { activationOfTimers, patchesOf, timersNamed, triggerOfPost, type HistoryTimer } from '../helpers/history.js';
import { channelPosts, DAY, EVENT, EVENT_CHANNEL, gamedayEvent, gamedayIssueInput, HOUR, MIN, SLACK, withGamedayEvents } from '../helpers/gameday.js';
import { standInActivities, type StandIns } from '../helpers/stand-ins.js';
import { uniqueTaskQueue, updateAdmitted } from '../helpers/temporal.js';
import { untilMessage } from '../helpers/wait.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';

// One time-skipping server per test: each scenario's clock is its own.
const t = workflowTestEnv({ name: 'gameday' });
let env: TestWorkflowEnvironment;
let example: Directory;
let standIns: StandIns;
beforeEach(() => ({ env, directory: example, standIns } = t));

type Handle = WorkflowHandle<typeof gamedayIssue>;

interface Scenario {
  h: Handle;
  now: number;
  input: GamedayIssueInput;
  directory: Directory;
}

/**
 * Runs `fn` with a worker, the example event placed around the server's clock (by default it started
 * 30 minutes ago and ends in 6 hours) and an issue raised now.
 */
async function scenario(
  fn: (s: Scenario) => Promise<void>,
  opts: {
    event?: (now: number) => GamedayEventSettings;
    input?: (now: number) => Partial<GamedayIssueInput>;
    people?: Record<string, Record<string, unknown>>;
  } = {},
) {
  const now = await env.currentTimeMs();
  const directory = withGamedayEvents(example, { [EVENT]: opts.event?.(now) ?? gamedayEvent(now - 30 * MIN, now + 6 * HOUR) }, opts.people);
  await t.withWorker(
    async (taskQueue) => {
      const input = gamedayIssueInput(now - 2 * MIN, opts.input?.(now));
      const h = await t.start(gamedayIssue, { taskQueue, workflowId: `gameday-issue:${input.event}-${input.reference}`, args: [input] });
      t.track(`gameday-summary:${EVENT}`);
      await fn({ h, now, input, directory });
    },
    { directory },
  );
}

const send = async (h: Handle, event: GamedayIssueEvent): Promise<GamedayIssueState> => {
  await h.executeUpdate(eventUpdate, { args: [event] });
  return (await h.query(stateQuery)) as GamedayIssueState;
};
const refusal = async (h: Handle, event: GamedayIssueEvent) => {
  const err = await send(h, event).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  return cause instanceof ApplicationFailure ? cause : undefined;
};
const state = async (h: Handle) => (await h.query(stateQuery)) as GamedayIssueState;
/** Sleeps (skipping) until `ms` after the scenario's `now`. */
const at = async (now: number, ms: number) => {
  const current = await env.currentTimeMs();
  if (now + ms > current) await env.sleep(now + ms - current);
};
const posts = () => channelPosts(standIns.outbox.list({ kind: 'slack' }));
const issuePosts = (s: Scenario) => posts().filter((p) => p.escalationId === s.h.workflowId);
/** When (workflow time) the posts of a step went out, from the timeline. */
const postedAt = (st: GamedayIssueState, step: string) =>
  st.timeline.filter((e) => e.kind === 'slack-posted' && e.detail.includes(`'${step}'`)).map((e) => Date.parse(e.at));
/**
 * A reminder goes out when its deadline passes (seed 001: "no acknowledgement within 5 minutes"): the
 * post was the workflow's answer to the ladder's timer, which was armed for exactly 5 minutes when the
 * previous post was recorded (`fromMs`) and fired no earlier. Read in workflow time from the history:
 * the time the post itself took at the Slack stand-in (seconds under load) is not the deadline's.
 */
async function expectSentAfter(h: Handle, step: string, fromMs: number): Promise<HistoryTimer> {
  const trigger = await triggerOfPost(h, step);
  expect(trigger, `what set off '${step}'`).toHaveProperty('timer');
  const { timer: last, timers } = trigger as { timer: HistoryTimer; timers: HistoryTimer[] };
  const ladder = `${/tier-\d/.exec(step)![0]} acknowledgement: `;
  // The ladder's wait fired in the activation that posted it (the deadline's own timer, due at the
  // same instant, may have come in the same batch). The lead's post waits for the directory first:
  // the deadline's timer, due a few ms before the ladder's, may come in between, after it (the
  // time-skipping server fires near timers in either order, the real one by their instants).
  let timer = timers.find((x) => x.summary?.startsWith(ladder));
  if (!timer && step.endsWith('-lead') && last.summary?.startsWith('Acknowledgement by ')) {
    timer = (await timersNamed(h, ladder)).findLast((x) => x.firedAtMs !== null && x.firedAtMs <= last.firedAtMs!);
  }
  expect(timer, `the ladder's timer before '${step}'`).toBeDefined();
  if (!timer) throw new Error('unreachable');
  expect(timer.armedAtMs).toBe(fromMs);
  expect(timer.durationMs).toBe(5 * MIN);
  expect(timer.firedAtMs).toBeGreaterThanOrEqual(fromMs + 5 * MIN);
  const sent = postedAt(await state(h), step);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toBeGreaterThanOrEqual(timer.firedAtMs!);
  return timer;
}

/** Every post after the first is in the first one's thread (seed 001: "Reply in Thread"). */
function expectThreadDiscipline(records: SlackOutboxRecord[]) {
  const [first, ...rest] = records;
  expect(first, 'the issue post').toBeDefined();
  expect(first!.thread_ts).toBeUndefined();
  expect(rest.length).toBeGreaterThan(0);
  for (const r of rest) expect(r.thread_ts, r.text).toBe(first!.ts);
}

describe('tier 1 -> tier 2: the completed template in the event channel', () => {
  it('pages with @here during the live event, with every field of the template; acknowledged in time: no reminder', async () => {
    await scenario(async (s) => {
      await at(s.now, 3 * MIN + 30_000);
      const st = await send(s.h, { type: 'acknowledged', actor: 'cs-responder' });
      expect(st.status).toBe('acknowledged');
      expect(st.deadlines.map((d) => d.name)).not.toContain('acknowledgement');
      await at(s.now, 40 * MIN);
      await send(s.h, { type: 'resolved', actor: 'cs-responder', answer: 'The speaker rejoined with the headset; audio is back.' });
      const final = await s.h.result();

      const [issue, ...replies] = issuePosts(s);
      expect(issue!.mentions.broadcasts).toEqual(['here']);
      expect(issue!.text).toMatch(/^Hi <!here>,/);
      for (const field of ['Who is affected:* speaker (240 users)', 'Where:* session "Keynote: The Year Ahead"', "What happened:* The speaker's microphone", 'Since:*', 'Urgency:* high', 'Screenshot/link:* <https://files.example.com/screenshots/keynote-mic.png|', 'Source:* moderator chat', `Raised by:* <@${SLACK.raiser}>`]) {
        expect(issue!.text).toContain(field);
      }
      expect(replies.map((r) => r.text).join('\n')).not.toMatch(/no acknowledgement/);
      expect(replies.some((r) => r.mentions.userGroups.length > 0)).toBe(false);
      expect(replies[0]!.text).toMatch(/Acknowledged by cs-responder \(3 min \d+ s after it was raised\)/);
      expectThreadDiscipline(issuePosts(s));
      expect(final.outcome).toBe('resolved');
      expect(final.timeline.filter((e) => e.kind === 'ladder-unanswered')).toEqual([]);
    });
  });

  it('no acknowledgement at 5:00: a reminder mentioning the response group; at 10:00 the event lead; then nothing more', async () => {
    await scenario(async (s) => {
      await at(s.now, 1 * MIN);
      // The five minutes count from the post in the channel (the responders cannot acknowledge before they see it).
      const posted = postedAt(await untilMessage(s.h, 'issue'), 'issue')[0]!;
      expect((await state(s.h)).deadlines.find((d) => d.name === 'acknowledgement')?.at).toBe(new Date(posted + 5 * MIN).toISOString());
      await at(s.now, 4 * MIN + 50_000);
      expect(issuePosts(s)).toHaveLength(1);
      await at(s.now, 5 * MIN + 10_000);
      // The reminder's timer fired at 5:00; its post is an activity that runs in real time.
      await untilMessage(s.h, 'reminder-tier-2-group');
      const [, groupReminder] = issuePosts(s);
      expect(groupReminder?.mentions.userGroups).toEqual([SLACK.responseGroup]);
      expect(groupReminder?.text).toContain('no acknowledgement after 5 minutes');
      const after5 = await state(s.h);
      const postedRung = await expectSentAfter(s.h, 'reminder-tier-2-group', posted);
      // The ladder's next step: five minutes from when the reminder's rung began (after the timer
      // fired, before the reminder was recorded; the timer itself runs from the reminder, below).
      const reminded = postedAt(after5, 'reminder-tier-2-group')[0]!;
      const next = Date.parse(after5.deadlines.find((d) => d.name === 'acknowledgement')!.at);
      expect(next - 5 * MIN).toBeGreaterThanOrEqual(postedRung.firedAtMs!);
      expect(next - 5 * MIN).toBeLessThanOrEqual(reminded);

      await at(s.now, 10 * MIN + 10_000);
      await untilMessage(s.h, 'reminder-tier-2-lead');
      const leadReminder = issuePosts(s)[2];
      expect(leadReminder?.mentions.users).toEqual([SLACK.lead]);
      expect(leadReminder?.text).toContain('still no acknowledgement from the response team after 10 minutes');
      await expectSentAfter(s.h, 'reminder-tier-2-lead', reminded);

      await at(s.now, 2 * HOUR);
      const st = await state(s.h);
      expect(issuePosts(s)).toHaveLength(3);
      expect(st.timeline.filter((e) => e.kind === 'ladder-exhausted')).toHaveLength(1);
      expect(st.status).toBe('awaiting-acknowledgement');
      expect(st.deadlines.map((d) => d.name)).not.toContain('acknowledgement');
      expectThreadDiscipline(issuePosts(s));
      // A late acknowledgement is still welcome.
      expect((await send(s.h, { type: 'acknowledged', actor: 'cs-responder' })).status).toBe('acknowledged');
    });
  });

  it("the lead marked away in the directory is skipped (said on the timeline), the group's reminder went out", async () => {
    await scenario(
      async (s) => {
        await at(s.now, 30 * MIN);
        const st = await state(s.h);
        expect(issuePosts(s).slice(1).map((p) => p.mentions.users.concat(p.mentions.userGroups))).toEqual([[SLACK.responseGroup]]);
        expect(st.timeline.find((e) => e.kind === 'ladder-skipped')?.detail).toContain('Parker Eventlead is marked away');
      },
      { people: { 'event-lead': { away: true } } },
    );
  });

  it('acknowledging twice, or escalating twice, is refused with a reason (409)', async () => {
    await scenario(async (s) => {
      await send(s.h, { type: 'acknowledged', actor: 'cs-responder' });
      const twice = await refusal(s.h, { type: 'acknowledged', actor: 'event-lead' });
      expect(twice?.type).toBe(EVENT_OUT_OF_ORDER);
      expect(twice?.message).toContain('already acknowledged by cs-responder');
      await send(s.h, { type: 'escalated-to-tech-support', actor: 'cs-responder' });
      expect((await refusal(s.h, { type: 'escalated-to-tech-support', actor: 'cs-responder' }))?.message).toContain('already escalated');
      await send(s.h, { type: 'workaround', actor: 'tech-support-engineer', answer: 'Use the dial-in number' });
      expect((await refusal(s.h, { type: 'resolved', answer: 'late' }))?.type).toBe(EVENT_OUT_OF_ORDER);
    });
  });
});

describe('tier 2 -> tier 3: tech support in the thread', () => {
  it('mentions the tech-support group with the facts; the same ladder: group at 5:00, lead at 10:00; tech support acknowledges', async () => {
    await scenario(async (s) => {
      await at(s.now, 1 * MIN + 30_000);
      await send(s.h, { type: 'acknowledged', actor: 'cs-responder' });
      await at(s.now, 2 * MIN + 30_000);
      const escalated = await send(s.h, { type: 'escalated-to-tech-support', actor: 'cs-responder', facts: 'Mic is live in the green room but not on stage' });
      expect(escalated.status).toBe('awaiting-tech-support');
      expect(escalated.details.tier).toBe('tier-3');
      const escalatedAt = Date.parse(escalated.details.escalatedAt!);
      const ackDue = (st: GamedayIssueState) => Date.parse(st.deadlines.find((d) => d.name === 'tech-support-acknowledgement')!.at);
      // Due 5 minutes after the escalation; once the tech-support post is out, its ladder counts the 5
      // minutes from the post (the same workflow task records both), a few ms later on a busy worker.
      // The state is read after the update, so it may already show either.
      expect(ackDue(escalated)).toBeGreaterThanOrEqual(escalatedAt + 5 * MIN);
      expect((await s.h.describe()).searchAttributes.GamedayTier).toEqual(['tier-3']);

      const afterPost = await untilMessage<GamedayIssueState>(s.h, 'tech-support');
      expect(ackDue(afterPost)).toBe(postedAt(afterPost, 'tech-support')[0]! + 5 * MIN);
      const techPost = issuePosts(s).find((p) => p.mentions.userGroups.includes(SLACK.techSupportGroup));
      expect(techPost?.text).toContain('tech support needed (escalated by cs-responder)');
      expect(techPost?.text).toContain('Mic is live in the green room but not on stage');
      expect(techPost?.text).toContain('Who is affected:* speaker');

      await at(s.now, 7 * MIN + 40_000);
      await untilMessage(s.h, 'reminder-tier-3-group');
      const reminders = issuePosts(s).filter((p) => p.text?.includes('no acknowledgement'));
      expect(reminders.map((r) => r.mentions.userGroups)).toEqual([[SLACK.techSupportGroup]]);
      await at(s.now, 12 * MIN + 40_000);
      await untilMessage(s.h, 'reminder-tier-3-lead');
      const leadReminder = issuePosts(s).filter((p) => p.text?.includes('no acknowledgement')).at(-1);
      expect(leadReminder?.mentions.users).toEqual([SLACK.lead]);
      expect(leadReminder?.text).toContain('from tech support after 10 minutes');
      const st = await state(s.h);
      const techPosted = postedAt(st, 'tech-support')[0]!;
      // Posted at once: the escalation itself set the post off, no timer in between.
      const trigger = await triggerOfPost(s.h, 'tech-support');
      expect(trigger).toMatchObject({ update: 'event' });
      expect((trigger as { acceptedAtMs: number }).acceptedAtMs).toBeGreaterThanOrEqual(escalatedAt);
      expect(techPosted).toBeGreaterThanOrEqual(escalatedAt);
      await expectSentAfter(s.h, 'reminder-tier-3-group', techPosted);
      await expectSentAfter(s.h, 'reminder-tier-3-lead', postedAt(st, 'reminder-tier-3-group')[0]!);
      // The tier-2 ladder ended with the acknowledgement: no tier-2 reminders.
      expect(postedAt(st, 'reminder-tier-2-group')).toEqual([]);

      await at(s.now, 13 * MIN + 30_000);
      const acked = await send(s.h, { type: 'acknowledged', actor: 'tech-support-engineer' });
      expect(acked.status).toBe('tech-support-working');
      expect(acked.details.techAcknowledgedBy).toBe('tech-support-engineer');
      await send(s.h, { type: 'resolved', actor: 'tech-support-engineer', answer: 'Audio input switched to the headset; the keynote is audible again.' });
      await s.h.result();
      expectThreadDiscipline(issuePosts(s));
      expect((await s.h.describe()).searchAttributes).toMatchObject({ GamedayTier: ['tier-3'], GamedayOutcome: ['resolved'] });
    });
  });

  it('escalating an unacknowledged issue acknowledges tier 2 (no tier-2 reminder afterwards)', async () => {
    await scenario(async (s) => {
      await at(s.now, 2 * MIN + 30_000);
      const st = await send(s.h, { type: 'escalated-to-tech-support', actor: 'cs-responder' });
      expect(st.details.acknowledgedBy).toBe('cs-responder');
      await s.h.executeUpdate(eventUpdate, { args: [{ type: 'acknowledged', actor: 'tech-support-engineer' }] });
      await at(s.now, 30 * MIN);
      expect(issuePosts(s).filter((p) => p.text?.includes('no acknowledgement'))).toEqual([]);
    });
  });
});

describe('resolution: the outcome marks the original post and tells the client team member who raised it', () => {
  it.each([
    { event: { type: 'resolved', actor: 'cs-responder', answer: 'Refresh the page; the stream is back.' } as const, head: 'Resolved', tell: 'Refresh the page; the stream is back.' },
    { event: { type: 'workaround', actor: 'cs-responder', answer: 'Watch the session on the backup stream page.' } as const, head: 'Workaround', tell: 'Watch the session on the backup stream page.' },
    {
      event: { type: 'follow-up', actor: 'cs-responder', reason: 'The recording service needs a fix from the vendor' } as const,
      head: 'Cannot be fixed during the event',
      tell: 'we will follow up after the event',
    },
  ])('$event.type', async ({ event, head, tell }) => {
    await scenario(async (s) => {
      await at(s.now, 2 * MIN + 30_000);
      await send(s.h, { type: 'acknowledged', actor: 'cs-responder' });
      await at(s.now, 20 * MIN + 30_000);
      await send(s.h, event);
      const final = await s.h.result();
      expect(final.outcome).toBe(event.type);
      expect(final.status).toBe(event.type);
      expect(final.details.resolution).toMatchObject({ outcome: event.type, by: 'cs-responder' });

      const records = issuePosts(s);
      const outcome = records.at(-1)!;
      expect(outcome.text).toContain(head);
      expect(outcome.text).toContain(tell);
      expect(outcome.mentions.users).toEqual([SLACK.raiser]);
      if (event.type === 'follow-up') expect(outcome.text).toContain('The recording service needs a fix from the vendor');
      expectThreadDiscipline(records);

      const [original] = standIns.slack.messages(EVENT_CHANNEL).filter((m) => !m.thread_ts);
      expect(original!.edited).toBeDefined();
      expect(original!.text).toContain(head);
      expect(original!.text).not.toContain('<!here>');
      expect((await s.h.describe()).searchAttributes.GamedayOutcome).toEqual([event.type]);
      const memo = (await s.h.describe()).memo as { gameday: { outcome: string; decidedAt: string } };
      expect(memo.gameday.outcome).toBe(event.type);
    });
  });
});

describe('the event window', () => {
  it('an issue before the live window is accepted, flagged, posted without @here, and its ladder runs on the not-live time (30 min)', async () => {
    await scenario(
      async (s) => {
        await at(s.now, 10 * MIN);
        expect((await untilMessage<GamedayIssueState>(s.h, 'issue')).details.flag).toBe('before-window');
        const [issue] = issuePosts(s);
        expect(issue!.mentions.broadcasts).toEqual([]);
        expect(issue!.text).not.toContain('<!here>');
        expect(issue!.text).toContain("Raised before the event's live window");
        expect(issuePosts(s)).toHaveLength(1);
        await at(s.now, 30 * MIN + 30_000);
        await untilMessage(s.h, 'reminder-tier-2-group');
        expect(issuePosts(s)[1]?.mentions.userGroups).toEqual([SLACK.responseGroup]);
        expect(issuePosts(s)[1]?.text).toContain('after 30 minutes');
      },
      { event: (now) => gamedayEvent(now + 3 * HOUR, now + 9 * HOUR), input: (now) => ({ since: new Date(now - 5 * MIN).toISOString() }) },
    );
  });

  it('inside the window before the start (doors open) pages with @here', async () => {
    await scenario(
      async (s) => {
        await at(s.now, 1 * MIN);
        await untilMessage(s.h, 'issue');
        expect(issuePosts(s)[0]!.mentions.broadcasts).toEqual(['here']);
      },
      { event: (now) => gamedayEvent(now + 45 * MIN, now + 6 * HOUR) },
    );
  });

  it('an issue after the event ended is flagged, does not @here and is not part of the summary', async () => {
    await scenario(
      async (s) => {
        await at(s.now, 1 * MIN);
        const st = await untilMessage<GamedayIssueState>(s.h, 'issue');
        expect(st.details.flag).toBe('after-end');
        expect(st.details.summary.registration).toBe('not-registered');
        expect(issuePosts(s)[0]!.mentions.broadcasts).toEqual([]);
        expect(issuePosts(s)[0]!.text).toContain('Raised after the event ended');
      },
      { event: (now) => gamedayEvent(now - 8 * HOUR, now - 1 * HOUR) },
    );
  });

  it("the event's end with the issue open: carried over, reminders stop; 7 days later it closes as a follow-up", async () => {
    await scenario(
      async (s) => {
        await at(s.now, 7 * MIN);
        expect(issuePosts(s)).toHaveLength(2); // the post and the group reminder
        await at(s.now, 20 * MIN + 30_000);
        const st = await untilMessage<GamedayIssueState>(s.h, 'event-ended');
        expect(st.status).toBe('carried-over');
        expect(st.details.carriedOver).toBe(true);
        const ended = issuePosts(s).at(-1)!;
        expect(ended.text).toContain('has ended with this issue still open');
        expect(issuePosts(s).filter((p) => p.mentions.users.includes(SLACK.lead))).toEqual([]);
        expect(st.deadlines.map((d) => d.name)).toEqual(['follow-up-close']);

        await at(s.now, 8 * DAY);
        const final = await s.h.result();
        expect(final.outcome).toBe('follow-up');
        expect(final.details.resolution?.by).toBe('engine');
        expect(issuePosts(s).at(-1)!.text).toContain('we will follow up after the event');
        expectThreadDiscipline(issuePosts(s));
      },
      { event: (now) => gamedayEvent(now - 5 * HOUR, now + 8 * MIN) },
    );
  });
});

describe('a deadline that has passed wins over a late event', () => {
  // Two timers in one workflow task: with the worker down across the event's end and the ladder's
  // first timeout (5 minutes from the issue post, a moment after the end), both reach the workflow
  // together. The end, passed by then, comes first: reminders stop, and nobody's group is mentioned
  // after the thread said so (patch kit-due-deadlines-first).
  it("the event ends a moment before the first reminder while no worker runs: carried over, no @group reminder after it", async () => {
    const now = await env.currentTimeMs();
    const directory = withGamedayEvents(example, { [EVENT]: gamedayEvent(now - 5 * HOUR, now + 5 * MIN) });
    const input = gamedayIssueInput(now - 2 * MIN);
    await t.withRestartableWorker(async (taskQueue, worker) => {
      const h = await t.start(gamedayIssue, { taskQueue, workflowId: `gameday-issue:${input.event}-${input.reference}`, args: [input] });
      t.track(`gameday-summary:${EVENT}`);
      await untilMessage(h, 'issue');
      await at(now, 5 * MIN - 10_000);
      await worker.stop();
      // The end's pending task holds the server's clock to its real pace: 5 s covers the ladder's timer.
      await at(now, 5 * MIN + 5_000);
      await worker.start();
      const st = await untilMessage<GamedayIssueState>(h, 'event-ended');
      expect(st.status).toBe('carried-over');
      expect(postedAt(st, 'reminder-tier-2-group')).toEqual([]);
      expect(posts().filter((p) => p.escalationId === h.workflowId && p.mentions.userGroups.length > 0)).toEqual([]);
      const activation = await activationOfTimers(h);
      const ladder = [...activation.keys()].find((k) => k.startsWith('tier-2 acknowledgement: '));
      expect(activation.get(ladder!)).toBe(activation.get([...activation.keys()].find((k) => k.endsWith('ends: an issue still open goes on the follow-up list, reminders stop'))!));
      expect(await patchesOf(h)).toContain('kit-due-deadlines-first');
    }, { directory });
  });

  it("a resolution arriving after the follow-up deadline's instant, while no worker ran, is refused naming it; the engine's follow-up stands", async () => {
    const now = await env.currentTimeMs();
    const directory = withGamedayEvents(example, { [EVENT]: gamedayEvent(now - 5 * HOUR, now + 8 * MIN) });
    const taskQueue = uniqueTaskQueue('gameday');
    // No workflow cache, hence no sticky queue: the task that waits for a worker is on the task queue, for the next one.
    const newWorker = () =>
      Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: t.bundle, activities: standInActivities(standIns, directory, t.templates), maxCachedWorkflows: 0 });
    const input = gamedayIssueInput(now - 2 * MIN);
    const h = await env.client.workflow.start(gamedayIssue, { taskQueue, workflowId: `gameday-issue:${input.event}-${input.reference}`, args: [input] });
    try {
      const closeAt = await (await newWorker()).runUntil(async () => {
        await at(now, 20 * MIN);
        const st = await state(h);
        expect(st.status).toBe('carried-over');
        return Date.parse(st.deadlines.find((d) => d.name === 'follow-up-close')!.at);
      });
      expect(closeAt).toBe(now + 8 * MIN + 7 * DAY);
      // No worker: the seven days pass and the deadline's timer fires, its workflow task waits. (The
      // server skips no further while a workflow task waits: the last second runs in real time.)
      await env.sleep(closeAt + 1_000 - (await env.currentTimeMs()));
      // The resolution reaches the server before any worker does: the worker gets both in one task.
      const updateId = `late-resolution-${input.reference}`;
      const late = h
        .executeUpdate(eventUpdate, { args: [{ type: 'resolved', actor: 'cs-responder', answer: 'Fixed at last' }], updateId })
        .then(() => undefined, (e: unknown) => e);
      await updateAdmitted(env, h.workflowId, updateId);
      const final = await (await newWorker()).runUntil(async () => {
        const err = await late;
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
        expect(cause.type).toBe(EVENT_OUT_OF_ORDER);
        expect(cause.message).toContain(`the deadline 'follow-up-close' passed at ${new Date(closeAt).toISOString()}`);
        return h.result();
      });
      expect(final.outcome).toBe('follow-up');
      expect(final.details.resolution?.by).toBe('engine');
      expect(final.timeline.map((e) => e.kind)).not.toContain('event:resolved');
    } finally {
      await h.terminate('test finished').catch(() => undefined);
      await env.client.workflow.getHandle(`gameday-summary:${EVENT}`).terminate('test finished').catch(() => undefined);
    }
  });
});

describe('data, never markup', () => {
  it("what the client team typed is shown as typed: no @channel, no link, no mention token", async () => {
    const what = 'Chat says <!channel> & <https://evil.example|click here> @{here} <@U0ROWANRSP>';
    await scenario(
      async (s) => {
        await at(s.now, 30 * MIN);
        for (const p of issuePosts(s)) {
          expect(p.mentions.broadcasts.filter((b) => b !== 'here')).toEqual([]);
          expect(p.text).not.toMatch(/<!channel>|<https:\/\/evil|<@U0ROWANRSP>/);
        }
        expect(issuePosts(s)[0]!.text).toContain('Chat says &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;');
        expect(issuePosts(s)[0]!.mentions.users).toEqual([SLACK.raiser]);
      },
      { input: () => ({ what, session: 'Expo <b>hall</b>' }) },
    );
  });
});
