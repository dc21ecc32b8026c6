// The production topology on one machine, without Docker: PostgreSQL (Debian's), the Temporal
// server on it (deploy/temporal/, the version in deploy/versions.json), the stand-ins, and separate
// `npm run worker` and `npm run api` processes (two of each by default). `npm run topology`
// (src/topology-main.ts) runs it for people; the topology tests and the fault suite run it too.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Document, parseDocument } from 'yaml';
import { generateApiKey, hashApiKey } from '../auth/api-keys.js';
import { SCOPE_NAMES } from '../auth/scopes.js';
import { EnvSchema } from '../config.js';
import { loadDirectory } from '../directory.js';
import { checkDirectoryForPlaybooks } from '../directory-check.js';
import { playbooks } from '../playbooks.js';
import { PostgresServer } from './postgres.js';
import { assertFree, lowFreePort } from './ports.js';
import { ManagedProcess, waitFor } from './process.js';
import { repoRoot } from './settings.js';
import { dataConverterWith, newCodecKey, payloadCodecFrom } from '../temporal/codec.js';
import { startTopologyStandIns, type StandInsMode, type TopologyStandIns } from './stand-ins.js';
import { standardTemporalPorts, TemporalServer, type TemporalPorts } from './temporal-server.js';
import { findTopologyTools } from './tools.js';

const { TaskQueueType } = proto.temporal.api.enums.v1;

export interface TopologyOptions {
  /** PostgreSQL's cluster, logs and the Temporal profile live here; kept between runs. */
  dataDir: string;
  /** Start from an empty data folder. */
  fresh?: boolean;
  apis?: number;
  workers?: number;
  /** 'standard': Temporal's and the app's usual ports (see standardPorts); 'free': unused ports (tests). */
  ports?: 'standard' | 'free';
  namespace?: string;
  taskQueue?: string;
  directoryFile?: string;
  /** LOG_LEVEL of the api and worker processes. */
  logLevel?: string;
  /**
   * 'process' (default): `npm run stand-ins`, its state kept in the data folder. 'in-process': the
   * same stand-ins in this process, in memory, for tests that inject failures (see stand-ins.ts).
   */
  standIns?: StandInsMode;
  /**
   * Encrypt Temporal payloads (PAYLOAD_CODEC_KEYS for the api and worker processes). Default: a key
   * generated on first use and kept in `<dataDir>/payload-codec-keys` (mode 0600); false: none.
   */
  codecKeys?: string | false;
  /** More environment for the api and worker processes (e.g. OIDC_ISSUER; it wins over the defaults here). */
  extraEnv?: Record<string, string>;
  /** Progress lines, e.g. console.error. */
  progress?: (line: string) => void;
}

/** The ports `npm run topology` uses by default. */
export const standardPorts = {
  postgres: 5433,
  temporal: standardTemporalPorts,
  /** api-1, api-2, … */
  apiBase: 3000,
  /** Outbox page, then Slack, SendGrid, tickets, cases. */
  standInsBase: 3100,
  /** Worker metrics (when the worker serves them): worker-1, worker-2, … */
  workerMetricsBase: 9464,
};

/** One `npm run api` or `npm run worker` process. */
export class AppInstance {
  readonly process: ManagedProcess;
  readonly kind: 'api' | 'worker';
  /** The API's base URL (api instances). */
  readonly url: string | undefined;
  /** Workers: the identity Temporal knows the current run by (`<pid>@<host>`), e.g. in pending activities. */
  identity: string | undefined;
  readonly #ready: () => Promise<void>;

  constructor(kind: 'api' | 'worker', process: ManagedProcess, url: string | undefined, ready: (self: AppInstance) => Promise<void>) {
    this.kind = kind;
    this.process = process;
    this.url = url;
    this.#ready = () => ready(this);
  }

  get name(): string {
    return this.process.name;
  }

  /** Starts the process and waits until it serves (API: /readyz; worker: polling its task queue). */
  async start(): Promise<void> {
    this.identity = undefined;
    this.process.start();
    await this.#ready();
  }

  /** kill -9 of the process group. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  /** SIGTERM: the API closes, the worker finishes its running activities. */
  stop(): Promise<void> {
    return this.process.stop();
  }
}

export interface Topology {
  dataDir: string;
  logDir: string;
  namespace: string;
  taskQueue: string;
  postgres: PostgresServer;
  temporal: TemporalServer;
  standIns: TopologyStandIns;
  apis: AppInstance[];
  workers: AppInstance[];
  /** A Temporal client of the launcher's own (for tests and checks). */
  client: Client;
  /** The Temporal client profile the app processes read (TEMPORAL_CONFIG_FILE). */
  profileFile: string;
  /** Worker Prometheus endpoints (`host:port`), one per worker. */
  workerMetrics: string[];
  /** Whether payloads are encrypted (PAYLOAD_CODEC_KEYS), and where the keys are kept. */
  codecKeysFile: string | undefined;
  /**
   * The API key of the tool `topology` (every scope), for the clients of the APIs; kept in
   * `<dataDir>/api-key` (mode 0600), its hash in `<dataDir>/api-keys.yaml` (the APIs' API_KEYS_FILE).
   */
  apiKey: string;
  apiKeyFile: string;
  apiKeysFile: string;
  close(): Promise<void>;
}

