import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ephemeralExecutable, findTemporalBinary, missingBinaryHelp } from '../../src/temporal/binaries.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { lowFreePort } from '../../src/ops/ports.js';
import { searchAttributeTypes } from '../../src/temporal/search-attributes.js';
import { workflowsPath } from '../../src/worker.js';
import { cachedWorkflowBundle } from '../../src/temporal/workflow-bundle.js';

/** The time-skipping test server, from .tools/ (npm run setup) or TEMPORAL_TEST_SERVER_PATH, with our search attributes. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: ephemeralExecutable('testServer') } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
  return env;
}

/**
 * A workflow's result, read without letting the time-skipping server skip time.
 *
 * `env.client`'s `result()` unlocks time skipping until the result comes, and the test server never
 * takes a timer out of its clock queue: a timer the workflow cancelled (TimerCanceled in history) or
 * left pending when it closed still counts as the next thing due. So once nothing holds time (no task
 * in flight), the clock jumps to it, e.g. an escalation's follow-up deadline days on, and the test goes
 * on at an instant it did not choose. A test that carries on at a known instant after a workflow
 * closes moves the clock there itself (`env.sleep`, which stops at that instant) and reads the result
 * with this, through a plain client that leaves the time-skipping lock alone.
 */
export async function resultWithoutSkipping<T = unknown>(env: TestWorkflowEnvironment, workflowId: string): Promise<T> {
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  return (await client.workflow.getHandle(workflowId).result()) as T;
}

/**
 * Until the server holds an update sent while no worker polls (admitted: it waits there and comes
 * with the workflow's next task). A test that starts the worker after this knows the update is in
 * that task; a fixed sleep only hopes so (on a loaded machine the request can take longer).
 */
export async function updateAdmitted(env: TestWorkflowEnvironment, workflowId: string, updateId: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await env.client.workflowService.pollWorkflowExecutionUpdate({
        namespace: env.namespace ?? 'default',
        updateRef: { workflowExecution: { workflowId }, updateId },
        identity: 'test',
        waitPolicy: { lifecycleStage: proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
      });
      return;
    } catch (err) {
      // Not found yet (the update request is still on its way): ask again, for about 10 s.
      if (i >= 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The workflow code, bundled once per version of the code (src/temporal/workflow-bundle.ts) and shared by every test file. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return cachedWorkflowBundle({ workflowsPath: workflowsPath(), logger: quietLogger });
}

/**
 * The kit's probe workflows (test/workflows/kit/probe-workflows.ts), bundled on every call: the cache
 * keys a bundle by its entry's folder, and the probes' code is mostly the product's kit outside it.
 */
export function bundleProbeWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../workflows/kit/probe-workflows.ts', import.meta.url)), logger: quietLogger });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

let queue = 0;
export const uniqueTaskQueue = (name: string) => `${name}-${process.pid}-${++queue}`;

/** A real dev server (in memory, headless) with our search attributes, for tests that need real time (a worker stopped around a deadline). */
export async function startLocalTemporal(): Promise<{ address: string; client: Client; nativeConnection: NativeConnection; stop(): Promise<void> }> {
  const executable = findTemporalBinary('cli');
  if (!executable) throw new Error(missingBinaryHelp('cli'));
  const server = await startDevServer({ executable, namespace: 'default', port: await lowFreePort() });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    address: server.address,
    client: new Client({ connection, namespace: 'default' }),
    nativeConnection,
    async stop() {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}
