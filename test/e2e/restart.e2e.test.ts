// A restart of `npm start` on its embedded default (the dev server's SQLite file and the stand-ins'
// state file in DATA_DIR): escalations in flight carry on in the same Slack threads, and tickets
// number on. The failing input: after a restart the Slack stand-in had forgotten every
// message, so the outcomes and "resolved" marks of 4 of 5 escalations in flight failed for good
// (thread_not_found), and a new ticket was numbered SR-000001 again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import { lowFreePort } from '../../src/ops/ports.js';
import type { SlackOutboxRecord, TicketOutboxRecord } from '../../src/stand-ins/outbox-schema.js';
import { directoryFile, facilitatorNoShow } from '../helpers/fixtures.js';
import { http, until, useToken } from '../helpers/service.js';

const MIN = 60_000;
let dataDir: string;
let svc: RunningService | undefined;

async function start(): Promise<RunningService> {
  const config = await loadConfig({ PORT: '0', DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const started = await startService({
    config,
    log: createLogger('warn'),
    dbFilename: join(dataDir, 'temporal.sqlite'),
    uiPort: null,
    temporalPort: await lowFreePort(),
  });
  // The local key is kept in DATA_DIR: the same one after the restart.
  useToken(started.apiUrl, started.localApiKey!);
  return started;
}

interface View {
  execution: { status: string };
  state: { outcome: string | null; timeline: { kind: string; text?: string; detail?: string }[] } | null;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'restart-'));
});

afterAll(async () => {
  await svc?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start restarted with escalations in flight', () => {
  it('keeps their Slack threads (outcomes reply in them, resolved marks update them) and numbers tickets on', async () => {
    svc = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 25 * MIN) });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const alerts = new Map<string, SlackOutboxRecord>();
    for (const id of ids) {
      alerts.set(id, (await svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === id && !r.thread_ts, 20_000)) as SlackOutboxRecord);
    }
    // A session whose cutoff has passed is cancelled at once: the provider's fault raises a ticket.
    const late = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() - 20 * MIN) });
    const first = (await svc.outbox!.waitFor((r) => r.kind === 'ticket' && r.escalationId === late.body.id, 30_000)) as TicketOutboxRecord;
    expect(first.ticketId).toBe('SR-000001');
    await svc.close();
    svc = undefined;

    svc = await start();
    for (const id of ids) {
      const event = await http<{ outcome: string }>(svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'facilitator-arrived', actor: 'desk-agent' });
      expect(event.status, JSON.stringify(event.body)).toBe(200);
      expect(event.body.outcome).toBe('delivered');
    }
    for (const id of ids) {
      const done = await until(
        () => http<View>(svc!.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
        (r) => r.body.execution.status === 'COMPLETED',
        60_000,
      );
      expect(done.body.execution.status).toBe('COMPLETED');
      // Nothing failed for good: no thread_not_found, no message_not_found.
      expect(done.body.state!.timeline.filter((e) => e.kind === 'step-failed')).toEqual([]);
      const alert = alerts.get(id)!;
      // The outcome is a reply in the alert's thread, and the alert itself is marked resolved.
      const replies = svc.outbox!.list({ escalationId: id, kind: 'slack' }).filter((r) => r.thread_ts === alert.ts);
      expect(replies.some((r) => r.text?.includes('Resolved'))).toBe(true);
      const updates = svc.outbox!.list({ escalationId: id, kind: 'slack' }).filter((r) => r.method === 'chat.update' && r.ts === alert.ts);
      expect(updates.map((r) => r.text)).toEqual([expect.stringMatching(/^\[resolved: delivered\]/)]);
    }

    const later = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() - 20 * MIN) });
    const second = (await svc.outbox!.waitFor((r) => r.kind === 'ticket' && r.escalationId === later.body.id, 30_000)) as TicketOutboxRecord;
    expect(second.ticketId).toBe('SR-000002');
  });
});
