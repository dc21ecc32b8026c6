// account-escalation, daily escalation notes: each business day the case is open, the CSM is
// reminded at 16:00 (team time zone) if no note was recorded that day; weekends are skipped; notes
// are in the state, on the timeline and on the CRM case.
import { describe, expect, it } from 'vitest';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { eventDigest, eventUpdateId } from '../../src/escalations/service.js';
import { eventUpdate, IDEMPOTENCY_KEY_REUSED } from '../../workflows/kit/messages.js';
import type { EscalationEvent, EscalationState, EventResult } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal, quietLocal, nextYearWith, wall } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, DAY, HOUR, send, settle, slackSteps, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;
const chicago = 'America/Chicago';

describe('account-escalation: daily escalation notes', () => {
  it('reminds on Friday at 16:00, not on Saturday or Sunday, not on a Monday with a note, again on Tuesday', async () => {
    await t.withWorker(async (taskQueue) => {
      const friday10 = quietLocal(await t.env.currentTimeMs(), chicago, 5, 10);
      await t.sleepUntil(friday10);
      // The account is in Tokyo; the CSM's business days are Chicago's.
      const input = accountEscalationInput(friday10, {
        account: { ...accountEscalationInput(0).account, timeZone: 'Asia/Tokyo' },
        teamTimeZone: chicago,
      });
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.case.number !== null);
      const first = (await get(handle)).deadlines.find((d) => d.name === 'notes-reminder')!;
      expect(wall(Date.parse(first.at), chicago)).toMatch(/^Fri .* 16:00$/);

      // Through the weekend to Monday 11:00.
      const monday11 = nextLocal(friday10, chicago, 1, 11);
      await t.sleepUntil(monday11);
      let s = await get(handle);
      const reminders = () => s.timeline.filter((e) => e.kind === 'reminder' && e.detail.includes('escalation note'));
      expect(reminders().map((e) => wall(Date.parse(e.at), chicago))).toEqual([expect.stringMatching(/^Fri .* 16:00$/)]);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-'))).toHaveLength(1);
      const fridayTask = s.tasks.find((x) => x.id.startsWith('notes-'))!;
      expect(fridayTask).toMatchObject({ assignee: 'csm', status: 'open' });
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'notes-reminder')!.at), chicago)).toMatch(/^Mon .* 16:00$/);

      // Monday's note: no reminder at 16:00; the open reminder task of Friday is superseded later.
      s = (await send(handle, { type: 'note', actor: 'csm', text: 'Spoke to the office manager: invoice dispute escalated to their CFO.' })) as State;
      expect(s.details.notes).toHaveLength(1);
      expect(s.details.notes[0]).toMatchObject({ by: 'csm', day: new Date(monday11).toISOString().slice(0, 10) });
      expect(s.details.lastNoteDay).toBe(s.details.notes[0]!.day);
      expect(s.timeline.some((e) => e.kind === 'event:note' && e.actor === 'csm')).toBe(true);
      await settle(() => t.standIns.cases.cases()[0]!.notes.some((n) => n.kind === 'escalation-note' && n.text.includes('CFO') && n.author === 'csm'));

      await t.sleepUntil(monday11 + 6 * HOUR); // Monday 17:00
      s = await get(handle);
      expect(reminders()).toHaveLength(1);

      await t.sleepUntil(monday11 + DAY + 6 * HOUR); // Tuesday 17:00
      await settle(async () => {
        s = await get(handle);
        return reminders().length === 2;
      });
      expect(wall(Date.parse(reminders()[1]!.at), chicago)).toMatch(/^Tue .* 16:00$/);
      expect(s.tasks.filter((x) => x.id.startsWith('notes-') && x.status === 'open')).toHaveLength(1);
      expect(s.tasks.find((x) => x.id === fridayTask.id)?.status).toBe('cancelled');
      await settle(() => slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-')).length === 2);

      // A note on Tuesday evening closes Tuesday's task.
      s = (await send(handle, { type: 'note', actor: 'csm', text: 'Left a voicemail for the CFO.' })) as State;
      expect(s.tasks.filter((x) => x.id.startsWith('notes-') && x.status === 'open')).toHaveLength(0);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('public holidays: an escalation from Wednesday 23 Dec with a Chicago team gets no note reminder on 25 Dec (Christmas), the next on Monday 28 Dec', async () => {
    await t.withWorker(async (taskQueue) => {
      const Y = nextYearWith(Date.now(), 12, 23, 3); // a year whose 23 Dec is a Wednesday, still ahead
      const dec23 = Date.parse(`${Y}-12-23T16:00:00Z`); // Wednesday 10:00 in Chicago
      await t.sleepUntil(dec23);
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs())); // the CSM's calendar: us-illinois
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).details.calendars !== undefined);
      let s = await get(handle);
      expect(s.details.calendars!.team).toMatchObject({ calendar: 'us-illinois', region: 'US-IL', timeZone: chicago });
      expect(s.details.calendars!.team.holidays).toEqual(expect.arrayContaining([`${Y}-12-25`, `${Y + 1}-01-01`]));
      expect(s.timeline.find((e) => e.kind === 'calendar' && e.detail.startsWith("The team's"))!.detail).toContain('US-IL');

      // Thursday 24 Dec 16:00 is a business day: reminded. Friday 25 Dec is Christmas: not.
      await t.sleepUntil(Date.parse(`${Y}-12-24T22:00:00Z`) + HOUR); // Thursday 17:00 Chicago
      await settle(() => slackSteps(t.standIns, id).includes(`notes-${Y}-12-24-csm`));
      s = await get(handle);
      expect(wall(Date.parse(s.deadlines.find((d) => d.name === 'notes-reminder')!.at), chicago)).toBe(`Mon ${Y}-12-28 16:00`);
      await t.sleepUntil(Date.parse(`${Y}-12-28T21:00:00Z`)); // Monday 15:00 Chicago
      s = await get(handle);
      expect(slackSteps(t.standIns, id).filter((st) => st.startsWith('notes-'))).toEqual([`notes-${Y}-12-23-csm`, `notes-${Y}-12-24-csm`]);
      expect(s.timeline.filter((e) => e.kind === 'reminder' && e.detail.includes(`${Y}-12-25`))).toEqual([]);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});

