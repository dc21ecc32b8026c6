// One Ctrl-C on `npm start` drains and stops cleanly (issue 16 item 10). A terminal's Ctrl-C is a
// SIGINT to the whole foreground process group (npm, the shell, node, and formerly the Temporal dev
// server); npm forwards it to its child once more. The test runs `npm start` in its own process
// group and sends SIGINT to the group, as the terminal does.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { lowFreePort } from '../../src/ops/ports.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { http } from '../helpers/service.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dataDir: string | undefined;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

it('one SIGINT to the process group: the API stops, the worker drains, the dev server stops, exit 0', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ctrl-c-'));
  const [apiPort, temporalPort, uiPort] = [await lowFreePort(), await lowFreePort(), await lowFreePort()];
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    detached: true, // its own process group, like a terminal's foreground job
    env: {
      ...process.env,
      PORT: String(apiPort),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      DATA_DIR: dataDir,
      WORKER_METRICS_ADDRESS: 'none',
      LOG_LEVEL: 'info',
    },
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr }).on('line', (l) => lines.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const deadline = Date.now() + 120_000;
    while (!lines.some((l) => l.includes('escalation-engine is running'))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Work in flight: an escalation whose activities (Slack post, call task) the worker runs, started
    // with the local key the embedded default keeps in DATA_DIR (as a user of `npm start` would).
    const token = (await readFile(join(dataDir, 'local-api-key'), 'utf8')).trim();
    const created = await http(
      `http://127.0.0.1:${apiPort}`,
      'POST',
      '/escalations',
      { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * 60_000) },
      undefined,
      { token },
    );
    expect(created.status).toBe(201);
    expect(await listening(temporalPort)).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    const { code, signal } = await exited;
    const log = lines.join('\n');
    // npm ends the way a Ctrl-C'd job ends (by SIGINT, once its child has exited); the service
    // itself stopped cleanly, in order, on the one press.
    expect([code, signal], log).toSatisfy(([c, s]: unknown[]) => (c === 0 && s === null) || (c === null && s === 'SIGINT'));
    expect(log.match(/shutting down/g)).toHaveLength(1);
    expect(log).not.toMatch(/second SIGINT|stopping now without waiting|took too long/);
    const order = ['shutting down', 'worker drained and stopped', 'stopped cleanly'].map((m) => log.indexOf(m));
    expect(order.every((i) => i >= 0), log).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(await listening(temporalPort)).toBe(false);
    expect(await listening(apiPort)).toBe(false);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // whatever is left of the group (nothing, when it stopped cleanly)
    } catch {
      // ESRCH: the group is gone
    }
  }
}, 180_000);
