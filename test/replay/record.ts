// Records workflow histories for the replay tests: `npm run record-histories`.
// Run it when a playbook gains a branch; never to make a failing replay test pass (that failure
// means the change would break escalations already in flight: use patched() instead).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { createClients } from '../../src/worker.js';
import { liveDelivery } from '../../workflows/live-delivery.js';
import { eventUpdate } from '../../workflows/kit/messages.js';
import { historyToJson } from './history-json.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { startStandIns } from '../helpers/stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal.js';

const MIN = 60_000;
const outDir = fileURLToPath(new URL('./histories/', import.meta.url));

const env = await createTimeSkippingEnv();
const directory = await loadExampleDirectory();
const standIns = await startStandIns(directory);
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue: 'record',
  workflowBundle: await bundleWorkflows(),
  activities: createActivities({ ...createClients(standIns.providers), directory, templates: await TemplateCatalog.load() }),
});

type Scenario = (id: string) => Promise<WorkflowHandle<typeof liveDelivery>>;
const start = async (id: string, startMs: number) =>
  env.client.workflow.start(liveDelivery, { taskQueue: 'record', workflowId: id, args: [facilitatorNoShow(startMs)] });

const scenarios: Record<string, Scenario> = {
  'live-delivery-facilitator-arrived': async (id) => {
    const h = await start(id, await env.currentTimeMs());
    await env.sleep(10 * MIN);
    await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived', actor: 'desk-agent' }] });
    return h;
  },
  'live-delivery-facilitator-cutoff': async (id) => start(id, await env.currentTimeMs()),
  'live-delivery-started-after-cutoff': async (id) => start(id, (await env.currentTimeMs()) - 16 * MIN),
  'live-delivery-slack-down': async (id) => {
    standIns.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1);
    return start(id, await env.currentTimeMs());
  },
};

await mkdir(outDir, { recursive: true });
await worker.runUntil(async () => {
  for (const [name, run] of Object.entries(scenarios)) {
    const handle = await run(name);
    await handle.result();
    await writeFile(`${outDir}${name}.json`, historyToJson(await handle.fetchHistory()));
    process.stdout.write(`recorded ${name}\n`);
  }
});
await standIns.close();
await env.teardown();
