import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { devOutboxRoutes } from '../../src/routes/dev-outbox.js';
import { Outbox } from '../../src/stand-ins/outbox.js';
import type { OutboxRecord } from '../../src/stand-ins/outbox-schema.js';

let app: FastifyInstance;
const outbox = new Outbox();

const noMentions = { users: [], userGroups: [], broadcasts: [], labels: {} };

function seed(): void {
  outbox.append({
    kind: 'email',
    escalationId: 'live-delivery:B-1',
    messageId: 'msg-1',
    from: { email: 'escalations@example.com', name: 'Escalation Engine' },
    to: [{ email: 'client@example.com', name: 'Client "Quoted" <Contact>' }],
    cc: [{ email: 'owner@example.com' }],
    bcc: [],
    subject: 'Session update <script>alert(1)</script>',
    text: 'Plain & simple',
    html: '<p class="x" title=\'single\'>Hello &amp; welcome</p><script>parent.stolen = 1</script>',
    custom_args: { escalation_id: 'live-delivery:B-1' },
    categories: ['escalation'],
  });
  outbox.append({
    kind: 'slack',
    method: 'chat.postMessage',
    escalationId: 'live-delivery:B-1',
    channel: { id: 'C0EMERG01', name: 'bookings-emergencies' },
    ts: '1732370000.000100',
    text: 'Facilitator missing <@U0OWNER01> <!here> <script>x</script> &lt;b&gt;',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'No-show <img src=x onerror=alert(1)>' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Booking* B-1 for <@U0OWNER01|booking.owner> <https://example.com/b/1?a=1&b=2|open>' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'cutoff _10:15_' }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, action_id: 'ack', style: 'primary' }] },
    ],
    mentions: { users: ['U0OWNER01'], userGroups: [], broadcasts: ['here'], labels: { U0OWNER01: '@booking.owner' } },
    metadata: { event_type: 'escalation_step', event_payload: { escalation_id: 'live-delivery:B-1' } },
  });
  outbox.append({
    kind: 'slack',
    method: 'chat.postMessage',
    channel: { id: 'C0EMERG01', name: 'bookings-emergencies' },
    ts: '1732370000.000200',
    thread_ts: '1732370000.000100',
    text: 'Resolved',
    mentions: noMentions,
  });
}

beforeAll(async () => {
  app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  await app.register(devOutboxRoutes, { outbox });
  await app.ready();
});

beforeEach(() => {
  outbox.clear();
  seed();
});

afterAll(async () => {
  await app.close();
});

describe('GET /dev/outbox', () => {
  it('lists everything newest first with all record fields', async () => {
    const res = await app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(res.statusCode).toBe(200);
    const { records } = res.json<{ records: OutboxRecord[] }>();
    expect(records.map((r) => r.kind)).toEqual(['slack', 'slack', 'email']);
    expect(records[0]).toMatchObject({ thread_ts: '1732370000.000100', mentions: noMentions });
    // The response schema must not strip the free-form parts.
    expect(records[1]).toMatchObject({
      blocks: expect.arrayContaining([expect.objectContaining({ type: 'actions' })]),
      metadata: { event_payload: { escalation_id: 'live-delivery:B-1' } },
      mentions: { labels: { U0OWNER01: '@booking.owner' } },
    });
    expect(records[2]).toMatchObject({ custom_args: { escalation_id: 'live-delivery:B-1' }, cc: [{ email: 'owner@example.com' }] });
  });

  it('filters by escalation and kind, and validates the query', async () => {
    const byEscalation = await app.inject({ url: '/dev/outbox?escalationId=live-delivery%3AB-1' });
    expect(byEscalation.json<{ records: OutboxRecord[] }>().records).toHaveLength(2);
    const emails = await app.inject({ url: '/dev/outbox?kind=email' });
    expect(emails.json<{ records: OutboxRecord[] }>().records.map((r) => r.kind)).toEqual(['email']);
    const limited = await app.inject({ url: '/dev/outbox?limit=1' });
    expect(limited.json<{ records: OutboxRecord[] }>().records).toHaveLength(1);
    expect((await app.inject({ url: '/dev/outbox?kind=sms' })).statusCode).toBe(400);
  });

  it('works under the TypeBox validator compiler too', async () => {
    const typed = Fastify().withTypeProvider<TypeBoxTypeProvider>().setValidatorCompiler(TypeBoxValidatorCompiler);
    await typed.register(devOutboxRoutes, { outbox });
    const res = await typed.inject({ url: '/dev/outbox?kind=slack&limit=1' });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ records: OutboxRecord[] }>().records).toHaveLength(1);
    expect((await typed.inject({ url: '/dev/outbox?limit=0' })).statusCode).toBe(400);
    await typed.close();
  });
});