export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const progress = opts.progress ?? (() => undefined);
  const tools = findTopologyTools();
  const dataDir = resolve(opts.dataDir);
  if (opts.fresh) rmSync(dataDir, { recursive: true, force: true });
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const namespace = opts.namespace ?? 'default';
  const taskQueue = opts.taskQueue ?? 'escalations';
  const apiCount = opts.apis ?? 2;
  const workerCount = opts.workers ?? 2;
  const free = opts.ports === 'free';
  const directoryFile = resolve(opts.directoryFile ?? join(repoRoot, 'config', 'directory.example.yaml'));
  const directory = await loadDirectory(directoryFile);
  checkDirectoryForPlaybooks(directory, Object.values(playbooks), directoryFile);

  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    cleanups.length = 0;
  };

  try {
    // Ports first, so a clash is reported before anything starts.
    const pgPort = free ? await lowFreePort() : standardPorts.postgres;
    const temporalPorts: TemporalPorts = free
      ? (Object.fromEntries(await Promise.all(Object.keys(standardTemporalPorts).map(async (k) => [k, await lowFreePort()]))) as unknown as TemporalPorts)
      : standardTemporalPorts;
    const apiPorts = free ? await Promise.all(Array.from({ length: apiCount }, () => lowFreePort())) : Array.from({ length: apiCount }, (_, i) => standardPorts.apiBase + i);
    const metricsPorts = free
      ? await Promise.all(Array.from({ length: workerCount }, () => lowFreePort()))
      : Array.from({ length: workerCount }, (_, i) => standardPorts.workerMetricsBase + i);
    if (!free) {
      await assertFree(pgPort, 'PostgreSQL');
      for (const port of metricsPorts) await assertFree(port, 'worker metrics');
      for (let i = 0; i < 5; i++) await assertFree(standardPorts.standInsBase + i, 'stand-ins');
      for (const [name, port] of Object.entries(temporalPorts)) await assertFree(port, `Temporal ${name}`);
      for (const port of apiPorts) await assertFree(port, 'API');
    }

    progress(`PostgreSQL on 127.0.0.1:${pgPort} (${join(dataDir, 'postgres')})`);
    const postgres = PostgresServer.prepare({ binDir: tools.postgresBin, dataDir, logDir, port: pgPort });
    cleanups.push(() => postgres.stop());
    await postgres.start();

    const temporal = new TemporalServer({ tools, postgres, ports: temporalPorts, namespace, logDir });
    progress('Temporal schema (setup-schema.sh)');
    await temporal.setupSchema();
    progress(`Temporal server on ${temporal.address}`);
    cleanups.push(() => temporal.stop());
    await temporal.start();
    progress(`namespace ${namespace} and search attributes (setup-namespace.sh)`);
    await temporal.setupNamespace();

    // The app processes find Temporal through a client profile, the way Temporal's tools do.
    const profileFile = join(dataDir, 'temporal.toml');
    writeFileSync(profileFile, `[profile.default]\naddress = "${temporal.address}"\nnamespace = "${namespace}"\n`);

    const codecKeysFile = opts.codecKeys === undefined ? join(dataDir, 'payload-codec-keys') : undefined;
    if (codecKeysFile && !existsSync(codecKeysFile)) writeFileSync(codecKeysFile, `${newCodecKey('topology-1')}\n`, { mode: 0o600 });
    const codecKeys = codecKeysFile ? readFileSync(codecKeysFile, 'utf8').trim() : opts.codecKeys || undefined;

    const { apiKey, apiKeyFile, apiKeysFile } = topologyApiKey(dataDir);

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    // The same payload codec as the app processes, so this client reads what they wrote.
    const dataConverter = dataConverterWith(payloadCodecFrom(codecKeys));
    const client = new Client({ connection, namespace, ...(dataConverter && { dataConverter }) });

    const standInsMode = opts.standIns ?? 'process';
    progress(`stand-ins (${standInsMode === 'process' ? 'npm run stand-ins' : 'in this process'})`);
    const standIns = await startTopologyStandIns({
      mode: standInsMode,
      directory,
      directoryFile,
      basePort: free ? 0 : standardPorts.standInsBase,
      dataDir,
      logDir,
      apiUrl: `http://127.0.0.1:${apiPorts[0]}`,
      env: appEnv({ LOG_LEVEL: opts.logLevel ?? 'info' }),
    });
    cleanups.push(() => standIns.close());

    const baseEnv = appEnv({
      TEMPORAL_CONFIG_FILE: profileFile,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DIRECTORY_FILE: directoryFile,
      LOG_LEVEL: opts.logLevel ?? 'info',
      ...(codecKeys && { PAYLOAD_CODEC_KEYS: codecKeys }),
      API_KEYS_FILE: apiKeysFile,
      ...standIns.env,
      ...opts.extraEnv,
    });

    const workerMetrics = metricsPorts.map((port) => `127.0.0.1:${port}`);
    const workers = Array.from({ length: workerCount }, (_, i) => {
      const name = `worker-${i + 1}`;
      const env = { ...baseEnv, WORKER_METRICS_ADDRESS: workerMetrics[i]! };
      const proc = new ManagedProcess({ name, command: 'npm', args: ['run', '--silent', 'worker'], cwd: repoRoot, env, logFile: join(logDir, `${name}.log`) });
      return new AppInstance('worker', proc, undefined, (self) => waitPolling(client, taskQueue, self));
    });
    const apis = apiPorts.map((port, i) => {
      const name = `api-${i + 1}`;
      const url = `http://127.0.0.1:${port}`;
      const proc = new ManagedProcess({
        name,
        command: 'npm',
        args: ['run', '--silent', 'api'],
        cwd: repoRoot,
        env: { ...baseEnv, HOST: '127.0.0.1', PORT: String(port) },
        logFile: join(logDir, `${name}.log`),
      });
      return new AppInstance('api', proc, url, (self) => waitReady(self));
    });
    for (const app of [...workers, ...apis]) cleanups.push(() => app.stop());
    progress(`${workerCount} workers, ${apiCount} APIs`);
    // Workers one after the other: each bundles the workflow code at start, which is CPU-bound.
    for (const worker of workers) await worker.start();
    await Promise.all(apis.map((api) => api.start()));

    return {
      dataDir,
      logDir,
      namespace,
      taskQueue,
      postgres,
      temporal,
      standIns,
      apis,
      workers,
      client,
      profileFile,
      workerMetrics,
      codecKeysFile,
      apiKey,
      apiKeyFile,
      apiKeysFile,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The topology's API key (tool `topology`, every scope): made on first use, kept in the data folder
 * like the codec keys, so a restarted topology keeps answering the same key.
 */
function topologyApiKey(dataDir: string): { apiKey: string; apiKeyFile: string; apiKeysFile: string } {
  const apiKeyFile = join(dataDir, 'api-key');
  const apiKeysFile = join(dataDir, 'api-keys.yaml');
  if (!existsSync(apiKeyFile)) writeFileSync(apiKeyFile, `${generateApiKey()}\n`, { mode: 0o600 });
  const apiKey = readFileSync(apiKeyFile, 'utf8').trim();
  // Other tools' entries (npm run api-key -- <tool> <scope>... --file <dataDir>/api-keys.yaml) stay.
  const doc = existsSync(apiKeysFile)
    ? parseDocument(readFileSync(apiKeysFile, 'utf8'))
    : new Document({ keys: {} });
  if (!doc.has('keys') || doc.get('keys') === null) doc.set('keys', doc.createNode({}));
  doc.setIn(['keys', 'topology'], doc.createNode({ hash: hashApiKey(apiKey), scopes: [...SCOPE_NAMES] }));
  writeFileSync(apiKeysFile, doc.toString(), { mode: 0o600 });
  return { apiKey, apiKeyFile, apiKeysFile };
}

/**
 * The app processes' environment: this process's, minus every setting the app reads (so a shell's
 * PORT or TEMPORAL_ADDRESS does not leak in) and minus Temporal's client settings, plus `settings`.
 */
function appEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key in EnvSchema.properties || key.startsWith('TEMPORAL_') || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  return { ...env, ...settings };
}

async function waitReady(api: AppInstance): Promise<void> {
  await waitFor(
    `waiting for ${api.name} at ${api.url}/readyz`,
    async () => (await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok,
    { timeoutMs: 120_000, proc: api.process, intervalMs: 300 },
  );
}

/**
 * Until a poller this worker started shows on both the workflow and the activity task queue. The
 * SDK names a worker `<pid>@<host>`; the pid is the node process under npm, so the check is for a
 * poller that was not there before.
 */
async function waitPolling(client: Client, taskQueue: string, worker: AppInstance): Promise<void> {
  const pollers = async () => {
    const identities = await Promise.all(
      [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY].map(async (taskQueueType) => {
        const r = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType });
        return new Set((r.pollers ?? []).map((p) => p.identity ?? '').filter((id) => id.endsWith(`@${hostname()}`)));
      }),
    );
    return identities as [Set<string>, Set<string>];
  };
  const before = await pollers();
  const known = new Set([...before[0], ...before[1]]);
  worker.identity = await waitFor(
    `waiting for ${worker.name} to poll task queue ${taskQueue}`,
    async () => {
      const [wf, act] = await pollers();
      return [...wf].find((id) => !known.has(id) && act.has(id));
    },
    { timeoutMs: 180_000, proc: worker.process, intervalMs: 500 },
  );
}
