// client-call, keeping the client in the loop: each client-update event (cause-identified, eta,
// roadblock) sends one email to the preferred address (cc the assignee), in the client's language;
// phone: a call task for the assignee (asked again every 30 minutes, three times, then emailed);
// the update reminder when no update went out for the severity's interval, capped; new information
// from the client goes to the team thread; updates before anyone took the call are refused. Under
// the time-skipping server at the real durations.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { eventUpdate } from '../../workflows/kit/messages.js';
import { clientCallInput, clientCallTestEnv, emails, HOUR, MIN, send, settle, slackPosts, slackSteps, state } from '../helpers/client-call-env.js';
import { nextYearWith } from '../helpers/account-fixtures.js';

const t = clientCallTestEnv();

/** The failure type and message an event is refused with. */
async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    return { type: cause.type ?? undefined, message: cause.message };
  }
  throw new Error('expected the event to be refused');
}

describe('client-call: client updates by the preferred channel', () => {
  it('email: cause, estimate and roadblock each send one email to the preferred address, cc the assignee; the thread hears of each', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;

      // Before anyone takes the call: refused (409), nothing sent.
      const early = await refusal(h.executeUpdate(eventUpdate, { args: [{ type: 'cause-identified', actor: 'account-specialist', cause: 'x', plan: 'y' }] }));
      expect(early).toEqual({ type: 'EventOutOfOrder', message: 'nobody has taken the call yet: send assigned first' });

      await t.env.sleep(5 * MIN);
      await send(h, { type: 'assigned', actor: 'account-specialist' });
      await t.env.sleep(10 * MIN);
      const s1 = await send(h, {
        type: 'cause-identified',
        actor: 'account-specialist',
        cause: 'A certificate on the sign-in service expired <overnight> & nobody was alerted',
        plan: 'Renew the certificate, then add an expiry alert',
      });
      expect(s1.details.updates).toMatchObject([{ n: 1, kind: 'cause-identified', via: 'email' }]);
      // An email on its way is no call to report.
      expect(s1.waitingFor).not.toContain('client-called');
      await settle(() => emails(t.standIns, id).length === 1);
      const [cause] = emails(t.standIns, id);
      expect(cause!.to).toEqual([{ email: 'dana.client@example.org', name: 'Dana Client' }]);
      expect(cause!.cc).toEqual([{ email: 'emery.specialist@example.com', name: 'Emery Specialist' }]);
      expect(cause!.subject).toBe('Update on your issue: we found the cause (Learners cannot sign in to the course portal)');
      expect(cause!.text).toContain('The cause: A certificate on the sign-in service expired <overnight> & nobody was alerted');
      expect(cause!.html).toContain('expired &lt;overnight&gt; &amp; nobody');
      // Signed by the assignee who handles it (issue 17 item 9), not the desk's signature.
      expect(cause!.text).toMatch(/Kind regards,\nEmery Specialist\n/);
      expect(cause!.text).not.toContain('The Service Support Center team');
      await settle(async () => (await state(h)).details.updates[0]?.delivery === 'sent');

      await t.env.sleep(20 * MIN);
      const eta = callAt + 5 * HOUR;
      await send(h, { type: 'eta', actor: 'account-specialist', eta: new Date(eta).toISOString() });
      await t.env.sleep(20 * MIN);
      await send(h, { type: 'roadblock', actor: 'account-specialist', roadblock: 'The certificate authority needs a second approval' });
      await settle(() => emails(t.standIns, id).length === 3);
      const [, etaMail, roadblock] = emails(t.standIns, id);
      expect(etaMail!.subject).toMatch(/^Update on your issue: expected fix by .+ (CET|CEST) \(Learners cannot sign in/);
      expect(roadblock!.text).toContain('The certificate authority needs a second approval');
      for (const mail of emails(t.standIns, id)) expect(mail.to.map((a) => a.email)).toEqual(['dana.client@example.org']);
      expect(emails(t.standIns, id).map((m) => m.custom_args.template)).toEqual(['client-call-cause', 'client-call-eta', 'client-call-roadblock']);
      // The team thread heard of each update; the user's text stays text.
      await settle(() => slackSteps(t.standIns, id).includes('update-3'));
      const note = slackPosts(t.standIns, id).find((p) => p.step === 'update-1')!;
      expect(note.text).toContain('expired &lt;overnight&gt; &amp; nobody');
      expect(note.thread_ts).toBeDefined();
      // The third email at the stand-in is not yet its result in the workflow: that comes with the
      // workflow task that takes the activity's completion (a CI run read 'pending' in between).
      await settle(async () => (await state(h)).details.updates.every((u) => u.delivery !== 'pending'));
      const s = await state(h);
      expect(s.details.updates.map((u) => u.delivery)).toEqual(['sent', 'sent', 'sent']);
      expect(s.deadlines.find((d) => d.name === 'eta-passed')?.at).toBe(new Date(eta).toISOString());
    });
  });

  it('an update email SendGrid refuses for good: the thread says it was not emailed and asks the assignee to tell the client another way', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;
      await t.env.sleep(5 * MIN);
      await send(h, { type: 'assigned', actor: 'account-specialist' });
      t.standIns.sendgrid.failNext({ status: 400 });
      await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired <certificate>', plan: 'Renew it' });
      await settle(() => slackSteps(t.standIns, id).includes('update-1-not-emailed'));
      const told = slackPosts(t.standIns, id).find((p) => p.step === 'update-1-not-emailed')!;
      expect(told.text).toMatch(/^:warning: Update 1 was \*not\* emailed to the client \(.+\): <@U[0-9A-Z]+>, tell them another way and record it\.$/);
      expect(told.thread_ts).toBeDefined();
      expect(emails(t.standIns, id)).toHaveLength(0);
      await settle(async () => (await state(h)).details.updates[0]?.delivery === 'not-delivered');
    });
  });

  it('German client: the update email is in German with the estimate in their zone', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt, { locale: 'de' }));
      await t.env.sleep(5 * MIN);
      await send(h, { type: 'assigned', actor: 'account-manager' });
      await t.env.sleep(5 * MIN);
      // A Tuesday 15 January still ahead (2030, 2036, ...): the label names that weekday and date in any year.
      const eta = Date.UTC(nextYearWith(callAt, 1, 15, 2), 0, 15, 16, 0);
      const refused = await refusal(h.executeUpdate(eventUpdate, { args: [{ type: 'eta', actor: 'account-manager', eta: new Date(callAt - HOUR).toISOString() }] }));
      expect(refused.type).toBe('EventNotApplicable');
      await send(h, { type: 'eta', actor: 'account-manager', eta: new Date(eta).toISOString() });
      await settle(() => emails(t.standIns, h.workflowId).length === 1);
      const [mail] = emails(t.standIns, h.workflowId);
      expect(mail!.subject).toBe('Neuigkeiten zu Ihrem Anliegen: voraussichtlich behoben bis Di., 15. Jan., 17:00 MEZ (Learners cannot sign in to the course portal)');
      expect(mail!.text).toContain('Guten Tag Dana Client');
    });
  });

  it('phone: a call task for the assignee instead of an email; reached -> told; three unanswered asks -> emailed instead', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt, { preferredContact: 'phone' }));
      const id = h.workflowId;
      await t.env.sleep(5 * MIN);
      await send(h, { type: 'assigned', actor: 'account-specialist' });
      await t.env.sleep(5 * MIN);
      await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
      await settle(() => slackSteps(t.standIns, id).includes('call-client-1-1-account-specialist'));
      const ask = slackPosts(t.standIns, id).find((p) => p.step === 'call-client-1-1-account-specialist')!;
      expect(ask.text).toContain('Phone Dana Client on +49 30 5550199');
      expect(ask.text).toContain('Cause: Expired certificate');
      expect(JSON.stringify(ask.blocks)).toContain('escalation:client-called:reached');
      let s = await state(h);
      expect(s.tasks.find((x) => x.id === 'call-client-1')).toMatchObject({ assignee: 'account-specialist', status: 'open' });
      expect(s.waitingFor).toContain('client-called');
      await t.env.sleep(10 * MIN);
      s = await send(h, { type: 'client-called', actor: 'account-specialist', outcome: 'reached' });
      expect(s.details.updates[0]).toMatchObject({ delivery: 'called' });
      await settle(async () => (await state(h)).tasks.find((x) => x.id === 'call-client-1')?.status === 'done');
      expect(emails(t.standIns, id)).toEqual([]);

      // Update 2: nobody reports an outcome; asked at 0, 30 and 60 minutes, then emailed at 90.
      await t.env.sleep(5 * MIN);
      const roadblockAt = Date.parse((await send(h, { type: 'roadblock', actor: 'account-specialist', roadblock: 'Waiting for the certificate authority' })).details.updates[1]!.at);
      await t.sleepUntil(roadblockAt + 89 * MIN);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('call-client-2-'))).toEqual([
        'call-client-2-1-account-specialist',
        'call-client-2-2-account-specialist',
        'call-client-2-3-account-specialist',
      ]);
      expect(emails(t.standIns, id)).toEqual([]);
      await t.sleepUntil(roadblockAt + 91 * MIN);
      await settle(() => emails(t.standIns, id).length === 1);
      expect(emails(t.standIns, id)[0]!.custom_args.template).toBe('client-call-roadblock');
      await settle(async () => (await state(h)).details.updates[1]?.delivery === 'emailed-after-no-answer');
      s = await state(h);
      expect(s.timeline.some((e) => e.kind === 'call-unanswered' && e.detail.includes('update(s) 2'))).toBe(true);
    });
  });

  it('the assignee is reminded when no update went out for the interval (critical: 1 hour from the call or the last update), at most 5 in a row', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt));
      const id = h.workflowId;
      const reminders = () => slackSteps(t.standIns, id).filter((x) => x.startsWith('update-reminder-'));
      // Absolute instants: the test server's clock also runs in real time while the test waits.
      await t.sleepUntil(callAt + 5 * MIN);
      await send(h, { type: 'assigned', actor: 'account-specialist' });
      await t.sleepUntil(callAt + 59 * MIN);
      expect(reminders()).toEqual([]);
      await t.sleepUntil(callAt + 61 * MIN);
      await settle(() => reminders().length === 1);
      const dm = slackPosts(t.standIns, id).find((p) => p.step.startsWith('update-reminder-'))!;
      expect(dm.channel.name).toBe('@Emery Specialist');
      expect(dm.text).toContain('has not heard from us since');

      // An update at 70 minutes: the next reminder is an hour after it (130), not at 121.
      await t.sleepUntil(callAt + 70 * MIN);
      await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
      await t.sleepUntil(callAt + 129 * MIN);
      expect(reminders()).toHaveLength(1);
      await t.sleepUntil(callAt + 131 * MIN);
      await settle(() => reminders().length === 2);

      // The update started the count again: reminders 2 to 5 of the new series every hour (190, 250,
      // 310, 370 minutes), then the managers are told and they stop.
      await t.sleepUntil(callAt + 371 * MIN);
      // The managers are told one after the other: both DMs, not the first one alone.
      await settle(() => slackSteps(t.standIns, id).filter((x) => x.startsWith('update-reminders-exhausted-')).length === 2);
      expect(reminders()).toEqual([
        'update-reminder-1-0-account-specialist',
        ...[1, 2, 3, 4, 5].map((n) => `update-reminder-${n}-1-account-specialist`),
      ]);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('update-reminders-exhausted-'))).toEqual([
        'update-reminders-exhausted-1-client-services-manager',
        'update-reminders-exhausted-1-client-services-director',
      ]);
      await t.env.sleep(5 * HOUR);
      expect(reminders()).toHaveLength(6);
      const s = await state(h);
      expect(s.details.updateReminders).toBe(5);
      expect(s.deadlines.map((d) => d.name)).not.toContain('update-due');
    });
  });

  it('the estimate passes without a resolution: the assignee is told once; client information goes to the team thread', async () => {
    await t.withWorker(async (taskQueue) => {
      const callAt = await t.env.currentTimeMs();
      const h = await t.start(taskQueue, clientCallInput(callAt, { updateEveryMinutes: 600 }));
      const id = h.workflowId;
      await settle(() => slackSteps(t.standIns, id).includes('team-post'));
      await t.env.sleep(3 * MIN);
      await send(h, { type: 'client-info', actor: 'desk-agent', info: 'They also see it in the mobile app <b>' });
      await settle(() => slackSteps(t.standIns, id).includes('client-info-1'));
      const info = slackPosts(t.standIns, id).find((p) => p.step === 'client-info-1')!;
      expect(info.text).toContain('They also see it in the mobile app &lt;b&gt;');
      expect(info.thread_ts).toBe(slackPosts(t.standIns, id).find((p) => p.step === 'team-post')!.ts);

      await send(h, { type: 'assigned', actor: 'account-specialist' });
      await t.env.sleep(2 * MIN);
      await send(h, { type: 'eta', actor: 'account-specialist', eta: new Date(callAt + 2 * HOUR).toISOString() });
      await t.sleepUntil(callAt + 2 * HOUR - MIN);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('eta-passed'))).toEqual([]);
      await t.sleepUntil(callAt + 2 * HOUR + MIN);
      await settle(() => slackSteps(t.standIns, id).some((x) => x.startsWith('eta-passed')));
      await t.env.sleep(3 * HOUR);
      expect(slackSteps(t.standIns, id).filter((x) => x.startsWith('eta-passed'))).toHaveLength(1);
      expect((await state(h)).details.clientInfo).toMatchObject([{ by: 'desk-agent', info: 'They also see it in the mobile app <b>' }]);
    });
  });
});