describe('GET /dev/outbox/view', () => {
  it('renders a page with a strict CSP and no script of its own', async () => {
    const res = await app.inject({ url: '/dev/outbox/view' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).not.toMatch(/<script/i);
  });

  it('shows the email as received: headers, and the HTML body in a sandboxed, escaped srcdoc', async () => {
    const html = (await app.inject({ url: '/dev/outbox/view?kind=email' })).body;
    expect(html).toContain('Escalation Engine <span class="muted">&lt;escalations@example.com&gt;</span>');
    expect(html).toContain('Client &quot;Quoted&quot; &lt;Contact&gt;');
    expect(html).toContain('<dt>Cc</dt><dd>owner@example.com</dd>');
    expect(html).toContain('Session update &lt;script&gt;alert(1)&lt;/script&gt;');
    const srcdoc = /<iframe[^>]*\bsandbox=""[^>]*\bsrcdoc="([^"]*)"/.exec(html)?.[1];
    expect(srcdoc).toBeDefined();
    // Decoding the attribute gives back exactly the email's HTML.
    const decoded = srcdoc!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(decoded).toBe('<p class="x" title=\'single\'>Hello &amp; welcome</p><script>parent.stolen = 1</script>');
    expect(html).toContain('<a class="esc" href="/escalations/live-delivery%3AB-1">live-delivery:B-1</a>');
  });

  it('shows Slack messages with channel, thread marker, highlighted mentions and readable blocks', async () => {
    const html = (await app.inject({ url: '/dev/outbox/view?kind=slack' })).body;
    expect(html).toContain('#bookings-emergencies');
    expect(html).toContain('↳ reply in thread <code>1732370000.000100</code>');
    expect(html).toContain('<span class="mention" title="U0OWNER01">@booking.owner</span>');
    expect(html).toContain('<span class="mention broadcast">@here</span>');
    expect(html).toContain('<strong>Booking</strong> B-1');
    expect(html).toContain('<a href="https://example.com/b/1?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">open</a>');
    expect(html).toContain('No-show &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('cutoff <em>10:15</em>');
    expect(html).toContain('<span class="btn primary" title="action_id ack">Acknowledge</span>');
    // Fallback text: Slack-escaped entities decoded once, then HTML-escaped.
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt; &lt;b&gt;');
    expect(html).toContain('<span class="esc none">no escalation</span>');
  });

  it('an edited message: its newest record shows it as it is now (buttons gone, the closing note), the older one is marked as an earlier version (issue 16 item 9)', async () => {
    outbox.append({
      kind: 'slack',
      method: 'chat.update',
      escalationId: 'live-delivery:B-1',
      channel: { id: 'C0EMERG01', name: 'bookings-emergencies' },
      ts: '1732370000.000100',
      text: 'Facilitator missing',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Facilitator missing' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Closed: escalation cancelled-provider at Mon 23 Nov, 10:15 CST' }] },
      ],
      mentions: noMentions,
    });
    const html = (await app.inject({ url: '/dev/outbox/view?kind=slack' })).body;
    const articles = html.split('<article ').slice(1);
    const versions = articles.filter((a) => a.includes('<code>1732370000.000100</code>') && !a.includes('reply in thread'));
    expect(versions).toHaveLength(2);
    const [now, before] = versions;
    expect(now).not.toContain('outdated');
    expect(now).toContain('edited <code>1732370000.000100</code>');
    expect(now).toContain('Closed: escalation cancelled-provider at Mon 23 Nov, 10:15 CST');
    expect(now).not.toContain('Acknowledge');
    expect(before).toMatch(/^class="item slack outdated"/);
    expect(before).toContain('earlier version: edited since');
    // The reply was never edited: no marker.
    expect(articles.find((a) => a.includes('reply in thread'))).not.toContain('outdated');
  });

  it('shows a tracking row with its fields escaped and its links', async () => {
    outbox.append({
      kind: 'tracking-row',
      escalationId: 'tech-incident:login-502',
      rowId: 'TC-000007',
      list: 'technical-cases',
      title: 'login-502 #7: GRV-<b>7</b>',
      fields: { ticket: 'GRV-<b>7</b>', customerEmail: 'kunde7@example.org', errorCode: null },
      url: 'http://127.0.0.1:4000/rows/TC-000007',
      listUrl: 'http://127.0.0.1:4000/rows?problemKey=login-502',
    });
    const html = (await app.inject({ url: '/dev/outbox/view?kind=tracking-row' })).body;
    expect(html).toContain('<code>TC-000007</code> login-502 #7: GRV-&lt;b&gt;7&lt;/b&gt;');
    expect(html).toContain('<tr><th>customerEmail</th><td>kunde7@example.org</td></tr>');
    expect(html).not.toContain('<th>errorCode</th>');
    expect(html).toContain('<a href="http://127.0.0.1:4000/rows?problemKey=login-502">list</a>');
    const listed = (await app.inject({ url: '/dev/outbox?kind=tracking-row' })).json<{ records: OutboxRecord[] }>().records;
    expect(listed.map((r) => r.kind)).toEqual(['tracking-row']);
  });

  it('auto-refreshes only on request and keeps the filters in the form', async () => {
    const plain = (await app.inject({ url: '/dev/outbox/view' })).body;
    expect(plain).not.toContain('http-equiv="refresh"');
    const html = (await app.inject({ url: '/dev/outbox/view?refresh=5&escalationId=%22%3E%3Cx' })).body;
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('value="&quot;&gt;&lt;x"');
    expect(html).toContain('Nothing received yet.');
  });
});
