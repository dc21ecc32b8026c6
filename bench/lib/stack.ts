// The system under test, as production runs it: a Temporal server (the embedded dev server from
// .tools, or an existing cluster), the stand-ins, the worker (`npm run worker`) and the API
// (`npm run api`) each in a process of their own, plus a raw SDK client in the bench process.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys.js';
import { SCOPE_NAMES } from '../../src/auth/scopes.js';
import { findTemporalBinary, missingBinaryHelp } from '../../src/temporal/binaries.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { lowFreePort } from '../../src/ops/ports.js';
import type { ArrivedMessage, StandInsMessage } from './stand-ins-main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { TaskQueueType } = proto.temporal.api.enums.v1;

export interface StackOptions {
  /** An existing Temporal frontend (host:port); unset = start the embedded dev server. */
  temporalAddress?: string | undefined;
  namespace?: string;
  taskQueue?: string;
  /** Dev server storage: a SQLite file in a temp dir (as `npm start` keeps it) or memory. */
  db?: 'file' | 'memory';
  /** Worker processes on the task queue (default 1; the production topology runs 2). */
  workers?: number;
  /** Extra environment for the worker process (e.g. TEMPORAL_MAX_CACHED_WORKFLOWS). */
  workerEnv?: Record<string, string>;
  /**
   * Node flags for the worker process; default: what `npm run worker` and docker-compose.yml use
   * (WORKER_NODE_ARGS). NODE_OPTIONS in workerEnv cannot override a flag given here.
   */
  workerNodeArgs?: string[];
  /**
   * A directory for each worker's output, `worker-<pid>.log`, every line prefixed with the instant
   * (epoch ms) the bench read it: e.g. `--trace-gc` lines set beside the deadlines' instants.
   */
  workerLogDir?: string;
  /** Extra Node flags for the API process (e.g. `--cpu-prof --cpu-prof-dir=<dir>` to profile it). */
  apiNodeArgs?: string[];
  /** Also start the bare forwarder (bench/lib/bare-forwarder-main.ts): the least an HTTP hop costs. */
  bareForwarder?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  client: Client;
  connection: Connection;
  apiUrl: string;
  /** The bench's API key (every scope), sent as `Authorization: Bearer`. */
  apiKey: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** The first worker's pid. */
  workerPid: number;
  /** Every worker's pid. */
  workerPids: number[];
  apiPid: number;
  /** The bare forwarder, when the options asked for it: a Fastify process forwarding to raw SDK calls. */
  bare: { url: string; pid: number } | undefined;
  devServerPid: number | undefined;
  arrivals: Arrivals;
  /** Tasks waiting in the task queue for a worker (Temporal's approximate backlog). */
  backlog(): Promise<{ workflow: number; activity: number }>;
  /**
   * Each worker's `temporal_sticky_cache_size` (the Core SDK's Prometheus gauge): the runs it holds
   * in its workflow cache. A run that completes leaves the cache at once; a terminated one stays until the
   * cache needs its room (the worker is not told). -1 where the endpoint did not answer.
   */
  cachedRuns(): Promise<number[]>;
  /** Restarts the worker processes (e.g. with other settings). */
  restartWorker(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** Messages the stand-ins accepted, by escalation id. */
export class Arrivals {
  readonly byEscalation = new Map<string, ArrivedMessage[]>();
  count = 0;
  #waiters = new Set<{ check: () => boolean; resolve: () => void }>();

  add(messages: ArrivedMessage[]): void {
    for (const m of messages) {
      if (!m.escalationId) continue;
      const list = this.byEscalation.get(m.escalationId) ?? [];
      list.push(m);
      this.byEscalation.set(m.escalationId, list);
      this.count += 1;
    }
    for (const w of this.#waiters) {
      if (w.check()) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  first(escalationId: string, pred: (m: ArrivedMessage) => boolean = () => true): ArrivedMessage | undefined {
    return this.byEscalation.get(escalationId)?.find(pred);
  }

  /** Resolves once `check` holds (checked on every arrival), false after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = { check, resolve: () => { clearTimeout(timer); resolve(true); } };
      const timer = setTimeout(() => { this.#waiters.delete(w); resolve(false); }, timeoutMs);
      this.#waiters.add(w);
    });
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.byEscalation.delete(id);
  }
}

interface Child {
  proc: ChildProcess;
  exited: Promise<void>;
  stop(): Promise<void>;
}

function child(proc: ChildProcess, name: string, log: (l: string) => void): Child {
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      if (!stopping) log(`${name} exited unexpectedly (${code ?? signal}):\n${tail}`);
      resolve();
    }),
  );
  return {
    proc,
    exited,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      stopping = true;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Appends the process's output to `file`, each line prefixed with the epoch ms it was read at. */
function logLines(proc: ChildProcess, file: string): void {
  const out = createWriteStream(file, { flags: 'a' });
  let partial = '';
  const write = (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    const at = Date.now();
    for (const line of lines) out.write(`${at} ${line}\n`);
  };
  proc.stdout?.on('data', write);
  proc.stderr?.on('data', write);
  proc.once('exit', () => out.end(partial ? `${Date.now()} ${partial}\n` : undefined));
}

/** The worker's V8 heap limit, as package.json's `worker` script and docker-compose.yml start it. */
export const WORKER_NODE_ARGS = ['--max-old-space-size=512'];

const tsNode = (script: string, env: Record<string, string>, nodeArgs: string[] = []) =>
  spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

async function poll(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const namespace = opts.namespace ?? 'default';
  const taskQueue = opts.taskQueue ?? `bench-${process.pid}`;
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  };
  try {
    let temporalAddress = opts.temporalAddress;
    let devServerPid: number | undefined;
    if (!temporalAddress) {
      const executable = findTemporalBinary('cli');
      if (!executable) throw new Error(missingBinaryHelp('cli'));
      let dbFilename: string | undefined;
      if ((opts.db ?? 'file') === 'file') {
        const dir = await mkdtemp(join(tmpdir(), 'bench-temporal-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        dbFilename = join(dir, 'temporal.sqlite');
      }
      const dev = await startDevServer({ executable, namespace, port: await lowFreePort(), ...(dbFilename && { dbFilename }) });
      cleanups.push(() => dev.stop());
      temporalAddress = dev.address;
      devServerPid = dev.pid;
    }

    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace });

    // Stand-ins
    const arrivals = new Arrivals();
    const standInsProc = fork(join(root, 'bench/lib/stand-ins-main.ts'), [], {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const standIns = child(standInsProc, 'stand-ins', log);
    cleanups.push(() => standIns.stop());
    const standInsEnv = await new Promise<Record<string, string>>((resolve, reject) => {
      standInsProc.on('message', (m: StandInsMessage) => {
        if (m.type === 'ready') resolve(m.env);
        else arrivals.add(m.messages);
      });
      void standIns.exited.then(() => reject(new Error('stand-ins exited before they were ready')));
    });

    const common = {
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
    };
    const workerEnvBase = { ...common, ...standInsEnv };

    // Workers: `npm run worker`, each alone in its process so its memory and CPU are its own.
    let workers: Child[] = [];
    const metricsUrls = new Map<Child, string>();
    const startWorker = async (env: Record<string, string> = {}): Promise<void> => {
      // Each its own metrics port: several workers, and a topology's own workers, run side by side.
      const metrics = { WORKER_METRICS_ADDRESS: `127.0.0.1:${await lowFreePort()}` };
      const w = child(tsNode('src/worker-main.ts', { ...workerEnvBase, ...metrics, ...opts.workerEnv, ...env }, opts.workerNodeArgs ?? WORKER_NODE_ARGS), 'worker', log);
      workers.push(w); // stopped by the cleanup even if it never polls
      if (opts.workerLogDir) {
        await mkdir(opts.workerLogDir, { recursive: true }); // a missing directory would end the bench at the first line
        logLines(w.proc, join(opts.workerLogDir, `worker-${w.proc.pid}.log`));
      }
      metricsUrls.set(w, `http://${metrics.WORKER_METRICS_ADDRESS}/metrics`);
      await poll(
        'worker',
        async () => {
          if (w.proc.exitCode !== null) throw new Error('worker exited');
          const d = await connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: taskQueue },
            taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          // The new process's own poller (a stopped worker's stays listed for a while).
          return (d.pollers ?? []).some((p) => p.identity?.startsWith(`${w.proc.pid}@`));
        },
        120_000,
      );
    };
    const startWorkers = async (env?: Record<string, string>) => {
      for (let i = 0; i < (opts.workers ?? 1); i++) await startWorker(env);
    };
    cleanups.push(async () => {
      for (const w of workers) await w.stop();
    });
    await startWorkers();

    // API: `npm run api`.
    // With a key of its own (every scope, as an integration's would be) and the per-credential rate
    // limit out of the way: the bench measures the engine, and one key sends all of its load.
    const port = await lowFreePort();
    const keyDir = await mkdtemp(join(tmpdir(), 'bench-api-keys-'));
    cleanups.push(() => rm(keyDir, { recursive: true, force: true }));
    const apiKey = generateApiKey();
    const apiKeysFile = join(keyDir, 'api-keys.json');
    await writeFile(apiKeysFile, JSON.stringify({ keys: { bench: { hash: hashApiKey(apiKey), scopes: [...SCOPE_NAMES] } } }), { mode: 0o600 });
    const apiEnv = { ...common, HOST: '127.0.0.1', PORT: String(port), API_KEYS_FILE: apiKeysFile, RATE_LIMIT_PER_MINUTE: '1000000' };
    const api = child(tsNode('src/api-main.ts', apiEnv, opts.apiNodeArgs), 'api', log);
    cleanups.push(() => api.stop());
    const apiUrl = `http://127.0.0.1:${port}`;
    await poll('api', async () => (await fetch(`${apiUrl}/readyz`)).ok, 120_000);

    let bare: Stack['bare'];
    if (opts.bareForwarder) {
      const barePort = await lowFreePort();
      const proc = child(tsNode('bench/lib/bare-forwarder-main.ts', { ...common, PORT: String(barePort) }), 'bare forwarder', log);
      cleanups.push(() => proc.stop());
      bare = { url: `http://127.0.0.1:${barePort}`, pid: proc.proc.pid! };
      await poll('bare forwarder', async () => (await fetch(`${bare!.url}/ready`)).ok, 120_000);
    }

    // Ctrl-C or a kill ends the run, never leaves its server, worker, API or stand-ins behind.
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal}: stopping the stack`);
      void close().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    cleanups.unshift(async () => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    });

    return {
      client,
      connection,
      apiUrl,
      apiKey,
      temporalAddress,
      namespace,
      taskQueue,
      get workerPid() {
        return workers[0]!.proc.pid!;
      },
      get workerPids() {
        return workers.map((w) => w.proc.pid!);
      },
      apiPid: api.proc.pid!,
      bare,
      devServerPid,
      arrivals,
      async backlog() {
        const count = async (taskQueueType: proto.temporal.api.enums.v1.TaskQueueType) => {
          const d = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true });
          return Number(d.stats?.approximateBacklogCount ?? 0);
        };
        const [workflow, activity] = await Promise.all([count(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), count(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)]);
        return { workflow, activity };
      },
      async cachedRuns() {
        return Promise.all(
          workers.map(async (w) => {
            try {
              const text = await (await fetch(metricsUrls.get(w)!, { signal: AbortSignal.timeout(5_000) })).text();
              const line = text.split('\n').find((l) => l.startsWith('temporal_sticky_cache_size{'));
              return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : -1;
            } catch {
              return -1;
            }
          }),
        );
      },
      async restartWorker(env) {
        for (const w of workers) await w.stop();
        workers = [];
        await startWorkers(env);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
