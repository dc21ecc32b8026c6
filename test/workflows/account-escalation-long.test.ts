// account-escalation over 90 days: daily notes (with reminders on the days without one), 10-day
// contact attempts, seven proposal rounds with denials, rejections and weekly finance meetings, closed
// as downgraded on day 89. The escalation continues as new whenever a run's history passes
// MAX_RUN_EVENTS: every run's history stays within the bound, and so does the state it carries.
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { MAX_RUN_EVENTS, type AccountEscalationDetails } from '../../workflows/account-escalation/workflow.js';
import { isBusinessDay } from '../../workflows/kit/calendar.js';
import { DEFAULT_CARRY_LIMITS } from '../../workflows/kit/carry-over.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput, nextLocal } from '../helpers/account-fixtures.js';
import { longScenarioPlan as plan, noteForgotten } from '../helpers/account-long-scenario.js';
import { accountEscalationTestEnv, DAY, HOUR, send, settle, state } from '../helpers/account-escalation-env.js';

const t = accountEscalationTestEnv();
type State = EscalationState<string, AccountEscalationDetails>;
const chicago = 'America/Chicago';

/** Every run of the workflow id, oldest first, with its history length (walking back through continue-as-new). */
async function runs(handle: WorkflowHandle): Promise<{ runId: string; events: number; continued: boolean }[]> {
  const out: { runId: string; events: number; continued: boolean }[] = [];
  let runId: string | undefined = (await handle.describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await t.env.client.workflow
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const last = events.at(-1);
    out.unshift({ runId, events: events.length, continued: Boolean(last?.workflowExecutionContinuedAsNewEventAttributes) });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return out;
}

describe('account-escalation: a 90-day escalation stays within its history bound', () => {
  it('90 days, daily notes and reminders, 7 proposal rounds, 3 finance meetings: every run under the bound', { timeout: 600_000 }, async () => {
    await t.withWorker(async (taskQueue) => {
      const start = nextLocal(await t.env.currentTimeMs(), chicago, 1, 9, 30); // Monday 09:30 Chicago
      await t.sleepUntil(start);
      const input = accountEscalationInput(start, {
        explicit: true,
        trigger: 'unresponsive-after-issue',
        followUpEmails: true,
        account: { ...accountEscalationInput(0).account, fmc: true, name: 'Example Long Haul Clinics' },
      });
      const handle = await t.start(taskQueue, input);
      const id = handle.workflowId;
      let final: State | undefined;

      for (let day = 0; day < 90 && !final; day++) {
        const at = start + day * DAY + 2 * HOUR; // 11:30 local (DST moves it by an hour at most: still the same day)
        await t.sleepUntil(at);
        for (const event of plan[day] ?? []) {
          const s = (await send(handle, event)) as State;
          if (!s.open) final = s;
        }
        // A note on most business days; every fifth business day is forgotten, so the reminder fires.
        if (!final && isBusinessDay(at, chicago) && !noteForgotten(day)) {
          await send(handle, { type: 'note', actor: 'csm', text: `Day ${day}: followed up with the customer.` });
        }
      }
      expect(final?.status).toBe('closed-downgraded');
      const result = (await handle.result()) as State;

      // Every SOP branch happened along the way.
      expect(result.details.proposals.map((p) => [p.round, p.finance?.decision, p.customer?.decision ?? null])).toEqual([
        [1, 'denied', null],
        [2, 'approved', 'rejected'],
        [3, 'approved', 'rejected'],
        [4, 'denied', null],
        [5, 'approved', 'rejected'],
        [6, 'approved', 'rejected'],
        [7, 'approved', 'accepted'],
      ]);
      expect(result.details.closure).toMatchObject({ outcome: 'downgraded', removed: ['CRED SOFT'] });
      expect(result.details.churn).toEqual({ primary: 'price', secondary: ['too-expensive', 'price-increase'] });
      expect(result.details.contact).toMatchObject({ state: 'responded' });

      // History: several runs, each within the bound (plus the few events of the iteration that crossed it).
      const all = await runs(handle);
      const counts = all.map((r) => r.events);
      process.stdout.write(`account-escalation 90-day scenario: ${all.length} runs, history events per run: ${counts.join(', ')} (total ${counts.reduce((a, b) => a + b, 0)})\n`);
      expect(all.length).toBeGreaterThanOrEqual(2);
      expect(all.slice(0, -1).every((r) => r.continued)).toBe(true);
      for (const n of counts) expect(n).toBeLessThanOrEqual(MAX_RUN_EVENTS + 100);
      // The state records the runs it came through, and stays bounded too.
      expect(result.details.runs.length + result.details.runsDropped).toBe(all.length - 1);
      // The timeline went through continue-as-new (trimmed to its limit there: see account-escalation-kit.test.ts).
      expect(result.timeline[0]!.kind).toBe('opened');
      expect(result.timeline.filter((e) => e.kind === 'run-continued')).toHaveLength(all.length - 1);
      expect(result.timeline.length).toBeLessThanOrEqual(DEFAULT_CARRY_LIMITS.timeline + 2 + counts.at(-1)!);
      expect(JSON.stringify(result).length).toBeLessThan(256 * 1024);

      // The CRM case got every daily note and decision, across the runs.
      await settle(() => t.standIns.cases.cases()[0]?.status === 'closed-downgraded');
      const notes = t.standIns.cases.cases()[0]!.notes;
      const written = notes.filter((n) => n.kind === 'escalation-note').length;
      expect(written).toBeGreaterThan(45);
      expect(new Set(notes.map((n) => n.idempotencyKey)).size).toBe(notes.length);

      // The latest run is still found by its playbook and its final status.
      const described = await t.env.client.workflow.getHandle(id).describe();
      expect(described.memo).toMatchObject({ playbook: 'account-escalation' });
    });
  });
});
