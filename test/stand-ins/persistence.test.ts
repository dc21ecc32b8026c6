// The stand-ins' state in the data folder (SQLite): a restart keeps Slack channels, messages,
// threads, ts and metadata, SendGrid's emails, ticket and case numbers, and the outbox. The issue's
// failing input: after a restart the Slack stand-in forgot every message (thread replies failed with
// thread_not_found) and the ticket stand-in numbered a new ticket SR-000001 again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailService } from '@sendgrid/mail';
import { Client as SendGridClient } from '@sendgrid/client';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Directory } from '../../src/directory.js';
import { startLocalStandIns, type LocalStandIns } from '../../src/stand-ins/local.js';
import { MemoryStore, SqliteStore } from '../../src/stand-ins/store.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

let dir: string;
let directory: Directory;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stand-ins-'));
  directory = await loadExampleDirectory();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const slackClient = (s: LocalStandIns) =>
  new WebClient(s.credentials.slackBotToken, { slackApiUrl: s.slack!.url, retryConfig: { retries: 0 }, logger: quiet });

function mailClient(s: LocalStandIns) {
  const client = new SendGridClient();
  client.setApiKey(s.credentials.sendgridApiKey);
  client.setDefaultRequest('baseUrl', s.sendgrid!.url);
  const mail = new MailService();
  mail.setClient(client);
  return mail;
}

