// client-call after the resolution: the follow-up (an email asking whether the client is satisfied,
// or a call task), the root-cause review and the documentation with their deadlines and capped
// reminders, and the handover to the usual contact: at once when they are available, at 09:00 on the
// day after their vacation (days later) and not before, at the time given at intake, when reported
// back, or to the managers when they stay away. The escalation closes when the review, the
// documentation and the handover are done. Under the time-skipping server at the real durations.
import { describe, expect, it } from 'vitest';
import { localDateKey, zonedTimeToUtc } from '../../workflows/kit/calendar.js';
import { clientCallInput, clientCallTestEnv, DAY, emails, HOUR, MIN, send, settle, slackPosts, slackSteps, state, type State } from '../helpers/client-call-env.js';

const t = clientCallTestEnv();
const berlin = 'Europe/Berlin';

const resolution = {
  type: 'resolved',
  actor: 'account-specialist',
  resolution: 'The certificate was renewed; every learner can sign in again.',
  measures: 'Certificates renew automatically 30 days before they expire; an alert fires 14 days before.',
} as const;
const review = {
  type: 'review-done',
  actor: 'client-services-manager',
  whatWentWrong: 'The sign-in certificate expired: its renewal was manual.',
  prevention: 'Automatic renewal and an expiry alert.',
  whyClientNoticedFirst: 'No monitoring of certificate expiry; now alerted 14 days ahead.',
} as const;
const docs = { type: 'documented', actor: 'account-specialist', steps: '1. Renew the certificate. 2. Restart the sign-in service.', recurrence: 'one-off', link: 'https://wiki.example.com/runbooks/sign-in-certificate' } as const;

/** A call taken 5 minutes in, then resolved 30 minutes later. */
async function takenAndResolved(h: Parameters<typeof send>[0]): Promise<State> {
  await t.env.sleep(5 * MIN);
  await send(h, { type: 'assigned', actor: 'account-specialist' });
  await t.env.sleep(30 * MIN);
  return send(h, resolution);
}

