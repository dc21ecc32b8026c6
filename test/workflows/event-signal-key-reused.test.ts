// The event signal (fire-and-forget) with an Idempotency-Key used before with another body: refused
// on the timeline as 'event-rejected', as any refused signal is; the escalation keeps running (an
// ApplicationFailure out of a signal handler would fail the whole workflow).
import { describe, expect, it } from 'vitest';
import { eventDigest, eventUpdateId } from '../../src/escalations/service.js';
import { eventSignal, eventUpdate } from '../../workflows/kit/messages.js';
import type { EscalationEvent, EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal } from '../helpers/account-fixtures.js';
import { accountEscalationTestEnv, settle, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();

describe('event signal with a reused Idempotency-Key', () => {
  it('another body under a key the update applied: event-rejected on the timeline, nothing applied, still running', { timeout: 120_000 }, async () => {
    await t.withWorker(async (taskQueue) => {
      const monday10 = nextLocal(await t.env.currentTimeMs(), 'America/Chicago', 1, 10);
      await t.sleepUntil(monday10);
      const handle = await t.start(taskQueue, accountEscalationInput(monday10));
      const first: EscalationEvent = { type: 'note', actor: 'csm', text: 'First note' };
      await handle.executeUpdate(eventUpdate, { args: [{ ...first, idempotency: { key: 'k1', digest: eventDigest(first) } }], updateId: eventUpdateId(first, 'k1') });
      const other: EscalationEvent = { type: 'note', actor: 'csm', text: 'Another note under the same key' };
      await handle.signal(eventSignal, { ...other, idempotency: { key: 'k1', digest: eventDigest(other) } });
      const rejected = async () => ((await state(handle)) as EscalationState).timeline.some((e) => e.kind === 'event-rejected');
      await settle(async () => (await handle.describe()).status.name !== 'RUNNING' || (await rejected()));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const s = (await state(handle)) as EscalationState;
      expect(s.timeline.find((e) => e.kind === 'event-rejected')!.detail).toContain("Idempotency-Key 'k1' was already used");
      expect(s.timeline.filter((e) => e.kind === 'event:note')).toHaveLength(1);
    });
  });
});
