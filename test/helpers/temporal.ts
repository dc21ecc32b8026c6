import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ephemeralExecutable } from '../../src/temporal/binaries.js';
import { searchAttributeTypes } from '../../src/temporal/search-attributes.js';
import { workflowsPath } from '../../src/worker.js';

/** The time-skipping test server, from .tools/ (npm run setup) or TEMPORAL_TEST_SERVER_PATH, with our search attributes. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: ephemeralExecutable('testServer') } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
  return env;
}

/** The workflow code, bundled once per test file. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

let queue = 0;
export const uniqueTaskQueue = (name: string) => `${name}-${process.pid}-${++queue}`;
