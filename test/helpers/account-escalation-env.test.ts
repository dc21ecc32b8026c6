// `settle`, the account-escalation tests' wait for the worker, against a real worker and time-skipping
// server: slow is not stuck, and stuck fails fast. A clean-clone CI run on a busy machine once failed
// a contact test with "no escalation of the test moved for 10 s" while the worker was opening the
// escalation: the first check (a query, answered after the workflow task in flight) took over 10 s,
// and progress was read only every fifth check.
import { describe, expect, it } from 'vitest';
import { accountEscalationTestEnv, settle, state } from './account-escalation-env.js';
import { accountEscalationInput, quietLocal } from './account-fixtures.js';

const t = accountEscalationTestEnv();
const contactTaskOpen = async (handle: Awaited<ReturnType<typeof t.start>>) =>
  ((await state(handle)) as { tasks: { id: string; status: string }[] }).tasks.some((x) => x.status === 'open' && x.id.startsWith('contact-'));

describe('settle', () => {
  it('a check that takes 11 s while the worker opens the escalation is not a stall', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), 'America/Chicago', 3, 10)); // Wednesday 10:00: the contact day opens at once
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      let checks = 0;
      await settle(async () => {
        if (++checks === 1) {
          await new Promise((r) => setTimeout(r, 11_000));
          return false;
        }
        return contactTaskOpen(handle);
      });
      expect(await contactTaskOpen(handle)).toBe(true);
    });
  });

  it('a condition nothing will make true fails once nothing moved for the budget', async () => {
    await t.withWorker(async (taskQueue) => {
      await t.sleepUntil(quietLocal(await t.env.currentTimeMs(), 'America/Chicago', 3, 10));
      const handle = await t.start(taskQueue, accountEscalationInput(await t.env.currentTimeMs(), { trigger: 'unresponsive-after-issue' }));
      await settle(() => contactTaskOpen(handle));
      // Opened and waiting for the CSM (or a timer days away): no step is owed to the worker.
      const from = Date.now();
      await expect(settle(async () => ((await state(handle)) as { status: string }).status === 'closed', 3_000)).rejects.toThrow(/no escalation of the test moved for 3 s/);
      expect(Date.now() - from).toBeLessThan(30_000);
    });
  });
});
