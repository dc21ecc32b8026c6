// The separate processes as production runs them, on one machine: a Temporal dev server,
// `npm run stand-ins`, `npm run worker` and `npm run api`, each its own OS process, wired only by the
// environment the stand-ins process prints. Checked over HTTP: an escalation runs through, the
// stand-ins' outbox page shows its Slack posts and ticket, the API's and the worker's /metrics count
// it, the JSON logs name the escalation, and the stand-ins keep their state through a kill -9.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalBinary } from '../../src/temporal/binaries.js';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.js';
import { lowFreePort } from '../../src/ops/ports.js';
import { directoryFile, facilitatorNoShow } from '../helpers/fixtures.js';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys.js';
import { http, until, useToken } from '../helpers/service.js';

const MIN = 60_000;
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');

interface Proc {
  child: ChildProcessWithoutNullStreams;
  /** stdout lines so far. */
  lines: string[];
  /** Resolves with the first stdout line (so far or later) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function run(script: string, args: string[], env: Record<string, string>): Proc {
  // Its own process group: tsx runs the script in a child node process, so a signal to the group (not
  // to tsx alone) is what stops the script; kill -9 of tsx alone left the stand-ins running for ever.
  const child = spawn(tsx, [script, ...args], { cwd: root, detached: true, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  const lines: string[] = [];
  const waiters = new Set<{ match: (l: string) => boolean; resolve: (l: string) => void }>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) if (w.match(line)) (waiters.delete(w), w.resolve(line));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    waitForLine(match, timeoutMs = 90_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${script}: no matching line in ${timeoutMs} ms; exit ${child.exitCode}; stderr: ${stderr}; stdout tail: ${lines.slice(-5).join('\n')}`));
        }, timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          if (waiters.delete(waiter)) reject(new Error(`${script} exited (${child.exitCode}): ${stderr}`));
        });
        const done = waiter.resolve;
        waiter.resolve = (l) => (clearTimeout(timer), done(l));
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          child.kill(signal); // the group is gone already
        }
      }
      await exited;
    },
  };
}

const json = (line: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

interface Ready {
  urls: { outbox: string; slack: string; sendgrid: string; tickets: string; cases: string };
  env: Record<string, string>;
  stateFile: string;
}

let dataDir: string;
let temporal: DevServer;
let standIns: Proc;
let worker: Proc;
let api: Proc;
let ready: Ready;
let apiUrl: string;
let workerMetrics: string;

async function startStandIns(): Promise<Proc> {
  // PUBLIC_URL: the outbox page links escalations to the API.
  const proc = run('src/stand-ins-main.ts', ['--port', '0', '--data-dir', dataDir], { DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'warn', PUBLIC_URL: apiUrl });
  ready = json(await proc.waitForLine((l) => json(l)?.event === 'stand-ins-ready')) as unknown as Ready;
  return proc;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'processes-'));
  const executable = findTemporalBinary('cli');
  if (!executable) throw new Error('no Temporal CLI: run npm run setup');
  temporal = await startDevServer({ executable, namespace: 'default', port: await lowFreePort() });
  const port = await lowFreePort();
  apiUrl = `http://127.0.0.1:${port}`;
  standIns = await startStandIns();
  const common = { TEMPORAL_ADDRESS: temporal.address, DIRECTORY_FILE: directoryFile, DATA_DIR: dataDir };
  workerMetrics = `127.0.0.1:${await lowFreePort()}`;
  // A SendGrid key the stand-in refuses: every email fails for good, which the worker must count and log.
  worker = run('src/worker-main.ts', [], { ...common, ...ready.env, SENDGRID_API_KEY: 'SG.revoked', WORKER_METRICS_ADDRESS: workerMetrics, LOG_LEVEL: 'info' });
  // The API alone is no embedded default: it needs its keys (and answers Slack through the stand-in).
  const key = generateApiKey();
  const keysFile = join(dataDir, 'api-keys.yaml');
  await writeFile(keysFile, `keys:\n  tests:\n    hash: ${hashApiKey(key)}\n    scopes: [escalations:start, escalations:read, events:send, on-behalf-of]\n`);
  useToken(apiUrl, key);
  const slackEnv = { SLACK_BOT_TOKEN: ready.env.SLACK_BOT_TOKEN!, SLACK_API_URL: ready.env.SLACK_API_URL!, SLACK_SIGNING_SECRET: ready.env.SLACK_SIGNING_SECRET! };
  api = run('src/api-main.ts', [], { ...common, ...slackEnv, API_KEYS_FILE: keysFile, PORT: String(port), LOG_LEVEL: 'info' });
  await until(() => fetch(`${apiUrl}/readyz`).then((r) => r.status, () => 0), (s) => s === 200, 90_000);
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await standIns?.stop();
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('api, worker and stand-ins as separate processes', () => {
  it('runs an escalation through; outbox, metrics and logs show it; the stand-ins survive kill -9', async () => {
    // The stand-ins print where they are, for people and as a JSON line.
    expect(standIns.lines.join('\n')).toContain('escalation-engine stand-ins are running');
    expect(ready.env).toMatchObject({ SLACK_API_URL: ready.urls.slack, SENDGRID_API_URL: ready.urls.sendgrid, TICKET_TARGET_URL: ready.urls.tickets, CASE_TARGET_URL: ready.urls.cases });
    expect(ready.stateFile).toBe(join(dataDir, 'stand-ins.sqlite'));

    // A session whose cutoff passed 20 minutes ago: the deadline fires at once, a service-recovery
    // ticket is raised, the client email is attempted (and refused).
    const input = facilitatorNoShow(Date.now() - 20 * MIN);
    const created = await http<{ id: string; runId: string }>(apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const { id } = created.body;
    const runId = created.body.runId;
    // Called off: the desk phones the client first (seed 000); unreachable, so the email goes alone.
    type Tasks = { state: { tasks: { id: string; status: string }[] } | null };
    await until(
      () => http<Tasks>(apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
      (r) => (r.body.state?.tasks ?? []).some((t) => t.id === 'call-client' && t.status === 'open'),
      60_000,
    );
    const unreachable = await http(apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'client-unreachable', actor: 'desk-agent' });
    expect(unreachable.status).toBe(200);
    const done = await until(
      () => http<{ execution: { status: string }; state: { outcome: string; timeline: { kind: string; detail: string }[] } | null }>(apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
      (r) => r.body.execution?.status === 'COMPLETED',
      90_000,
    );
    expect(done.body.state?.outcome).toBe('cancelled-provider');
    expect(done.body.state?.timeline.filter((e) => e.kind === 'step-failed').map((e) => e.detail)).toEqual([expect.stringContaining('SendGrid answered 401')]);
    const refused = await http(apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'facilitator-arrived' });
    expect(refused.status).toBe(409);

    // The stand-ins' own outbox: the Slack posts and the ticket, as JSON and on the page.
    const outboxBase = ready.urls.outbox.replace(/\/view$/, '');
    const outbox = await http<{ records: { kind: string; ticketId?: string }[] }>(outboxBase, 'GET', `?escalationId=${encodeURIComponent(id)}`);
    expect(outbox.body.records.filter((r) => r.kind === 'slack').length).toBeGreaterThan(0);
    expect(outbox.body.records.filter((r) => r.kind === 'ticket').map((r) => r.ticketId)).toEqual(['SR-000001']);
    const page = await fetch(`${ready.urls.outbox}?escalationId=${encodeURIComponent(id)}`);
    const html = await page.text();
    expect(html).toContain('SR-000001');
    expect(html).toContain(`href="${apiUrl}/escalations/${encodeURIComponent(id)}"`);

    // The API's metrics.
    const apiMetrics = await (await fetch(`${apiUrl}/metrics`)).text();
    expect(apiMetrics).toMatch(/^escalations_started_total\{playbook="live-delivery",result="created"\} 1$/m);
    expect(apiMetrics).toMatch(/^escalation_events_total\{playbook="live-delivery",type="facilitator-arrived",result="refused",status_code="409"\} 1$/m);
    expect(apiMetrics).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/escalations",status_code="201"\} 1$/m);
    expect(apiMetrics).toMatch(/^process_cpu_seconds_total /m);

    // The worker's metrics: the SDK's own and the escalation figures.
    const workerText = await until(
      () => fetch(`http://${workerMetrics}/metrics`).then((r) => r.text()),
      (t) => t.includes('escalation_outcomes'),
      30_000,
    );
    expect(workerText).toMatch(/^temporal_workflow_completed\{.*workflow_type="liveDelivery".*\} 1$/m);
    // The escalation figures carry no temporal_ prefix; the SDK tags them with namespace, taskQueue, workflowType/activityType.
    expect(workerText).toMatch(/^escalation_deadlines_fired\{(?=.*deadline="facilitator-cutoff")(?=.*playbook="live-delivery").*\} 1$/m);
    expect(workerText).toMatch(/^escalation_outcomes\{(?=.*outcome="cancelled-provider")(?=.*playbook="live-delivery").*\} 1$/m);
    expect(workerText).toMatch(/^escalation_notification_failures\{(?=.*activityType="sendTemplateEmail")(?=.*kind="permanent")(?=.*playbook="live-delivery")(?=.*provider="sendgrid").*\} 1$/m);
    expect(workerText).toMatch(/^escalation_steps_failed\{(?=.*playbook="live-delivery").*\} 1$/m);

    // JSON logs name the escalation: the API's request lines and the worker's activity lines.
    const apiLine = await api.waitForLine((l) => json(l)?.escalationId === id && json(l)?.msg === 'request completed', 10_000);
    expect(json(apiLine)).toMatchObject({ escalationId: id, playbook: 'live-delivery', workflowRunId: runId });
    const workerLine = await worker.waitForLine((l) => json(l)?.escalationId === id && /failed \(permanent\)/.test(String(json(l)?.msg)), 10_000);
    expect(json(workerLine)).toMatchObject({ escalationId: id, playbook: 'live-delivery', workflowRunId: runId, kind: 'permanent', provider: 'sendgrid' });

    // kill -9 the stand-ins: what they had accepted is on disk; the next ticket number follows on.
    await standIns.stop('SIGKILL');
    standIns = await startStandIns();
    const after = await http<{ records: { kind: string; ticketId?: string }[] }>(ready.urls.outbox.replace(/\/view$/, ''), 'GET', `?escalationId=${encodeURIComponent(id)}`);
    expect(after.body.records.map((r) => r.kind)).toEqual(outbox.body.records.map((r) => r.kind));
    const next = await fetch(ready.urls.tickets, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ready.env.TICKET_TARGET_TOKEN}` },
      body: JSON.stringify({ title: 'after kill -9' }),
    });
    expect(await next.json()).toEqual({ id: 'SR-000002' });
  });
});
