// The tracking-list activity (addTrackingRow, tech-incident's technical-cases list) against the local
// tracking-list stand-in: what the list receives, one row per key however often retried, the links,
// how failures are handed to Temporal, and the stand-in's rows across a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackingActivities, type AddTrackingRowInput } from '../../activities/tracking.js';
import { Outbox } from '../../src/stand-ins/outbox.js';
import { SqliteStore } from '../../src/stand-ins/store.js';
import { startTrackingListStandIn, type TrackingListStandIn } from '../../src/stand-ins/tracking-list.js';
import { deadUrl, expectPermanent, failureOf, runAttempt } from './helpers.js';

const token = 'tracking-token';
const outbox = new Outbox();
let list: TrackingListStandIn;

const acts = (over: { url?: string; token?: string } = {}) => trackingActivities({ tracking: { url: list.url, token, ...over } });
const row = (n: number): AddTrackingRowInput => ({
  escalationId: 'tech-incident:login-502',
  list: 'technical-cases',
  key: `tech-incident:login-502/run-1/report-${n}`,
  title: `login-502 #${n}: GRV-${n}`,
  fields: { problemKey: 'login-502', report: n, ticket: `GRV-${n}`, customerEmail: `kunde${n}@example.org`, errorCode: null },
});

beforeAll(async () => {
  list = await startTrackingListStandIn({ token, outbox });
});

afterAll(async () => {
  await list?.close();
});

beforeEach(() => {
  list.reset();
  outbox.clear();
});

describe('addTrackingRow', () => {
  it('adds a numbered row with its link and the list filtered to the problem; shown in the outbox', async () => {
    const added = await runAttempt(acts().addTrackingRow, row(1));
    expect(added).toEqual({ rowId: 'TC-000001', url: expect.stringMatching(/\/rows\/TC-000001$/), listUrl: expect.stringMatching(/\/rows\?problemKey=login-502$/) });
    expect(list.rows()).toEqual([expect.objectContaining({ id: 'TC-000001', list: 'technical-cases', idempotencyKey: row(1).key, fields: row(1).fields })]);
    const [shown] = outbox.list({ kind: 'tracking-row' });
    expect(shown).toMatchObject({ rowId: 'TC-000001', escalationId: 'tech-incident:login-502', title: 'login-502 #1: GRV-1', url: added.url });
    // The links work: the row, and the list of the problem's rows.
    expect(await (await fetch(added.url!)).json()).toMatchObject({ id: 'TC-000001', fields: { ticket: 'GRV-1' } });
    await runAttempt(acts().addTrackingRow, { ...row(2), fields: { ...row(2).fields, problemKey: 'other' } });
    expect(((await (await fetch(added.listUrl!)).json()) as { rows: unknown[] }).rows).toHaveLength(1);
  });

  it('a retried request (same key) answers the row the first attempt added', async () => {
    const first = await runAttempt(acts().addTrackingRow, row(1));
    const retry = await runAttempt(acts().addTrackingRow, row(1), 2);
    expect(retry).toEqual(first);
    expect(list.rows()).toHaveLength(1);
    expect(outbox.list({ kind: 'tracking-row' })).toHaveLength(1);
  });

  it('4xx is permanent, 5xx and a dead endpoint are retried, no target configured is permanent', async () => {
    expectPermanent(await failureOf(runAttempt(acts({ token: 'wrong' }).addTrackingRow, row(1))), 'tracking list answered 401');
    list.failNext(503);
    const transient = await runAttempt(acts().addTrackingRow, row(1)).then(() => undefined, (e: unknown) => e as Error);
    expect(transient?.message).toBe('tracking list answered 503');
    await expect(runAttempt(acts({ url: await deadUrl() }).addTrackingRow, row(1))).rejects.toThrow();
    expectPermanent(await failureOf(runAttempt(trackingActivities({ tracking: undefined }).addTrackingRow, row(1))), 'TRACKING_TARGET_URL');
  });
});

describe('the tracking-list stand-in with a store', () => {
  it('keeps rows and their numbering across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tracking-'));
    try {
      const file = join(dir, 'stand-ins.sqlite');
      let store = new SqliteStore(file);
      let stand = await startTrackingListStandIn({ token, store });
      await runAttempt(trackingActivities({ tracking: { url: stand.url, token } }).addTrackingRow, row(1));
      await stand.close();
      store.close();
      store = new SqliteStore(file);
      stand = await startTrackingListStandIn({ token, store });
      const next = await runAttempt(trackingActivities({ tracking: { url: stand.url, token } }).addTrackingRow, row(2));
      expect(next.rowId).toBe('TC-000002');
      expect(stand.rows().map((r) => r.id)).toEqual(['TC-000001', 'TC-000002']);
      await stand.close();
      store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
