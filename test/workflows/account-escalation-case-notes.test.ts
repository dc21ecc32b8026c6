// account-escalation, never accept-then-drop (issue 17 item 15): every event that queues a case note
// is refused up front (429, EventBusy, naming why) while NOTES_WAITING_MAX notes wait, and every note
// accepted reaches the case, also when it was sent before the case number was known.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { NOTES_WAITING_MAX, PENDING_CASE_NOTES_MAX } from '../../workflows/account-escalation/sop.js';
import { EVENT_BUSY, eventUpdate } from '../../workflows/kit/messages.js';
import type { EscalationEvent, EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, send, settle, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const get = async (h: Parameters<typeof state>[0]) => (await state(h)) as State;

/** The update's refusal (an ApplicationFailure), or null when the event was applied. */
async function refusal(p: Promise<unknown>): Promise<ApplicationFailure | null> {
  try {
    await p;
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }
}

describe('account-escalation: an event that would queue a case note is refused up front, an accepted note is never dropped', () => {
  /** 400 notes from 12 concurrent clients (12 sequential streams); answers what was accepted and what refused. */
  async function fourHundredNotes(handle: Parameters<typeof state>[0]) {
    const accepted: string[] = [];
    const refused: ApplicationFailure[] = [];
    const texts = Array.from({ length: 400 }, (_, i) => `Note ${i + 1}: called the practice manager`);
    await Promise.all(
      Array.from({ length: 12 }, async (_, client) => {
        for (let i = client; i < texts.length; i += 12) {
          const event: EscalationEvent = { type: 'note', actor: 'csm', text: texts[i]! };
          const failure = await refusal(handle.executeUpdate(eventUpdate, { args: [event] }));
          if (failure) refused.push(failure);
          else accepted.push(texts[i]!);
        }
      }),
    );
    expect(accepted.length + refused.length).toBe(400);
    return { accepted, refused };
  }

  it('400 notes from 12 concurrent clients while the CRM is down (the case exists): the queue fills, the rest are refused (429), every accepted note reaches the case', { timeout: 300_000 }, async () => {
    await t.withWorker(async (taskQueue) => {
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs()));
      await settle(async () => {
        const s = await get(handle);
        return s.details.case.number !== null && s.details.pendingCaseNotes.length === 0;
      });
      const caseNumber = (await get(handle)).details.case.number!;
      // The CRM is down for the first note: the notes wait for the retry 30 minutes later.
      t.standIns.cases.failNext('add-note', { status: 503 }, 1);
      const { accepted, refused } = await fourHundredNotes(handle);
      expect(accepted.length).toBeGreaterThanOrEqual(NOTES_WAITING_MAX);
      expect(refused.length).toBeGreaterThan(0);
      for (const f of refused) {
        expect(f.type).toBe(EVENT_BUSY);
        expect(f.message).toContain(`the CRM has not taken them yet (case ${caseNumber})`);
      }
      await t.sleepUntil((await t.env.currentTimeMs()) + 31 * 60_000);
      await settle(async () => (await get(handle)).details.pendingCaseNotes.length === 0);
      const onCase = t.standIns.cases.case(caseNumber)!.notes.filter((n) => n.kind === 'escalation-note').map((n) => n.text);
      expect(onCase.sort()).toEqual([...accepted].sort());
      const s = await get(handle);
      expect(s.timeline.filter((e) => e.kind === 'step-failed' && e.detail.includes('dropped'))).toEqual([]);
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });

  it('400 notes from 12 concurrent clients before the case number is known: the queue fills, the rest are refused (429), every accepted note reaches the case', { timeout: 300_000 }, async () => {
    await t.withWorker(async (taskQueue) => {
      t.standIns.cases.failNext('create-case', { status: 422 }, 1);
      const input = accountEscalationInput(await t.env.currentTimeMs());
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      await settle(async () => (await get(handle)).tasks.some((x) => x.id === 'create-case'));
      const waitingBefore = (await get(handle)).details.pendingCaseNotes.length; // the opening's own note

      const { accepted, refused } = await fourHundredNotes(handle);
      expect(accepted).toHaveLength(NOTES_WAITING_MAX - waitingBefore);
      for (const f of refused) {
        expect(f.type).toBe(EVENT_BUSY);
        expect(f.message).toContain('no case number yet (send case-created)');
      }
      let s = await get(handle);
      expect(s.details.pendingCaseNotes).toHaveLength(NOTES_WAITING_MAX);
      expect(s.details.notes.length + s.details.notesDropped).toBe(accepted.length);

      // Every other event that queues a note waits too; case-created (which empties the queue) does not.
      for (const event of [
        { type: 'churn-coded', actor: 'csm', churn: { primary: 'price', secondary: ['too-expensive'] } },
        { type: 'resolution-proposed', actor: 'csm', offer: '10% off' },
        { type: 'customer-unresponsive', actor: 'csm' },
        { type: 'churned', actor: 'csm' },
      ] as EscalationEvent[]) {
        const failure = await refusal(handle.executeUpdate(eventUpdate, { args: [event] }));
        expect(failure?.type, event.type).toBe(EVENT_BUSY);
        expect(failure?.message).toContain(`'${event.type}' adds another`);
      }
      expect((await get(handle)).status).toBe('open');

      const res = await fetch(`${t.standIns.cases.url}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer case-test-token' },
        body: JSON.stringify({ escalationId: id, account: { id: input.account.id, name: input.account.name } }),
      });
      const { caseNumber } = (await res.json()) as { caseNumber: string };
      await send(handle, { type: 'case-created', actor: 'csm', caseNumber });
      await settle(async () => (await get(handle)).details.pendingCaseNotes.length === 0);
      const onCase = t.standIns.cases.case(caseNumber)!.notes;
      expect(onCase.filter((n) => n.kind === 'escalation-note').map((n) => n.text).sort()).toEqual([...accepted].sort());
      s = await get(handle);
      expect(s.timeline.filter((e) => e.kind === 'step-failed' && e.detail.includes('dropped'))).toEqual([]);
      expect(s.details.caseNotesSent).toBe(NOTES_WAITING_MAX);
      expect(PENDING_CASE_NOTES_MAX).toBeGreaterThan(NOTES_WAITING_MAX);

      // With the queue empty, notes and the other events are taken again.
      await send(handle, { type: 'note', actor: 'csm', text: 'One more after the case number.' });
      await settle(() => t.standIns.cases.case(caseNumber)!.notes.some((n) => n.text === 'One more after the case number.'));
      await send(handle, { type: 'churned', actor: 'csm' });
      await handle.result();
    });
  });
});
