import {
  ErrorCode,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type ChatPostMessageResponse,
  type Logger,
} from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/stand-ins/outbox.js';
import { startSlackStandIn, type SlackStandIn } from '../../src/stand-ins/slack.js';

const TOKEN = 'xoxb-stand-in-test';

let slack: SlackStandIn;
let outbox: Outbox;
let client: WebClient;

// WebClient logs Slack's warnings and [ERROR] messages; the tests assert on them instead.
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

const makeClient = (token = TOKEN, extra: ConstructorParameters<typeof WebClient>[1] = {}) =>
  new WebClient(token, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
    ...extra,
  });

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  outbox = new Outbox();
  slack = await startSlackStandIn({
    token: TOKEN,
    outbox,
    channels: [
      { id: 'C0EMERG01', name: 'bookings-emergencies' },
      { id: 'C0SUCCESS', name: 'customer-success' },
      { id: 'C0PRIVATE', name: 'finance-approvals', isPrivate: true },
      { id: 'C0OUTSIDE', name: 'random', isMember: false },
    ],
    users: [
      { id: 'U0OWNER01', name: 'booking.owner', email: 'owner@example.com', realName: 'Booking Owner' },
      { id: 'U0LEAD001', name: 'team.lead', email: 'lead@example.com' },
      { id: 'U0BACKUP1', name: 'backup' },
    ],
    userGroups: [{ id: 'S0ONCALL1', handle: 'oncall', users: ['U0LEAD001'] }],
  });
  client = makeClient();
});

afterEach(() => {
  slack.reset();
  outbox.clear();
});

afterAll(async () => {
  await slack.close();
});

