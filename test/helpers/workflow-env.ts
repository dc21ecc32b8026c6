// What a workflow test file needs around its scenarios: a time-skipping server (one per test or one
// per file), the workflow bundle, the example directory, the template catalog, the stand-ins (reset
// before each test), and a worker with the real activities against them that terminates what the
// test started before it stops.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { WorkflowHandle, WorkflowStartOptions, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TemplateCatalog } from '../../activities/email/templates.js';
import type { ActivityDeps } from '../../activities/index.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { loadExampleDirectory } from './fixtures.js';
import { standInActivities, startStandIns, type StandIns } from './stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from './temporal.js';

export interface WorkflowTestEnvOptions {
  /** Task queues are `<name>-<pid>-<n>`. */
  name: string;
  /**
   * `test` (default): a fresh time-skipping server for every test (about a second), so each
   * scenario's clock is its own and a time-skipping lock one scenario leaks (an escalation terminated
   * at the test's end with a workflow task in flight) cannot make the next test's time skips run in
   * real time; `file`: one for the file.
   */
  serverPer?: 'test' | 'file';
  /** The workflow code; default the product's (bundleWorkflows, cached). */
  bundle?: () => Promise<WorkflowBundleWithSourceMap>;
}

/** Changes to the example directory's people and channels, by key (e.g. a vacation, `away`, an id). */
export interface DirectoryChanges {
  people?: Record<string, Record<string, unknown>>;
  channels?: Record<string, Record<string, unknown>>;
}

export interface WorkerOptions {
  /** The directory the activities read; default the example. */
  directory?: Directory;
  /** More for the activities (e.g. `financeMeeting`). */
  deps?: Partial<ActivityDeps>;
  /** The task queue; default a fresh one. */
  taskQueue?: string;
}

/** A worker the test stops (a worker down across a deadline) and starts again. */
export interface RestartableWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkflowTestEnv {
  /** The time-skipping server (the current test's, with `serverPer: 'test'`). */
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  /** The example directory (config/directory.example.yaml). */
  directory: Directory;
  templates: TemplateCatalog;
  standIns: StandIns;
  /**
   * Runs `fn` with a worker on a fresh task queue: the real activities, with `directory` (default
   * the example), against the stand-ins. What the test started (`start`, `track`) is terminated
   * when `fn` ends, pass or fail, while the worker still runs: an escalation left behind keeps
   * workflow tasks pending, which stops time skipping for every later test on the server, and one
   * terminated with a task in flight after its worker stopped kept the server's time-skipping lock
   * (every later `env.sleep` of the file crawled at real time).
   */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, opts?: WorkerOptions): Promise<T>;
  /**
   * A worker on `taskQueue` that the test stops and starts again (a worker down across a deadline),
   * beside the running `withWorker`'s. No workflow cache: a sticky queue would keep the restarted
   * worker waiting for the stopped one's. `directory`: as `withWorker`'s. Stop it before the test ends.
   */
  restartableWorker(taskQueue: string, opts?: Pick<WorkerOptions, 'directory'>): RestartableWorker;
  /**
   * Runs `fn` with a started `restartableWorker` on a fresh task queue, inside `withWorker` (what the
   * test started is terminated when `fn` ends); the restartable worker is stopped first, pass or fail.
   */
  withRestartableWorker<T>(fn: (taskQueue: string, worker: RestartableWorker) => Promise<T>, opts?: Pick<WorkerOptions, 'directory'>): Promise<T>;
  /** What the running `withWorker` will terminate: the workflows the test started, oldest first. */
  running(): readonly WorkflowHandle[];
  /** Starts a workflow (as `env.client.workflow.start`) and terminates it when the running `withWorker` ends. */
  start<W extends Workflow>(workflow: W, options: WorkflowStartOptions<W>): Promise<WorkflowHandleWithFirstExecutionRunId<W>>;
  /** Terminates the workflow when the running `withWorker` ends (one started elsewhere, e.g. by the workflow under test). */
  track(workflowId: string): void;
  /** Moves the server's clock to `ms` (no-op if it is already past). */
  sleepUntil(ms: number): Promise<void>;
  /** The example directory with `changes` to some people or channels. */
  directoryWith(changes: DirectoryChanges): Directory;
}