describe('client-call: after the resolution', () => {
  it('email follow-up, review and documentation tasks with deadlines; the usual contact is available: handover at once; closes when all are done', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;
      const resolved = await takenAndResolved(h);
      const resolvedAt = Date.parse(resolved.details.resolution!.at);
      expect(resolved.status).toBe('resolved');
      expect(resolved.tasks.filter((x) => x.status === 'open').map((x) => [x.id, x.assignee])).toEqual(
        expect.arrayContaining([
          ['root-cause-review', 'client-services'],
          ['documentation', 'account-specialist'],
          ['client-follow-up', 'account-specialist'],
        ]),
      );
      expect(resolved.tasks.find((x) => x.id === 'root-cause-review')?.description).toContain('Why did the client notice before we did');
      expect(resolved.deadlines.find((d) => d.name === 'review-due')?.at).toBe(new Date(resolvedAt + 5 * DAY).toISOString());
      expect(resolved.deadlines.find((d) => d.name === 'documentation-due')?.at).toBe(new Date(resolvedAt + 5 * DAY).toISOString());
      expect(resolved.deadlines.map((d) => d.name)).not.toContain('update-due');
      expect(resolved.waitingFor).toEqual(expect.arrayContaining(['client-feedback', 'review-done', 'documented']));

      await settle(() => emails(t.standIns, id).length === 1);
      const [followUp] = emails(t.standIns, id);
      expect(followUp!.custom_args.template).toBe('client-call-follow-up');
      expect(followUp!.subject).toBe('Your issue is resolved: are you satisfied? (Learners cannot sign in to the course portal)');
      expect(followUp!.text).toContain('What we changed so it does not happen again: Certificates renew automatically');
      // Signed by the assignee who handled it (issue 17 item 9), not the desk's signature.
      expect(followUp!.text).toMatch(/Kind regards,\nEmery Specialist\n/);
      expect(followUp!.to.map((a) => a.email)).toEqual(['dana.client@example.org']);

      // The usual contact (account-manager) is available in the example directory: the handover goes out now.
      await settle(() => slackSteps(t.standIns, id).includes('handover-account-manager'));
      const handover = slackPosts(t.standIns, id).find((p) => p.step === 'handover-account-manager')!;
      expect(handover.channel.name).toBe('@Harper Account');
      expect(handover.text).toContain('Handover: Example Health Clinics');
      expect(handover.text).toContain('*Open items*');
      expect(handover.text).toContain('Root-cause review by');
      expect(handover.text).toContain('*Timeline*');
      expect(handover.text).toContain('account-specialist took the call 5 minutes after it came in');
      const thread = slackPosts(t.standIns, id).find((p) => p.step === 'resolved')!;
      expect(thread.text).toContain('Why did the client notice before we did');

      await t.env.sleep(HOUR);
      await send(h, { type: 'client-feedback', actor: 'account-specialist', satisfied: true, comment: 'Thanks for the quick fix' });
      await send(h, review);
      // What the next call from this client shows under "Has this happened before?" (the memo `lessons`).
      expect((await h.describe()).memo?.lessons).toEqual({ rootCause: review.whatWentWrong });
      const last = await send(h, docs);
      expect(last.status).toBe('closed');
      expect(last.outcome).toBe('resolved');
      expect((await h.describe()).memo?.lessons).toEqual({ rootCause: review.whatWentWrong, recurrence: 'one-off', steps: docs.steps, link: docs.link });
      const final = (await h.result()) as State;
      expect(final.details.followUp?.answer).toMatchObject({ satisfied: true });
      expect(final.details.handover?.detail).toBe('account-manager is available');
      expect(final.timeline.find((e) => e.kind === 'outcome')?.detail).toContain('the client is satisfied');
      await settle(() => slackSteps(t.standIns, id).includes('closed'));
      expect(slackSteps(t.standIns, id)).toEqual(expect.arrayContaining(['client-feedback', 'review-done', 'documented', 'closed']));
    });
  });

  it('overdue review and documentation: reminded at 5, 7 and 9 days (the last also to the managers), then no more', async () => {
    await t.withWorker(async (taskQueue) => {
      const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
      const id = h.workflowId;
      await takenAndResolved(h);
      const overdue = () => slackSteps(t.standIns, id).filter((x) => x.startsWith('review-overdue-'));
      await t.env.sleep(5 * DAY - HOUR);
      expect(overdue()).toEqual([]);
      await t.env.sleep(2 * HOUR);
      await settle(() => overdue().length === 1);
      const first = slackPosts(t.standIns, id).find((p) => p.step === 'review-overdue-1')!;
      expect(first.text).toContain('The root-cause review of the');
      expect(first.mentions.users).toEqual(['U0EMERYSPC']);
      await t.env.sleep(4 * DAY);
      // Both deadlines fire at the same instant; their reminders are posted one after the other.
      await settle(() => overdue().length === 3 && slackSteps(t.standIns, id).filter((x) => x.startsWith('documentation-overdue-')).length === 3);
      const third = slackPosts(t.standIns, id).find((p) => p.step === 'review-overdue-3')!;
      expect(third.mentions.users).toEqual(['U0EMERYSPC', 'U0PARKERMG', 'U0SIDNEYDR']);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('documentation-overdue-'))).toHaveLength(3);
      await t.env.sleep(10 * DAY);
      expect(overdue()).toHaveLength(3);
      const s = await state(h);
      expect(s.status).toBe('resolved');
      expect(s.timeline.filter((e) => e.data?.deadline === 'review-due').map((e) => e.kind)).toEqual(['deadline-missed', 'reminder', 'reminder']);
      // The third is the kit's final step (kit/reminders.ts), recorded as such.
      expect(s.timeline.filter((e) => e.kind === 'reminder-capped').map((e) => e.data)).toEqual([
        { reminder: 'review-due', sent: 2 },
        { reminder: 'documentation-due', sent: 2 },
      ]);
    });
  });

  it('the usual contact on vacation: the handover goes out at 09:00 on their first day back, days later, and not before', async () => {
    const now = await t.env.currentTimeMs();
    const from = localDateKey(now, berlin);
    const to = localDateKey(now + 3 * DAY, berlin);
    const directory = t.directoryWith({ 'account-manager': { vacations: [{ from, to, note: 'annual leave' }] } });
    await t.withWorker(
      async (taskQueue) => {
        const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
        const id = h.workflowId;
        await takenAndResolved(h);
        await t.env.sleep(HOUR);
        await send(h, review);
        const s = await send(h, docs);
        expect(s.status).toBe('resolved');
        const [y, m, d] = localDateKey(now + 4 * DAY, berlin).split('-').map(Number) as [number, number, number];
        const back = zonedTimeToUtc({ year: y, month: m, day: d }, { hour: 9, minute: 0 }, berlin);
        await settle(async () => (await state(h)).details.handover?.expectedAt === new Date(back).toISOString());
        const waiting = await state(h);
        expect(waiting.deadlines.find((x) => x.name === 'handover-check')?.at).toBe(new Date(back).toISOString());
        expect(waiting.timeline.find((e) => e.kind === 'handover-waits')?.detail).toContain(`Harper Account is on vacation until ${to} (annual leave)`);
        expect(waiting.waitingFor).toEqual(['client-info', 'client-feedback', 'usual-contact-back', 'cancelled']);

        await t.sleepUntil(back - 30 * MIN);
        expect(slackSteps(t.standIns, id)).not.toContain('handover-account-manager');
        expect((await state(h)).open).toBe(true);
        await t.sleepUntil(back + 30 * MIN);
        const final = (await h.result()) as State;
        expect(final.status).toBe('closed');
        expect(final.details.handover).toMatchObject({ state: 'done', to: ['account-manager'], detail: 'account-manager is back' });
        expect(Date.parse(final.details.handover!.doneAt!) - back).toBeLessThan(MIN);
        expect(slackSteps(t.standIns, id)).toContain('handover-account-manager');
      },
      { directory },
    );
  });

  it('back at the time given at intake: the handover waits for it; marked away without a date: the report that they are back hands over', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt, { usualContactBackAt: new Date(callAt + 3 * HOUR).toISOString() }));
      const id = h.workflowId;
      await takenAndResolved(h);
      await settle(async () => (await state(h)).details.handover?.expectedAt === new Date(callAt + 3 * HOUR).toISOString());
      await t.env.sleep(2 * HOUR);
      expect(slackSteps(t.standIns, id)).not.toContain('handover-account-manager');
      await t.env.sleep(HOUR);
      // The DM reaches the stand-in before the workflow hears the activity completed: wait for the state, then look.
      await settle(async () => (await state(h)).details.handover?.state === 'done');
      expect((await state(h)).details.handover?.detail).toBe('account-manager is back');
      expect(slackSteps(t.standIns, id)).toContain('handover-account-manager');
    });

    await t.withWorker(
      async (taskQueue) => {
        const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
        const id = h.workflowId;
        await takenAndResolved(h);
        await t.env.sleep(9 * HOUR);
        const waiting = await state(h);
        expect(waiting.details.handover).toMatchObject({ state: 'waiting', expectedAt: null, checks: 3 });
        expect(waiting.timeline.filter((e) => e.kind === 'handover-waits').map((e) => e.detail)).toEqual([
          'Harper Account is marked away in the directory: checked again every 4 hours',
        ]);
        const back = await send(h, { type: 'usual-contact-back', actor: 'account-manager' });
        expect(back.details.usualContactBack).not.toBeNull();
        await settle(async () => (await state(h)).details.handover?.state === 'done');
        expect((await state(h)).details.handover).toMatchObject({ state: 'done', detail: 'account-manager was reported back' });
        expect(slackSteps(t.standIns, id)).toContain('handover-account-manager');
      },
      { directory: t.directoryWith({ 'account-manager': { away: true } }) },
    );
  });

  it('still away after 14 days: the managers get the handover', async () => {
    await t.withWorker(
      async (taskQueue) => {
        const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
        const id = h.workflowId;
        await takenAndResolved(h);
        await t.env.sleep(HOUR);
        await send(h, review);
        await send(h, docs);
        await t.env.sleep(13 * DAY);
        expect((await state(h)).open).toBe(true);
        await t.env.sleep(DAY + 5 * HOUR);
        const final = (await h.result()) as State;
        expect(final.details.handover).toMatchObject({ state: 'done', to: ['client-services-manager', 'client-services-director'] });
        expect(final.details.handover?.detail).toMatch(/^account-manager is still away after 14 days/);
        expect(slackSteps(t.standIns, id)).toEqual(expect.arrayContaining(['handover-client-services-manager', 'handover-client-services-director']));
        expect(final.details.handover!.checks).toBeLessThanOrEqual(86);
      },
      { directory: t.directoryWith({ 'account-manager': { away: true } }) },
    );
  });

  it('phone follow-up: a call task with the answer as buttons; not satisfied -> the thread tells the assignee and the managers', async () => {
    await t.withWorker(async (taskQueue) => {
      const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs(), { preferredContact: 'phone' }));
      const id = h.workflowId;
      const resolved = await takenAndResolved(h);
      expect(resolved.details.followUp).toMatchObject({ via: 'phone', delivery: 'calling' });
      await settle(() => slackSteps(t.standIns, id).includes('follow-up-call-1-account-specialist'));
      const ask = slackPosts(t.standIns, id).find((p) => p.step === 'follow-up-call-1-account-specialist')!;
      expect(ask.text).toContain('Phone Dana Client on +49 30 5550199');
      expect(JSON.stringify(ask.blocks)).toContain('escalation:client-feedback:false');
      expect(emails(t.standIns, id)).toEqual([]);
      await t.env.sleep(HOUR);
      await send(h, { type: 'client-feedback', actor: 'account-specialist', satisfied: false, comment: 'Still slow in the mornings' });
      await settle(() => slackSteps(t.standIns, id).includes('client-feedback'));
      const post = slackPosts(t.standIns, id).find((p) => p.step === 'client-feedback')!;
      expect(post.text).toContain('*not* satisfied with the solution: Still slow in the mornings');
      expect(post.mentions.users).toEqual(['U0EMERYSPC', 'U0PARKERMG', 'U0SIDNEYDR']);
      await settle(async () => (await state(h)).tasks.find((x) => x.id === 'follow-up-call')?.status === 'done');
      await t.env.sleep(8 * HOUR);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('follow-up-call-'))).toHaveLength(1);
    });
  });

  it('called off: closes as cancelled at once, and nobody is asked any more', async () => {
    await t.withWorker(async (taskQueue) => {
      const h = await t.start(taskQueue, clientCallInput(await t.env.currentTimeMs()));
      const id = h.workflowId;
      await t.env.sleep(3 * MIN);
      const s = await send(h, { type: 'cancelled', actor: 'desk-agent', reason: 'Duplicate of the call logged a minute earlier' });
      expect(s).toMatchObject({ status: 'cancelled', outcome: 'cancelled', open: false, deadlines: [] });
      await h.result();
      await settle(() => slackSteps(t.standIns, id).includes('cancelled'));
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('take-call-'))).toEqual([]);
    });
  });
});
