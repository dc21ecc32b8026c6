// The stand-ins the topology's workers talk to instead of Slack, SendGrid, the ticket intake and the
// CRM: real HTTP servers behind the real clients (src/stand-ins/local.ts). Two ways to host them:
// - 'process': `npm run stand-ins` as a process of its own, its state in the topology's data folder
//   (stand-ins.sqlite, so threads and ticket numbers survive restarts), as `npm run topology` runs;
// - 'in-process': the same stand-ins inside the launcher's process, in memory, so a test can inject
//   failures (failNext) and read what they received directly (the fault suite, the topology tests).
// Either way the topology only needs `env` (what the workers are given) and the outbox page.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Directory } from '../directory.js';
import { devOutboxRoutes } from '../routes/dev-outbox.js';
import { startLocalStandIns, type LocalStandIns } from '../stand-ins/local.js';
import { ManagedProcess, waitFor } from './process.js';
import { repoRoot } from './settings.js';

export type StandInsMode = 'process' | 'in-process';

export interface TopologyStandIns {
  mode: StandInsMode;
  /** SLACK_*, SENDGRID_*, TICKET_TARGET_*, CASE_TARGET_*: what `npm run worker` and `npm run api` need to use them (the API: SLACK_SIGNING_SECRET). */
  env: Record<string, string>;
  /** The outbox page (`/dev/outbox/view`; JSON at `/dev/outbox`). */
  outboxUrl: string;
  /** 'in-process': the stand-ins themselves (outbox, slack, sendgrid, tickets, cases; failNext). */
  local: LocalStandIns | undefined;
  /** 'process': `npm run stand-ins`. */
  process: ManagedProcess | undefined;
  close(): Promise<void>;
}

export interface StandInsOptions {
  mode: StandInsMode;
  directory: Directory;
  directoryFile: string;
  /** The outbox page's port; Slack, SendGrid, tickets and cases on the next four. 0: free ports. */
  basePort: number;
  dataDir: string;
  logDir: string;
  /** Where the outbox page links escalations to (an API instance). */
  apiUrl: string;
  /** The environment for `npm run stand-ins` (without the app's settings). */
  env: NodeJS.ProcessEnv;
  host?: string;
}

export async function startTopologyStandIns(opts: StandInsOptions): Promise<TopologyStandIns> {
  return opts.mode === 'process' ? standInsProcess(opts) : standInsInProcess(opts);
}

async function standInsProcess(opts: StandInsOptions): Promise<TopologyStandIns> {
  const host = opts.host ?? '127.0.0.1';
  const logFile = join(opts.logDir, 'stand-ins.log');
  const proc = new ManagedProcess({
    name: 'stand-ins',
    command: 'npm',
    args: ['run', '--silent', 'stand-ins', '--', '--host', host, '--port', String(opts.basePort), '--data-dir', opts.dataDir],
    cwd: repoRoot,
    env: { ...opts.env, DIRECTORY_FILE: opts.directoryFile, PUBLIC_URL: opts.apiUrl },
    logFile,
  });
  const before = proc.tail(100_000).length;
  proc.start();
  // It prints one JSON line for scripts once every stand-in listens.
  const ready = await waitFor(
    'waiting for `npm run stand-ins` to be ready',
    async () => {
      const line = proc
        .tail(100_000)
        .slice(before)
        .split('\n')
        .find((l) => l.startsWith('{"event":"stand-ins-ready"'));
      return line ? (JSON.parse(line) as { urls: { outbox: string }; env: Record<string, string> }) : undefined;
    },
    { timeoutMs: 120_000, proc, intervalMs: 300 },
  );
  return {
    mode: 'process',
    env: ready.env,
    outboxUrl: ready.urls.outbox,
    local: undefined,
    process: proc,
    close: () => proc.stop(),
  };
}

async function standInsInProcess(opts: StandInsOptions): Promise<TopologyStandIns> {
  const host = opts.host ?? '127.0.0.1';
  const port = (offset: number) => (opts.basePort === 0 ? 0 : opts.basePort + offset);
  const local = await startLocalStandIns({
    directory: opts.directory,
    host,
    ports: { slack: port(1), sendgrid: port(2), tickets: port(3), cases: port(4) },
    file: null,
  });
  try {
    // As `npm run stand-ins` does: the Slack stand-in sends presses and commands to the API, signed
    // with the secret the API gets in `env`.
    const signingSecret = randomBytes(32).toString('hex');
    local.env.SLACK_SIGNING_SECRET = signingSecret;
    local.slack?.connectApp({ interactivityUrl: `${opts.apiUrl}/slack/interactions`, commandsUrl: `${opts.apiUrl}/slack/commands`, signingSecret });
    const page = Fastify();
    await page.register(devOutboxRoutes, { outbox: local.outbox, apiBase: opts.apiUrl, slack: local.slack });
    await page.listen({ host, port: port(0) });
    const { port: pagePort } = page.server.address() as { port: number };
    return {
      mode: 'in-process',
      env: local.env,
      outboxUrl: `http://${host}:${pagePort}/dev/outbox/view`,
      local,
      process: undefined,
      async close() {
        await page.close();
        await local.close();
      },
    };
  } catch (err) {
    await local.close();
    throw err;
  }
}
