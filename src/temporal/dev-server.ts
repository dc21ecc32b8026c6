// The embedded default's Temporal: `temporal server start-dev` with a SQLite file (escalations
// survive a restart) and the Web UI. We spawn it ourselves rather than through the SDK, whose
// ~5 s start-up wait is too short on a loaded 2-core machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { devServerSearchAttributeFlags } from './search-attributes.js';

/**
 * SQLite's write-ahead log with synchronous=NORMAL: a commit is in the log, so it survives the server
 * process crashing or being killed, without waiting for the disk's fsync as SQLite's defaults do on
 * every commit. On this project's bench machine that made a start 8 times faster (p50 55 -> 7 ms) and
 * deadlines fire on time under load. What it gives up: after a power cut or kernel crash the last
 * commits before it may be lost (never a corrupt file). Production runs on PostgreSQL.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface DevServerOptions {
  executable: string;
  /** SQLite file; undefined keeps everything in memory (tests). */
  dbFilename?: string;
  namespace: string;
  ip?: string;
  port: number;
  /** undefined: headless. */
  uiPort?: number;
  /** The Web UI decodes payloads through this codec endpoint (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  log?: Logger;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  /** The server's process id (for its memory and CPU figures). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const address = `${ip}:${opts.port}`;
  const args = [
    'server', 'start-dev',
    '--ip', ip,
    '--port', String(opts.port),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...devServerSearchAttributeFlags(),
    ...(opts.uiPort === undefined ? ['--headless'] : ['--ui-port', String(opts.uiPort), '--ui-disable-news-fetch']),
    ...(opts.uiPort !== undefined && opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ];
  if (opts.dbFilename) {
    await mkdir(dirname(opts.dbFilename), { recursive: true });
    args.push('--db-filename', opts.dbFilename, ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]));
  }
  // Its own process group: a Ctrl-C in the terminal reaches this process, which drains the worker
  // first and then stops the server; in the terminal's group the server would die at once, under
  // the draining worker. An exit of this process without close() still takes the server along.
  const child = spawn(opts.executable, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  try {
    await waitUntilServing(address, opts.namespace, child, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stopChild(child, exited);
    throw new Error(`Temporal dev server did not start on ${address}: ${(err as Error).message}\n${output}`);
  }
  opts.log?.debug({ address }, 'temporal dev server ready');
  return {
    address,
    uiUrl: opts.uiPort === undefined ? undefined : `http://${ip}:${opts.uiPort}`,
    pid: child.pid,
    stop: () => stopChild(child, exited),
  };
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await delay(250);
    }
  }
  throw new Error(`timed out after ${timeoutMs} ms (${String(lastError)})`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