async function post(url: string, token: string, body: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const metadata = (escalationId: string, step: string) => ({
  event_type: 'escalation_step',
  event_payload: { key: `${escalationId}/${step}`, escalation_id: escalationId, step },
});

describe('stand-ins on a SQLite file survive a restart', () => {
  it('keeps threads, ts, metadata, emails, tickets, cases and the outbox, and numbers on', async () => {
    const file = join(dir, 'restart.sqlite');
    const channel = directory.channel('bookings-emergencies').id!;

    // First life: what five escalations in flight had done before the restart.
    let standIns = await startLocalStandIns({ directory, file });
    let slack = slackClient(standIns);
    const parents: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const posted = await slack.chat.postMessage({ channel, text: `alert ${i}`, metadata: metadata(`esc-${i}`, 'alert') });
      parents.push(posted.ts!);
      await slack.chat.postMessage({ channel, thread_ts: posted.ts!, text: `call task ${i}`, metadata: metadata(`esc-${i}`, 'call-1') });
    }
    const dm = await slack.conversations.open({ users: directory.person('booking-owner').slackUserId! });
    await slack.chat.postMessage({ channel: dm.channel!.id!, text: 'timeline' });
    const created = await slack.conversations.create({ name: 'esc-acme' });
    await slack.conversations.setPurpose({ channel: created.channel!.id!, purpose: 'Escalation: Acme [escalation:esc-9]' });
    await mailClient(standIns).send({
      from: 'desk@example.com',
      to: 'client@example.org',
      subject: 'Session update',
      text: 'Hello',
      customArgs: { escalation_id: 'esc-1' },
    });
    const t1 = await post(standIns.tickets!.url, standIns.credentials.ticketToken, { title: 'Service recovery 1', escalationId: 'esc-1' }, 'esc-1/service-recovery');
    const c1 = await post(`${standIns.cases!.url}/cases`, standIns.credentials.caseToken, {
      escalationId: 'esc-9',
      account: { id: 'A-1', name: 'Acme' },
    }, 'esc-9/case');
    expect([t1.body.id, c1.body.caseNumber]).toEqual(['SR-000001', 'CASE-000001']);
    const lastTs = (await slack.conversations.history({ channel })).messages![0]!.ts!;
    const outboxBefore = standIns.outbox.list();
    await standIns.close();

    // Second life on the same file.
    standIns = await startLocalStandIns({ directory, file });
    slack = slackClient(standIns);
    try {
      // Every in-flight escalation's thread is still there: replies and updates land.
      for (const [i, ts] of parents.entries()) {
        const reply = await slack.chat.postMessage({ channel, thread_ts: ts, text: `outcome ${i + 1}` });
        expect(reply.ok).toBe(true);
        await slack.chat.update({ channel, ts, text: `[resolved] alert ${i + 1}` });
        const thread = await slack.conversations.replies({ channel, ts, include_all_metadata: true });
        expect(thread.messages!.map((m) => m.text)).toEqual([`[resolved] alert ${i + 1}`, `call task ${i + 1}`, `outcome ${i + 1}`]);
        // Metadata (the activities' idempotency keys) survives too.
        expect(thread.messages![1]!.metadata).toMatchObject({ event_payload: { key: `esc-${i + 1}/call-1` } });
      }
      // ts never go backwards or repeat.
      const fresh = await slack.chat.postMessage({ channel, text: 'after restart' });
      expect(BigInt(fresh.ts!.replace('.', ''))).toBeGreaterThan(BigInt(lastTs.replace('.', '')));
      // Channels made at run time, their purpose and the DM are kept (no second channel, no new DM id).
      const listed = await slack.conversations.list({ types: 'public_channel' });
      expect(listed.channels!.filter((c) => c.name === 'esc-acme').map((c) => c.purpose?.value)).toEqual(['Escalation: Acme [escalation:esc-9]']);
      const dmAgain = await slack.conversations.open({ users: directory.person('booking-owner').slackUserId! });
      expect(dmAgain.channel!.id).toBe(dm.channel!.id);
      expect(standIns.slack!.messages(dm.channel!.id!).map((m) => m.text)).toEqual(['timeline']);

      // Tickets and cases number on; a repeated Idempotency-Key still gets the first ticket.
      const t2 = await post(standIns.tickets!.url, standIns.credentials.ticketToken, { title: 'Service recovery 2', escalationId: 'esc-2' }, 'esc-2/service-recovery');
      expect(t2).toEqual({ status: 201, body: { id: 'SR-000002' } });
      const again = await post(standIns.tickets!.url, standIns.credentials.ticketToken, { title: 'Service recovery 1', escalationId: 'esc-1' }, 'esc-1/service-recovery');
      expect(again).toEqual({ status: 200, body: { id: 'SR-000001' } });
      const c2 = await post(`${standIns.cases!.url}/cases`, standIns.credentials.caseToken, { escalationId: 'esc-10', account: { id: 'A-2', name: 'Beta' } });
      expect(c2.body.caseNumber).toBe('CASE-000002');
      const note = await post(`${standIns.cases!.url}/cases/CASE-000001/notes`, standIns.credentials.caseToken, { kind: 'escalation-note', text: 'Called the customer' });
      expect(note.status).toBe(201);
      expect(standIns.cases!.case('CASE-000001')?.notes.map((n) => n.text)).toEqual(['Called the customer']);

      // SendGrid's messages and the outbox are kept; outbox ids go on.
      expect(standIns.sendgrid!.messages().map((m) => m.subject)).toEqual(['Session update']);
      const outboxAfter = standIns.outbox.list();
      expect(outboxAfter.slice(-outboxBefore.length)).toEqual(outboxBefore);
      expect(new Set(outboxAfter.map((r) => r.id)).size).toBe(outboxAfter.length);
      expect(standIns.outbox.list({ kind: 'ticket' }).map((r) => r.ticketId)).toEqual(['SR-000002', 'SR-000001']);
      expect(standIns.outbox.list({ kind: 'case' }).map((r) => r.caseNumber)).toEqual(['CASE-000002', 'CASE-000001']);
      expect(standIns.outbox.list({ kind: 'case-note' })).toMatchObject([{ caseNumber: 'CASE-000001', escalationId: 'esc-9', text: 'Called the customer' }]);
    } finally {
      await standIns.close();
    }
  });

  // Found by the 10,000-escalation capacity run: every Slack call compared every channel's JSON with
  // the store, 2.3 ms per chat.postMessage with no extra channels, 8 ms at 1,000, 76 ms at 10,000.
  it('each Slack call writes what it changed before it answers, and only that, however many channels there are', async () => {
    const standIns = await startLocalStandIns({ directory, file: join(dir, 'per-call.sqlite') });
    const slack = slackClient(standIns);
    try {
      // What a post costs, in JSON documents serialised (the call, its answer, the store's comparisons):
      // the same with 300 more channels in the workspace.
      const desk = directory.channel('bookings-emergencies').id!;
      const stringified = async (call: () => Promise<unknown>) => {
        const spy = vi.spyOn(JSON, 'stringify');
        try {
          await call();
          return spy.mock.calls.length;
        } finally {
          spy.mockRestore();
        }
      };
      await slack.chat.postMessage({ channel: desk, text: 'warm-up' }); // the client's and the store's first-call work
      const before = await stringified(() => slack.chat.postMessage({ channel: desk, text: 'first' }));
      const channels: string[] = [];
      for (let i = 0; i < 300; i++) channels.push((await slack.conversations.create({ name: `esc-account-${i}` })).channel!.id!);
      expect(await stringified(() => slack.chat.postMessage({ channel: desk, text: 'second' }))).toBe(before);
      const writes: string[] = [];
      const put = standIns.store.put.bind(standIns.store);
      standIns.store.put = (collection, key, value) => {
        if (collection.startsWith('slack.')) writes.push(`${collection} ${key}`);
        put(collection, key, value);
      };
      const channel = channels[150]!;
      const stored = () => standIns.store.list<{ ts: string; text: string; replies: string[] }>('slack.messages');

      const parent = await slack.chat.postMessage({ channel, text: 'alert' });
      expect(writes.splice(0)).toEqual([`slack.messages ${channel}/${parent.ts}`]);
      const reply = await slack.chat.postMessage({ channel, thread_ts: parent.ts!, text: 'call task' });
      expect(writes.splice(0).sort()).toEqual([`slack.messages ${channel}/${parent.ts}`, `slack.messages ${channel}/${reply.ts}`].sort());
      expect(stored().find((m) => m.ts === parent.ts)?.replies).toEqual([reply.ts]);
      await slack.chat.update({ channel, ts: parent.ts!, text: '[resolved] alert' });
      expect(writes.splice(0)).toEqual([`slack.messages ${channel}/${parent.ts}`]);
      await slack.conversations.setTopic({ channel, topic: 'MRR $9,000' });
      expect(writes.splice(0)).toEqual([`slack.channels ${channel}`]);
      const dm = await slack.conversations.open({ users: directory.person('booking-owner').slackUserId! });
      expect(writes.splice(0)).toEqual([`slack.channels ${dm.channel!.id}`]);

      // An edit through an interaction's response_url (not an API call) is written at once too.
      const origin = standIns.slack!.url.replace(/\/api\/$/, '');
      const res = await fetch(`${origin}/response/${channel}/${parent.ts}/U0MORGAN01`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text: 'acknowledged' }),
      });
      expect(res.status).toBe(200);
      expect(writes.splice(0)).toEqual([`slack.messages ${channel}/${parent.ts}`]);
      expect(stored().find((m) => m.ts === parent.ts)?.text).toBe('acknowledged');
    } finally {
      await standIns.close();
    }
  });

  it('forgets everything in memory (file: null), and reset() empties the store', async () => {
    let standIns = await startLocalStandIns({ directory, file: null });
    const channel = directory.channel('bookings-emergencies').id!;
    const parent = await slackClient(standIns).chat.postMessage({ channel, text: 'alert' });
    await standIns.close();
    standIns = await startLocalStandIns({ directory, file: null });
    await expect(slackClient(standIns).chat.postMessage({ channel, thread_ts: parent.ts!, text: 'reply' })).rejects.toMatchObject({
      data: { error: 'thread_not_found' },
    });
    await standIns.close();

    const file = join(dir, 'reset.sqlite');
    standIns = await startLocalStandIns({ directory, file });
    await slackClient(standIns).chat.postMessage({ channel, text: 'before reset' });
    await post(standIns.tickets!.url, standIns.credentials.ticketToken, { title: 'x' });
    standIns.slack!.reset();
    standIns.tickets!.reset();
    await standIns.close();
    standIns = await startLocalStandIns({ directory, file });
    try {
      expect(standIns.slack!.messages()).toEqual([]);
      expect(standIns.slack!.channels().map((c) => c.name).sort()).toEqual(Object.values(directory.data.channels).map((c) => c.name).sort());
      expect((await post(standIns.tickets!.url, standIns.credentials.ticketToken, { title: 'y' })).body.id).toBe('SR-000001');
    } finally {
      await standIns.close();
    }
  });
});

describe('StandInStore', () => {
  for (const [name, make] of [
    ['MemoryStore', () => new MemoryStore()],
    ['SqliteStore', () => new SqliteStore(':memory:')],
  ] as const) {
    it(`${name}: lists in first-put order, replaces in place, clears by prefix, copies values`, () => {
      const store = make();
      const value = { n: 1 };
      store.put('a.x', 'k1', value);
      store.put('a.x', 'k2', { n: 2 });
      store.put('a.x', 'k1', { n: 3 });
      store.put('b', 'k', { n: 4 });
      value.n = 99;
      expect(store.list('a.x')).toEqual([{ n: 3 }, { n: 2 }]);
      expect(store.get('a.x', 'k2')).toEqual({ n: 2 });
      store.delete('a.x', 'k2');
      store.clear('a.');
      expect(store.list('a.x')).toEqual([]);
      expect(store.list('b')).toEqual([{ n: 4 }]);
      store.close();
    });
  }

  it('refuses a file written by a newer schema', async () => {
    const file = join(dir, 'newer.sqlite');
    new SqliteStore(file).close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer escalation-engine/);
  });
});