describe('Slack stand-in with the real WebClient', () => {
  it('answers auth.test with the bot identity and the url ends in /api/', async () => {
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: slack.botUserId, team_id: slack.teamId, bot_id: expect.any(String) });
    expect(res.response_metadata?.scopes).toContain('chat:write');
  });

  it('posts a message with blocks and metadata, returns a Slack-shaped ts and records it in the outbox', async () => {
    const res = await client.chat.postMessage({
      channel: 'C0EMERG01',
      text: 'Facilitator missing for booking B-1 <@U0OWNER01> <!subteam^S0ONCALL1> <!here>',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Facilitator no-show' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Booking* B-1, owner <@U0OWNER01>' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Cutoff 10:15' }] },
      ],
      metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'live-delivery:B-1', step: 'tag-owner' } },
    });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('C0EMERG01');
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(res.message).toMatchObject({
      type: 'message',
      user: slack.botUserId,
      ts: res.ts,
      metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'live-delivery:B-1' } },
    });

    const [record] = outbox.list({ kind: 'slack' });
    expect(record).toMatchObject({
      kind: 'slack',
      method: 'chat.postMessage',
      escalationId: 'live-delivery:B-1',
      channel: { id: 'C0EMERG01', name: 'bookings-emergencies' },
      ts: res.ts,
      mentions: {
        users: ['U0OWNER01'],
        userGroups: ['S0ONCALL1'],
        broadcasts: ['here'],
        labels: { U0OWNER01: '@booking.owner', S0ONCALL1: '@oncall' },
      },
    });
    expect(record?.blocks).toHaveLength(3);
    expect(slack.messages('#bookings-emergencies')).toHaveLength(1);
  });

  it('hands out unique, increasing ts values', async () => {
    const results: ChatPostMessageResponse[] = [];
    for (let i = 0; i < 5; i += 1) results.push(await client.chat.postMessage({ channel: 'C0EMERG01', text: `n${i}` }));
    const ts = results.map((r) => r.ts!);
    expect(new Set(ts).size).toBe(5);
    expect([...ts].sort()).toEqual(ts);
  });

  it('accepts a channel by #name and threads replies (unknown thread_ts is thread_not_found)', async () => {
    const parent = await client.chat.postMessage({
      channel: '#bookings-emergencies',
      text: 'parent',
      metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'esc-9' } },
    });
    const reply = await client.chat.postMessage({ channel: 'C0EMERG01', thread_ts: parent.ts!, text: 'resolved ✅' });
    expect(reply.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: slack.botUserId });
    // The reply has no metadata of its own and still belongs to the escalation.
    expect(outbox.list({ escalationId: 'esc-9' }).map((r) => r.kind === 'slack' && r.thread_ts)).toEqual([parent.ts, undefined]);

    const replies = await client.conversations.replies({ channel: 'C0EMERG01', ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'resolved ✅']);
    expect(replies.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: reply.ts });

    const err = await rejection(client.chat.postMessage({ channel: 'C0EMERG01', thread_ts: '1111111111.000001', text: 'x' }));
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('thread_not_found');
    // A thread_ts from another channel does not exist in this one either.
    const elsewhere = await rejection(client.chat.postMessage({ channel: 'C0SUCCESS', thread_ts: parent.ts!, text: 'x' }));
    expect((elsewhere as WebAPIPlatformError).data.error).toBe('thread_not_found');
  });

  it('updates a message and records the update', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0EMERG01',
      text: 'Waiting for ack',
      metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'esc-u' } },
    });
    const updated = await client.chat.update({ channel: 'C0EMERG01', ts: posted.ts!, text: 'Acknowledged by <@U0LEAD001>' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0EMERG01', ts: posted.ts, text: 'Acknowledged by <@U0LEAD001>' });
    expect(updated.message?.edited).toBeDefined();
    const [latest] = outbox.list({ escalationId: 'esc-u' });
    expect(latest).toMatchObject({ method: 'chat.update', ts: posted.ts, mentions: { users: ['U0LEAD001'] } });

    const missing = await rejection(client.chat.update({ channel: 'C0EMERG01', ts: '1111111111.000001', text: 'x' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('returns history newest first with metadata only when include_all_metadata is set, honouring oldest and limit', async () => {
    const first = await client.chat.postMessage({
      channel: 'C0SUCCESS',
      text: 'one',
      metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'esc-h', n: 1 } },
    });
    const parentOfThread = await client.chat.postMessage({ channel: 'C0SUCCESS', text: 'two' });
    await client.chat.postMessage({ channel: 'C0SUCCESS', text: 'in thread', thread_ts: parentOfThread.ts! });
    await client.chat.postMessage({ channel: 'C0SUCCESS', text: 'three' });

    const all = await client.conversations.history({ channel: 'C0SUCCESS', include_all_metadata: true });
    expect(all.messages?.map((m) => m.text)).toEqual(['three', 'two', 'one']); // replies stay in their thread
    expect(all.messages?.[2]?.metadata).toEqual({ event_type: 'escalation_step', event_payload: { escalation_id: 'esc-h', n: 1 } });
    expect(all.messages?.[1]).toMatchObject({ reply_count: 1, thread_ts: parentOfThread.ts });

    const plain = await client.conversations.history({ channel: 'C0SUCCESS' });
    expect(plain.messages?.[2]?.metadata).toBeUndefined();

    const newer = await client.conversations.history({ channel: 'C0SUCCESS', oldest: first.ts!, limit: 1 });
    expect(newer.messages?.map((m) => m.text)).toEqual(['three']);
    expect(newer.has_more).toBe(true);
    const next = await client.conversations.history({
      channel: 'C0SUCCESS',
      oldest: first.ts!,
      limit: 1,
      cursor: newer.response_metadata!.next_cursor!,
    });
    expect(next.messages?.map((m) => m.text)).toEqual(['two']);
    expect(next.has_more).toBe(false);
  });

  it('opens a DM and posts to it', async () => {
    const opened = await client.conversations.open({ users: 'U0LEAD001' });
    const id = opened.channel?.id;
    expect(id).toMatch(/^D/);
    const again = await client.conversations.open({ users: 'U0LEAD001' });
    expect(again).toMatchObject({ already_open: true, channel: { id } });

    await client.chat.postMessage({ channel: id!, text: 'Please call the backup' });
    const [record] = outbox.list({ kind: 'slack' });
    expect(record?.channel).toEqual({ id, name: '@team.lead' });

    const unknown = await rejection(client.conversations.open({ users: 'U0NOBODY1' }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('user_not_found');
  });

  it('creates a channel with Slack name rules, invites people, and a joined channel can be posted to', async () => {
    const created = await client.conversations.create({ name: 'acct-escalation-acme' });
    const id = created.channel!.id!;
    expect(created.channel).toMatchObject({ name: 'acct-escalation-acme', is_channel: true, is_member: true, is_private: false });

    const invited = await client.conversations.invite({ channel: id, users: 'U0OWNER01,U0LEAD001' });
    expect(invited.ok).toBe(true);
    expect(slack.channels().find((c) => c.id === id)?.members).toEqual(expect.arrayContaining(['U0OWNER01', 'U0LEAD001']));
    const again = await rejection(client.conversations.invite({ channel: id, users: 'U0OWNER01' }));
    expect((again as WebAPIPlatformError).data.error).toBe('already_in_channel');

    const errors: Record<string, string> = {
      'acct-escalation-acme': 'name_taken',
      'Acct-Escalation': 'invalid_name_specials',
      'has space': 'invalid_name_specials',
      '---': 'invalid_name_punctuation',
      [`x${'y'.repeat(80)}`]: 'invalid_name_maxlength',
    };
    for (const [name, code] of Object.entries(errors)) {
      const err = await rejection(client.conversations.create({ name }));
      expect((err as WebAPIPlatformError).data.error, name).toBe(code);
    }

    const notIn = await rejection(client.chat.postMessage({ channel: 'C0OUTSIDE', text: 'hi' }));
    expect((notIn as WebAPIPlatformError).data.error).toBe('not_in_channel');
    await client.conversations.join({ channel: 'C0OUTSIDE' });
    await expect(client.chat.postMessage({ channel: 'C0OUTSIDE', text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  it('looks up users and permalinks', async () => {
    const byEmail = await client.users.lookupByEmail({ email: 'owner@example.com' });
    expect(byEmail.user).toMatchObject({ id: 'U0OWNER01', name: 'booking.owner', profile: { email: 'owner@example.com' } });
    const info = await client.users.info({ user: 'U0LEAD001' });
    expect(info.user?.name).toBe('team.lead');
    const none = await rejection(client.users.lookupByEmail({ email: 'nobody@example.com' }));
    expect((none as WebAPIPlatformError).data.error).toBe('users_not_found');

    const posted = await client.chat.postMessage({ channel: 'C0EMERG01', text: 'link me' });
    const link = await client.chat.getPermalink({ channel: 'C0EMERG01', message_ts: posted.ts! });
    expect(link.permalink).toBe(`https://stand-in.slack.com/archives/C0EMERG01/p${posted.ts!.replace('.', '')}`);
  });

  it('answers bad or missing tokens with invalid_auth / not_authed', async () => {
    const bad = await rejection(makeClient('xoxb-wrong').chat.postMessage({ channel: 'C0EMERG01', text: 'x' }));
    expect(bad).toBeInstanceOf(WebAPIPlatformError);
    expect((bad as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
    expect((bad as WebAPIPlatformError).data.error).toBe('invalid_auth');

    const missing = await rejection(makeClient('').auth.test()); // no Authorization header at all
    expect((missing as WebAPIPlatformError).data.error).toBe('not_authed');
    expect(outbox.size).toBe(0);
  });

  it('rejects what Slack rejects: unknown channels, archived channels, empty messages, bad blocks, unknown methods', async () => {
    const cases: [Promise<unknown>, string][] = [
      [client.chat.postMessage({ channel: 'C0MISSING', text: 'x' }), 'channel_not_found'],
      [client.chat.postMessage({ channel: '#no-such-channel', text: 'x' }), 'channel_not_found'],
      [client.chat.postMessage({ channel: 'C0EMERG01', text: '' }), 'no_text'],
      [client.chat.postMessage({ channel: 'C0EMERG01', text: 'x', blocks: [{ type: 'section' }] as never }), 'invalid_blocks'],
      [client.chat.postMessage({ channel: 'C0EMERG01', text: 'x', metadata: { event_type: 'x' } as never }), 'invalid_metadata_schema'],
      [client.conversations.history({ channel: '' }), 'invalid_arguments'],
      [client.apiCall('chat.scheduleMessage', { channel: 'C0EMERG01', text: 'x', post_at: 1 }), 'unknown_method'],
    ];
    for (const [promise, code] of cases) {
      const err = await rejection(promise);
      expect(err, code).toBeInstanceOf(WebAPIPlatformError);
      expect((err as WebAPIPlatformError).data.error).toBe(code);
    }
    const blocks = await rejection(client.chat.postMessage({ channel: 'C0EMERG01', text: 'x', blocks: [{ type: 'section' }] as never }));
    expect((blocks as WebAPIPlatformError).data.response_metadata?.messages?.[0]).toMatch(/^\[ERROR\] .*json-pointer:\/blocks\/0/);

    slack.archiveChannel('customer-success');
    const archived = await rejection(client.chat.postMessage({ channel: 'C0SUCCESS', text: 'x' }));
    expect((archived as WebAPIPlatformError).data.error).toBe('is_archived');
    expect(outbox.size).toBe(0);
  });

  it('also accepts JSON bodies with the token in the Authorization header', async () => {
    const response = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0EMERG01', text: 'json', metadata: { event_type: 'e', event_payload: { escalation_id: 'esc-json' } } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0EMERG01' });
    expect(outbox.list({ escalationId: 'esc-json' })).toHaveLength(1);
  });
});

describe('Slack stand-in failure switches', () => {
  it('429 with Retry-After becomes WebAPIRateLimitedError carrying retryAfter, and nothing is posted', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await rejection(client.chat.postMessage({ channel: 'C0EMERG01', text: 'x' }));
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(slack.messages()).toHaveLength(0);
    // Only the next call failed.
    await expect(client.chat.postMessage({ channel: 'C0EMERG01', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('500 becomes WebAPIHTTPError; failures can repeat and target any method', async () => {
    slack.failNext('*', { status: 500 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const err = await rejection(client.auth.test());
      expect(err).toBeInstanceOf(WebAPIHTTPError);
      expect((err as WebAPIHTTPError).statusCode).toBe(500);
    }
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(slack.calls('auth.test').map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('{ error } answers ok:false with that code', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const err = await rejection(client.chat.postMessage({ channel: 'C0EMERG01', text: 'x' }));
    expect((err as WebAPIPlatformError).data.error).toBe('channel_not_found');
    expect(slack.messages()).toHaveLength(0);
  });

  it('acceptThenHang posts the message but answers too late for the caller (the ambiguous failure)', async () => {
    slack.failNext('chat.postMessage', { acceptThenHang: 2_000 });
    const impatient = makeClient(TOKEN, { timeout: 200 });
    const started = Date.now();
    const err = await rejection(
      impatient.chat.postMessage({
        channel: 'C0EMERG01',
        text: 'did this arrive?',
        metadata: { event_type: 'e', event_payload: { escalation_id: 'esc-hang' } },
      }),
    );
    expect(err).toBeInstanceOf(WebAPIRequestError);
    expect(Date.now() - started).toBeLessThan(1_500);
    // ... yet the message is there.
    await expect(outbox.waitFor((r) => r.escalationId === 'esc-hang', 1_000)).resolves.toMatchObject({ text: 'did this arrive?' });
    expect(slack.messages('C0EMERG01').map((m) => m.text)).toEqual(['did this arrive?']);
  });
});
