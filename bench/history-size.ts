// History size of the longest account-escalation path (the 90-day scenario of
// test/workflows/account-escalation-long.test.ts, plan in test/helpers/account-long-scenario.ts):
// events and bytes of every run's history under the time-skipping test server, with the real
// activities against the local stand-ins. `npm run bench:history` (add `-- --json` for one JSON line).
// Measured on this machine (see the README): 1,904 events / 3.73 MB before the compact event results
// (dc9e913), when every event's update answered the whole state.
import proto from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { TemplateCatalog } from '../activities/email/templates.js';
import { accountEscalationMessages } from '../workflows/account-escalation/contract.js';
import definition from '../workflows/account-escalation/definition.js';
import { accountEscalation } from '../workflows/account-escalation/workflow.js';
import { isBusinessDay } from '../workflows/kit/calendar.js';
import { playbookKey, statusKey } from '../workflows/kit/search-attributes.js';
import { accountEscalationInput, nextLocal } from '../test/helpers/account-fixtures.js';
import { LONG_SCENARIO_DAYS, longScenarioPlan, noteForgotten } from '../test/helpers/account-long-scenario.js';
import { loadExampleDirectory } from '../test/helpers/fixtures.js';
import { standInActivities, startStandIns } from '../test/helpers/stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv } from '../test/helpers/temporal.js';

const { History, HistoryEvent } = proto.temporal.api.history.v1;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const chicago = 'America/Chicago';

export interface RunSize {
  runId: string;
  events: number;
  /** Protobuf-encoded size of the run's history (what the server stores and the worker replays). */
  bytes: number;
  /** Bytes of the update-completed events alone (each carries the update's result). */
  updateResultBytes: number;
  updates: number;
}

async function runSizes(env: Awaited<ReturnType<typeof createTimeSkippingEnv>>, handle: WorkflowHandle): Promise<RunSize[]> {
  const out: RunSize[] = [];
  let runId: string | undefined = (await handle.describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const updates = events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    out.unshift({
      runId,
      events: events.length,
      bytes: History.encode(History.fromObject(history as Record<string, unknown>)).finish().length,
      updateResultBytes: updates.reduce((n, e) => n + HistoryEvent.encode(HistoryEvent.fromObject(e as Record<string, unknown>)).finish().length, 0),
      updates: updates.length,
    });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return out;
}

export async function runHistorySizeBench(): Promise<{ runs: RunSize[]; events: number; bytes: number; updateResultBytes: number }> {
  const [env, bundle, directory, templates] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows(), loadExampleDirectory(), TemplateCatalog.load()]);
  const standIns = await startStandIns(directory);
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-history',
      workflowBundle: bundle,
      activities: standInActivities(standIns, directory, templates),
    });
    const runs = await worker.runUntil(async () => {
      const start = nextLocal(await env.currentTimeMs(), chicago, 1, 9, 30); // Monday 09:30 Chicago
      const sleepUntil = async (ms: number) => {
        const now = await env.currentTimeMs();
        if (ms > now) await env.sleep(ms - now);
      };
      await sleepUntil(start);
      const input = accountEscalationInput(start, {
        explicit: true,
        trigger: 'unresponsive-after-issue',
        followUpEmails: true,
        account: { ...accountEscalationInput(0).account, fmc: true, name: 'Example Long Haul Clinics' },
      });
      const handle = await env.client.workflow.start(accountEscalation, {
        taskQueue: 'bench-history',
        workflowId: `account-escalation:${definition.businessKey(input)}`,
        args: [input],
        memo: { playbook: 'account-escalation' },
        typedSearchAttributes: [
          { key: playbookKey, value: 'account-escalation' },
          { key: statusKey, value: 'opened' },
        ],
      });
      let open = true;
      for (let day = 0; day < LONG_SCENARIO_DAYS && open; day++) {
        const at = start + day * DAY + 2 * HOUR;
        await sleepUntil(at);
        for (const event of longScenarioPlan[day] ?? []) {
          const result = await handle.executeUpdate(accountEscalationMessages.event, { args: [event] });
          open = result.open;
        }
        if (open && isBusinessDay(at, chicago) && !noteForgotten(day)) {
          await handle.executeUpdate(accountEscalationMessages.event, { args: [{ type: 'note', actor: 'csm', text: `Day ${day}: followed up with the customer.` }] });
        }
      }
      await handle.result();
      return runSizes(env, handle);
    });
    const sum = (k: 'events' | 'bytes' | 'updateResultBytes') => runs.reduce((n, r) => n + r[k], 0);
    return { runs, events: sum('events'), bytes: sum('bytes'), updateResultBytes: sum('updateResultBytes') };
  } finally {
    await standIns.close();
    await env.teardown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runHistorySizeBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write('account-escalation, 90-day path (test/workflows/account-escalation-long.test.ts)\n');
    process.stdout.write('run  events     bytes  updates  update-completed bytes\n');
    r.runs.forEach((x, i) => process.stdout.write(`${String(i + 1).padStart(3)}  ${String(x.events).padStart(6)}  ${String(x.bytes).padStart(8)}  ${String(x.updates).padStart(7)}  ${String(x.updateResultBytes).padStart(22)}\n`));
    process.stdout.write(`all  ${String(r.events).padStart(6)}  ${String(r.bytes).padStart(8)}  ${' '.repeat(7)}  ${String(r.updateResultBytes).padStart(22)}\n`);
  }
}
