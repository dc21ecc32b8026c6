// Recorded histories replayed against today's workflow code: a change that would break an
// escalation already in flight fails here with a nondeterminism error.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../helpers/temporal.js';
import { historyFromJson } from './history-json.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
const load = async (file: string) => historyFromJson(await readFile(dir + file, 'utf8'));

let bundle: WorkflowBundleWithSourceMap;
/** The deliberately incompatible workflows, bundled once. */
let incompatibleBundle: Promise<WorkflowBundleWithSourceMap> | undefined;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays on the current workflow code', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: bundle }, await load(file), file.replace(/\.json$/, ''));
  });

  it.each(['live-delivery-facilitator-cutoff', 'gameday-issue-tier-3-resolved', 'gameday-summary'])(
    'an incompatible change (a new step before the first one) fails %s with a nondeterminism error',
    async (name) => {
      incompatibleBundle ??= bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./incompatible-workflows.ts', import.meta.url)),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
      });
      const incompatible = await incompatibleBundle;
      const history = await load(`${name}.json`);
      await expect(Worker.runReplayHistory({ workflowBundle: incompatible }, history, 'incompatible')).rejects.toBeInstanceOf(
        DeterminismViolationError,
      );
    },
  );
});
