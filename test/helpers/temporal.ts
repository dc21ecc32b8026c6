import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ephemeralExecutable, findTemporalBinary, missingBinaryHelp } from '../../src/temporal/binaries.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { freePort } from '../../src/temporal/free-port.js';
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
  const server = await startDevServer({ executable, namespace: 'default', port: await freePort() });
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
