// account-escalation: resolution offer -> accounting's approval or denial -> the customer's answer;
// a rejection goes to the next weekly finance meeting (across daylight-saving changes too); churn
// closes with its coding. Under the time-skipping server at real durations.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { nextWeeklyOccurrence, parseWeeklyTime } from '../../workflows/kit/calendar.js';
import { EVENT_NOT_APPLICABLE, EVENT_OUT_OF_ORDER } from '../../workflows/kit/messages.js';
import { statusKey } from '../../workflows/kit/search-attributes.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal, quietLocal, nextSpringForward, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, MIN, send, settle, slackPosts, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
const chicago = 'America/Chicago';
const berlin = 'Europe/Berlin';
type State = EscalationState<string, AccountEscalationDetails>;

/** A case made in the CRM by hand (not by this escalation). */
async function createCaseByHand(base: string): Promise<string> {
  const res = await fetch(`${base}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer case-test-token' },
    body: JSON.stringify({ escalationId: 'by-hand', account: { id: 'by-hand', name: 'By hand' } }),
  });
  return ((await res.json()) as { caseNumber: string }).caseNumber;
}

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('account-escalation: finance approval', () => {
  it('FMC account: case created, FMC channel with account details; offer denied, then approved, accepted -> closed retained', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), chicago, 1, 10)); // Monday 10:00 in Chicago
      const input = accountEscalationInput(await t.env.currentTimeMs(), {
        account: { ...accountEscalationInput(0).account, fmc: true, products: ['LMS', 'FMC'], name: 'Example Health Clinics FMC' },
      });
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;

      // The case and the FMC channel.
      await settle(async () => ((await state(handle)) as State).details.slackChannel !== null && slackSteps(t.standIns, id).includes('fmc-channel-details'));
      const opened = (await state(handle)) as State;
      expect(opened.status).toBe('open');
      expect(opened.details.case).toMatchObject({ number: 'CASE-000001', source: 'created' });
      const kase = t.standIns.cases.case('CASE-000001')!;
      expect(kase.accountId).toBe(input.account.id);
      expect(kase.body).toMatchObject({ trigger: 'reluctance-to-pay', churn: { primary: 'price', secondary: ['annual-increase', 'too-expensive'] } });

      const channel = t.standIns.slack.channels().find((c) => c.id === opened.details.slackChannel!.id)!;
      expect(channel.name).toBe('esc-example-health-clinics-fmc');
      // The FMC team (group members), the CSM and the TL are in the channel.
      for (const user of ['U0QUINNFMC', 'U0DREWFMC1', 'U0ROBINCSM', 'U0AVERYTL1']) expect(channel.members).toContain(user);
      const details = slackPosts(t.standIns, id).find((p) => p.step === 'fmc-channel-details')!;
      expect(details.channel.id).toBe(channel.id);
      for (const fact of ['Example Health Clinics FMC', '4,200 USD', input.account.crmUrl, 'The customer is reluctant to pay the account', 'CASE-000001']) {
        expect(details.text).toContain(fact);
      }

      // Round 1: denied.
      let s = (await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: '20% off for 3 months', mrrAfter: { amount: 3360 } })) as State;
      expect(s.status).toBe('pending-finance');
      expect(s.waitingFor).toEqual(expect.arrayContaining(['finance-approved', 'finance-denied']));
      await settle(() => slackSteps(t.standIns, id).includes('finance-request-1'));
      const request = slackPosts(t.standIns, id).find((p) => p.step === 'finance-request-1')!;
      expect(request.channel.id).toBe('C0FINAPPRV');
      expect(request.mentions.userGroups).toContain('S0ACCOUNT1');
      expect(request.text).toContain('20% off for 3 months');
      // The status is a search attribute and the Web UI's "current details" of the workflow.
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(statusKey)).toBe('pending-finance');
      const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      expect(metadata.currentDetails).toContain("offer round 1 waits for accounting's approval");

      // Accounting takes a business day: reminded in the request's thread at the same time the next business day.
      await t.env.sleep(DAY + MIN);
      await settle(() => slackSteps(t.standIns, id).some((st) => st.startsWith('finance-follow-up-1-')));
      const followUp = slackPosts(t.standIns, id).find((p) => p.step.startsWith('finance-follow-up-1-'))!;
      expect(followUp.thread_ts).toBe(request.ts);
      const reminded = ((await state(handle)) as State).timeline.find((e) => e.kind === 'reminder' && e.detail.includes('accounting'))!;
      expect(wall(Date.parse(reminded.at), chicago)).toMatch(/^Tue .* 10:0\d$/);

      s = (await send(handle, { type: 'finance-denied', actor: 'accounting-analyst', reason: 'Discount above the 15% limit' })) as State;
      expect(s.status).toBe('denied');
      expect(s.waitingFor).toContain('resolution-proposed');
      expect(s.details.proposals[0]!.finance).toMatchObject({ decision: 'denied', reason: 'Discount above the 15% limit' });
      expect(s.deadlines.map((d) => d.name)).not.toContain('finance-follow-up');

      // Out of order: nothing waits for accounting now -> 409-style failure, nothing changes.
      const late = await rejection(send(handle, { type: 'finance-approved', actor: 'accounting-analyst' }));
      expect(late.type).toBe(EVENT_OUT_OF_ORDER);
      // Not yet: no approved offer for the customer to accept.
      expect((await rejection(send(handle, { type: 'customer-accepted' }))).type).toBe(EVENT_OUT_OF_ORDER);

      // Round 2: approved, accepted.
      s = (await send(handle, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: '15% off for 3 months' })) as State;
      expect(s.status).toBe('pending-finance');
      s = (await send(handle, { type: 'finance-approved', actor: 'accounting-analyst' })) as State;
      expect(s.status).toBe('approved');
      expect(s.waitingFor).toEqual(expect.arrayContaining(['customer-accepted', 'customer-rejected']));
      expect(s.tasks.find((x) => x.id === 'present-offer-2')).toMatchObject({ assignee: 'csm', status: 'open' });
      await settle(() => slackSteps(t.standIns, id).includes('finance-approved-2-csm'));

      s = (await send(handle, { type: 'customer-accepted', actor: 'csm' })) as State;
      expect(s.status).toBe('closed-retained');
      expect(s.outcome).toBe('retained');
      const final = (await handle.result()) as State;
      expect(final.status).toBe('closed-retained');
      expect(final.details.closure).toMatchObject({ outcome: 'retained' });
      expect(final.details.proposals.map((p) => [p.round, p.finance?.decision, p.customer?.decision ?? null])).toEqual([
        [1, 'denied', null],
        [2, 'approved', 'accepted'],
      ]);
      expect(final.deadlines).toEqual([]);

      // The CRM case carries the history and ends with the closing status.
      const notes = t.standIns.cases.case('CASE-000001')!.notes;
      expect(notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['resolution', 'finance', 'closure']));
      expect(t.standIns.cases.case('CASE-000001')!.status).toBe('closed-retained');
      // The FMC channel hears the outcome.
      expect(slackPosts(t.standIns, id).find((p) => p.step === 'closed')?.channel.id).toBe(channel.id);
    });
  });

  it('accepted with a downgrade -> closed downgraded, with what was removed', async () => {
    await t.withWorker(async (taskQueue) => {
      // The case already exists in the CRM (made there by hand): the escalation works it instead of making one.
      const existing = await createCaseByHand(t.standIns.cases.url);
      const input = accountEscalationInput(await t.env.currentTimeMs(), {
        trigger: 'wants-to-downgrade',
        churn: { primary: 'product', secondary: ['unfulfilled-value'] },
        caseNumber: existing,
      });
      const handle = await t.start(taskQueue, input);
      await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: 'Keep LMS, drop CRED SOFT', financeApproval: false });
      const s = (await send(handle, { type: 'customer-accepted', actor: 'csm', downgrade: { removed: ['CRED SOFT'], mrrAfter: 2900 } })) as State;
      expect(s.status).toBe('closed-downgraded');
      const final = (await handle.result()) as State;
      expect(final.outcome).toBe('downgraded');
      expect(final.details.closure).toMatchObject({ outcome: 'downgraded', removed: ['CRED SOFT'], mrrAfter: 2900 });
      expect(final.details.case).toMatchObject({ number: existing, source: 'given' });
      expect(final.details.proposals[0]!.finance?.decision).toBe('not-needed');
      // No second case: the notes, down to the closing one, went to the given case.
      expect(t.standIns.cases.cases()).toHaveLength(1);
      const kase = t.standIns.cases.case(existing)!;
      expect(kase.notes.map((n) => n.kind)).toEqual(['opened', 'resolution', 'closure']);
      expect(kase.notes.at(-1)!.text).toContain('removed: CRED SOFT');
      expect(kase.status).toBe('closed-downgraded');
    });
  });

  it('churned closes the case with its churn coding; a coding whose secondary belongs to another primary is rejected', async () => {
    await t.withWorker(async (taskQueue) => {
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
      await settle(async () => ((await state(handle)) as State).details.case.number !== null);

      const bad = await rejection(send(handle, { type: 'churned', churn: { primary: 'product', secondary: ['reporting', 'hidden-fees'] } }));
      expect(bad.type).toBe(EVENT_NOT_APPLICABLE);
      expect(bad.message).toContain('/churn/secondary/1');
      expect(bad.message).toContain("'hidden-fees' is not a secondary reason of 'product'");
      const badRecode = await rejection(send(handle, { type: 'churn-coded', churn: { primary: 'customer', secondary: ['slow-response'] } }));
      expect(badRecode.message).toContain('/churn/secondary/0');
      expect(((await state(handle)) as State).details.churn).toEqual({ primary: 'price', secondary: ['annual-increase', 'too-expensive'] });

      await send(handle, { type: 'churn-coded', actor: 'cs-team-lead', churn: { primary: 'competition', secondary: ['competitor-price'] } });
      const s = (await send(handle, {
        type: 'churned',
        actor: 'csm',
        churn: { primary: 'competition', secondary: ['competitor-price', 'platform-consolidation'] },
        effectiveDate: '2027-01-31',
      })) as State;
      expect(s.status).toBe('closed-churned');
      const final = (await handle.result()) as State;
      expect(final.outcome).toBe('churned');
      expect(final.details.closure).toMatchObject({
        outcome: 'churned',
        effectiveDate: '2027-01-31',
        churn: { primary: 'competition', secondary: ['competitor-price', 'platform-consolidation'] },
      });
      const closing = t.standIns.cases.cases()[0]!.notes.find((n) => n.kind === 'closure')!;
      expect(closing.text).toContain('Competition-related');
      expect(closing.status).toBe('closed-churned');
      // After the outcome every event is refused.
      await expect(send(handle, { type: 'note', text: 'too late' })).rejects.toBeDefined();
    });
  });
});

describe('account-escalation: customer rejects -> renegotiation at the next weekly finance meeting', () => {
  async function approveAndReject(taskQueue: string) {
    const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { teamTimeZone: berlin }));
    await send(handle, { type: 'resolution-proposed', actor: 'csm', offer: '10% off for 6 months' });
    await send(handle, { type: 'finance-approved', actor: 'accounting-analyst' });
    const rejectedAt = await t.env.currentTimeMs();
    const s = (await send(handle, { type: 'customer-rejected', actor: 'csm', reason: 'Wants 25% off' })) as State;
    expect(s.status).toBe('renegotiation');
    // The meeting is scheduled (state) before the TL's DM about it is posted: the DM is the last step.
    await settle(async () => ((await state(handle)) as State).messages.some((m) => m.step === 'renegotiation-1-cs-team-lead'));
    return { handle, rejectedAt };
  }

  it('Wednesday rejection: TL reminded on Monday 15:00, meeting Tuesday 15:00 Berlin, then a new proposal round', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), berlin, 3, 11)); // Wednesday 11:00 Berlin
      const { handle, rejectedAt } = await approveAndReject(taskQueue);
      const s = (await state(handle)) as State;
      const meetingAt = Date.parse(s.details.renegotiation!.meetingAt!);
      expect(meetingAt).toBe(nextLocal(rejectedAt, berlin, 2, 15));
      expect(wall(meetingAt, berlin)).toMatch(/^Tue .* 15:00$/);
      expect(s.deadlines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'finance-meeting', at: new Date(meetingAt).toISOString() }),
          expect.objectContaining({ name: 'finance-meeting-reminder', at: new Date(meetingAt - DAY).toISOString() }),
        ]),
      );
      expect(s.tasks.find((x) => x.id === 'renegotiate-1')).toMatchObject({ assignee: 'cs-team-lead', status: 'open' });
      expect(slackSteps(t.standIns, handle.workflowId)).toContain('renegotiation-1-cs-team-lead');
      // Not before the meeting: the reminder comes the day before.
      await t.sleepUntil(meetingAt - DAY - MIN);
      expect(slackSteps(t.standIns, handle.workflowId)).not.toContain('finance-meeting-reminder-1-cs-team-lead');
      await t.sleepUntil(meetingAt - DAY + MIN);
      await settle(() => slackSteps(t.standIns, handle.workflowId).includes('finance-meeting-reminder-1-cs-team-lead'));

      await t.sleepUntil(meetingAt + MIN);
      await settle(async () => ((await state(handle)) as State).timeline.some((e) => e.kind === 'finance-meeting'));
      const after = (await state(handle)) as State;
      const held = after.timeline.find((e) => e.kind === 'finance-meeting')!;
      expect(Date.parse(held.at) - meetingAt).toBeLessThan(MIN);
      expect(Date.parse(held.at)).toBeGreaterThanOrEqual(meetingAt);
      expect(after.status).toBe('renegotiation');
      expect(after.waitingFor).toContain('resolution-proposed');
      expect(after.tasks.find((x) => x.id === 'propose-round-2')?.status).toBe('open');

      const next = (await send(handle, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: '15% off for 6 months' })) as State;
      expect(next.status).toBe('pending-finance');
      expect(next.details.proposals.map((p) => p.round)).toEqual([1, 2]);
      expect(next.tasks.find((x) => x.id === 'propose-round-2')?.status).toBe('done');
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  // E.g. 2027: the US moves its clocks on Sunday 14 March, the EU on Sunday 28 March.
  it('across the US spring-forward change: Tuesday 09:00 Chicago stays 09:00 local (an hour earlier in UTC)', async () => {
    const slot = parseWeeklyTime('TUE 09:00 America/Chicago');
    await t.withWorker(
      async (taskQueue) => {
        const change = nextSpringForward(chicago, await t.env.currentTimeMs());
        await t.sleepUntil(nextLocal(change - 7 * DAY, chicago, 3, 11)); // the Wednesday before, 11:00 (standard time)
        const { handle, rejectedAt } = await approveAndReject(taskQueue);
        const s = (await state(handle)) as State;
        const meetingAt = Date.parse(s.details.renegotiation!.meetingAt!);
        expect(s.details.renegotiation!.schedule).toBe('TUE 09:00 America/Chicago');
        expect(meetingAt).toBeGreaterThan(change);
        expect(meetingAt - change).toBeLessThan(3 * DAY);
        expect(wall(meetingAt, chicago)).toMatch(/^Tue .* 09:00$/);
        // A week after the previous Tuesday's 09:00 would be 10:00 now: the meeting is 7 days minus the lost hour later.
        const previous = nextLocal(rejectedAt - 7 * DAY, chicago, 2, 9);
        expect(meetingAt - previous).toBe(7 * DAY - HOUR);
        expect(nextWeeklyOccurrence(slot, rejectedAt)).toBe(meetingAt);
        await t.sleepUntil(meetingAt + MIN);
        await settle(async () => ((await state(handle)) as State).timeline.some((e) => e.kind === 'finance-meeting'));
        await send(handle, { type: 'churned', actor: 'csm' });
        await handle.result();
      },
      { financeMeeting: slot },
    );
  });

  it('across the EU spring-forward change: Tuesday 15:00 Berlin stays 15:00 local; the reminder is Monday 15:00', async () => {
    await t.withWorker(async (taskQueue) => {
      const change = nextSpringForward(berlin, await t.env.currentTimeMs());
      await t.sleepUntil(nextLocal(change - 7 * DAY, berlin, 3, 11)); // the Wednesday before, 11:00 CET
      const { handle, rejectedAt } = await approveAndReject(taskQueue);
      const s = (await state(handle)) as State;
      const meetingAt = Date.parse(s.details.renegotiation!.meetingAt!);
      expect(meetingAt).toBeGreaterThan(change);
      expect(wall(meetingAt, berlin)).toMatch(/^Tue .* 15:00$/);
      expect(meetingAt - nextLocal(rejectedAt - 7 * DAY, berlin, 2, 15)).toBe(7 * DAY - HOUR);
      // The reminder 24 hours before: Monday 15:00, after the change as well.
      const reminder = Date.parse(s.deadlines.find((d) => d.name === 'finance-meeting-reminder')!.at);
      expect(wall(reminder, berlin)).toMatch(/^Mon .* 15:00$/);
      await t.sleepUntil(meetingAt + 30_000);
      await settle(async () => ((await state(handle)) as State).timeline.some((e) => e.kind === 'finance-meeting'));
      const held = ((await state(handle)) as State).timeline.find((e) => e.kind === 'finance-meeting')!;
      expect(Date.parse(held.at)).toBeGreaterThanOrEqual(meetingAt);
      expect(Date.parse(held.at)).toBeLessThan(meetingAt + MIN);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});