/** Registers the file's hooks; the returned object is filled in by them (use it inside tests). */
export function workflowTestEnv(opts: WorkflowTestEnvOptions): WorkflowTestEnv {
  const perTest = (opts.serverPer ?? 'test') === 'test';
  const started: WorkflowHandle[] = [];
  const t = {} as WorkflowTestEnv;

  beforeAll(async () => {
    [t.bundle, t.directory, t.templates] = await Promise.all([(opts.bundle ?? bundleWorkflows)(), loadExampleDirectory(), TemplateCatalog.load()]);
    t.standIns = await startStandIns(t.directory);
    if (!perTest) t.env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    if (!perTest) await t.env?.teardown();
    await t.standIns?.close();
  });

  beforeEach(async () => {
    t.standIns.reset();
    if (perTest) t.env = await createTimeSkippingEnv();
  });

  if (perTest) {
    afterEach(async () => {
      await t.env?.teardown();
    });
  }

  t.withWorker = async (fn, { directory = t.directory, deps, taskQueue = uniqueTaskQueue(opts.name) } = {}) => {
    const worker = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue,
      workflowBundle: t.bundle,
      activities: standInActivities(t.standIns, directory, t.templates, deps),
    });
    return await worker.runUntil(async () => {
      try {
        return await fn(taskQueue);
      } finally {
        for (const handle of started.splice(0)) await handle.terminate('test finished').catch(() => undefined);
      }
    });
  };

  t.restartableWorker = (taskQueue, { directory = t.directory } = {}) => {
    let running: { worker: Worker; done: Promise<void> } | undefined;
    return {
      start: async () => {
        const worker = await Worker.create({ connection: t.env.nativeConnection, taskQueue, workflowBundle: t.bundle, activities: standInActivities(t.standIns, directory, t.templates), maxCachedWorkflows: 0 });
        running = { worker, done: worker.run() };
      },
      stop: async () => {
        running?.worker.shutdown();
        await running?.done;
        running = undefined;
      },
    };
  };

  t.withRestartableWorker = (fn, workerOpts) =>
    t.withWorker(async () => {
      const taskQueue = uniqueTaskQueue(`${opts.name}-restartable`);
      const worker = t.restartableWorker(taskQueue, workerOpts);
      await worker.start();
      try {
        return await fn(taskQueue, worker);
      } finally {
        await worker.stop();
      }
    });

  t.running = () => started;

  t.start = async (workflow, options) => {
    const handle = await t.env.client.workflow.start(workflow, options);
    started.push(handle);
    return handle;
  };

  t.track = (workflowId) => {
    started.push(t.env.client.workflow.getHandle(workflowId));
  };

  t.sleepUntil = async (ms) => {
    const now = await t.env.currentTimeMs();
    if (ms > now) await t.env.sleep(ms - now);
  };

  t.directoryWith = (changes) => {
    const data = structuredClone(t.directory.data) as unknown as Record<'people' | 'channels', Record<string, Record<string, unknown>>>;
    for (const [key, change] of Object.entries(changes.people ?? {})) Object.assign(data.people[key]!, change);
    for (const [key, change] of Object.entries(changes.channels ?? {})) Object.assign(data.channels[key]!, change);
    return parseDirectory(data);
  };

  return t;
}

/**
 * A playbook's own test environment on `base`: `members` (its start, its worker options) replace or
 * add to base's, and the rest is read from `base` at use (its hooks fill in `env`, `standIns`, ...).
 */
export function extendTestEnv<E>(base: WorkflowTestEnv, members: Partial<E>): E {
  return Object.assign(Object.create(base) as object, members) as E;
}