describe('account-escalation: a retried note is applied once, also across continue-as-new', () => {
  // Issue 17 item 15's kind: a client that got no answer (503 no-worker) retries with the same
  // Idempotency-Key. Temporal deduplicates update ids only within a run; the escalation carries the
  // latest keys into the next run, so a retry that reaches the next run is answered, not applied again.
  it('notes until the run continues as new; the last note of the old run sent again: answered from that run, no second CRM note', { timeout: 300_000 }, async () => {
    await t.withWorker(async (taskQueue) => {
      const monday10 = quietLocal(await t.env.currentTimeMs(), chicago, 1, 10);
      await t.sleepUntil(monday10);
      const handle = await t.start(taskQueue, accountEscalationInput(monday10));
      await settle(async () => (await get(handle)).details.case.number !== null);
      const firstRun = (await handle.describe()).runId;
      const note = (i: number, text = `Note ${i}`) => {
        const event: EscalationEvent = { type: 'note', actor: 'csm', text };
        const key = `note-key-${i}`;
        return handle.executeUpdate(eventUpdate, {
          args: [{ ...event, idempotency: { key, digest: eventDigest(event) } }],
          updateId: eventUpdateId(event, key),
        }) as Promise<EventResult>;
      };
      let sent = 0;
      while ((await handle.describe()).runId === firstRun) {
        expect(sent).toBeLessThan(400); // MAX_RUN_EVENTS is reached long before
        const r = await note(++sent);
        expect(r.appliedInRun).toBeUndefined();
        // The run continues as new at a quiet moment: let the notes reach the case every ten.
        if (sent % 10 === 0) await settle(async () => (await get(handle)).details.pendingCaseNotes.length === 0);
      }
      // The last note the first run applied (the run continued as new at a quiet moment after it).
      const applied = await notesAppliedIn(handle.workflowId, firstRun);
      const last = Math.max(...applied);
      expect(applied).toHaveLength(last);
      await settle(async () => (t.standIns.cases.cases()[0]?.notes.filter((n) => n.kind === 'escalation-note').length ?? 0) === sent);

      // Its retry reaches the new run: answered with the first run's id, nothing applied.
      const again = await note(last);
      expect(again).toMatchObject({ appliedInRun: firstRun, timeline: [], idempotency: { key: `note-key-${last}` } });
      // The same key with another body: the same update id answers the first body's digest (the API
      // compares it and answers 422); another event type (another update id) is refused by the workflow.
      const sameId = await note(last, 'Another text under the same key');
      expect(sameId.idempotency!.digest).not.toBe(eventDigest({ type: 'note', actor: 'csm', text: 'Another text under the same key' }));
      const other: EscalationEvent = { type: 'customer-responded', actor: 'csm' };
      const key = `note-key-${last}`;
      const reused = await handle
        .executeUpdate(eventUpdate, { args: [{ ...other, idempotency: { key, digest: eventDigest(other) } }], updateId: eventUpdateId(other, key) })
        .then(
          () => undefined,
          (err: unknown) => (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.type : err),
        );
      expect(reused).toBe(IDEMPOTENCY_KEY_REUSED);
      const fresh = await note(sent + 1);
      expect(fresh.appliedInRun).toBeUndefined();
      expect(fresh.timeline.map((e) => e.kind)).toEqual(['event:note']);
      await settle(async () => (t.standIns.cases.cases()[0]?.notes.filter((n) => n.kind === 'escalation-note').length ?? 0) === sent + 1);
      const texts = t.standIns.cases.cases()[0]!.notes.filter((n) => n.kind === 'escalation-note').map((n) => n.text);
      expect(texts).toEqual(Array.from({ length: sent + 1 }, (_, i) => `Note ${i + 1}`));
      const s = await get(handle);
      expect(s.timeline.filter((e) => e.kind === 'event:note' && (e.data as { text?: string } | undefined)?.text === `Note ${last}`)).toHaveLength(1);
    });
  });
});

/** The numbers of the notes (note-key-<n>) whose update the run `runId` accepted. */
async function notesAppliedIn(workflowId: string, runId: string): Promise<number[]> {
  const history = await t.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const id = e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId ?? '';
    const m = /^note:csm:note-key-(\d+)$/.exec(id);
    return m ? [Number(m[1])] : [];
  });
}
