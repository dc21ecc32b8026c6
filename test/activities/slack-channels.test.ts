// createEscalationChannel against the Slack stand-in with the real WebClient: the name rules, name
// collisions, members from the directory, and one channel per escalation however often it runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { RATE_LIMITED, TRANSIENT_DELIVERY_FAILURE } from '../../activities/failures.js';
import {
  CHANNEL_NAME_MAX,
  channelBaseName,
  channelCandidate,
  escalationMarker,
  slugForChannel,
  type CreateEscalationChannelInput,
} from '../../activities/slack-channels.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { createClients } from '../../src/worker.js';
import { link, slack } from '../../workflows/kit/slack-text.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { expectPermanent, expectRetryable, failureOf, runAttempt, setSlackTimeout } from './helpers.js';

let standIns: StandIns;
let directory: Directory;
let acts: Activities;
let templates: TemplateCatalog;

const BOT = 'U0STANDBOT';
let seq = 0;
const escalationId = () => `account-escalation:ACME-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  const example = await loadExampleDirectory();
  // The stand-in knows the example directory's people; the activities' directory also has someone
  // without a Slack id and someone whose Slack account is gone.
  standIns = await startStandIns(example);
  const data = structuredClone(example.data);
  data.people['account-manager'] = { name: 'Avery Manager', email: 'avery.manager@example.com' };
  data.people['former-lead'] = { name: 'Former Lead', email: 'former.lead@example.com', slackUserId: 'U0GONE0001' };
  directory = parseDirectory(data);
  templates = await TemplateCatalog.load();
  acts = createActivities({ ...createClients(standIns.providers), directory, templates });
});

afterAll(async () => {
  await standIns?.close();
});

beforeEach(() => {
  standIns.slack.reset();
});

const input = (overrides: Partial<CreateEscalationChannelInput> = {}): CreateEscalationChannelInput => ({
  escalationId: escalationId(),
  accountName: 'ACME Corp',
  memberPeople: ['booking-owner', 'portfolio-team-lead'],
  ...overrides,
});

const channelNamed = (name: string) => standIns.slack.channels().find((c) => c.name === name);
const escChannels = () => standIns.slack.channels().filter((c) => c.name.startsWith('esc-'));

describe('channel names', () => {
  it.each([
    ['ACME Corp', 'acme-corp'],
    ['Müller & Söhne GmbH (EMEA)', 'muller-sohne-gmbh-emea'],
    ['Straße 42 — Büro', 'strasse-42-buro'],
    ['  --Big___Co.--  ', 'big_co'],
    ['a - _ b', 'a-b'],
    ['ÆON.io', 'aeon-io'],
  ])('%s -> %s', (name, slug) => {
    expect(slugForChannel(name)).toBe(slug);
  });

  it('prefix, fallback to the escalation id, and at most 80 characters with any suffix', () => {
    expect(channelBaseName('ACME Corp', 'x')).toBe('esc-acme-corp');
    expect(channelBaseName('株式会社', 'account-escalation:ACME-1')).toBe('esc-account-escalation-acme-1');
    expect(channelBaseName('ACME', 'x', '')).toBe('acme');
    const long = channelBaseName('Very Long Account Name '.repeat(10), 'x');
    expect(long.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(long).toMatch(/^esc-[a-z0-9_-]+[a-z0-9]$/);
    for (const n of [2, 10, 50]) {
      const candidate = channelCandidate(long, n);
      expect(candidate.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
      expect(candidate.endsWith(`-${n}`)).toBe(true);
      expect(candidate).not.toMatch(/--/);
    }
  });
});

describe('createEscalationChannel', () => {
  it('creates esc-<account>, tags it with the escalation id, invites people and group members', async () => {
    const i = input({
      accountName: 'Müller & Söhne GmbH',
      memberPeople: ['booking-owner', 'on-call-lead', 'account-manager'],
      memberGroups: ['on-call'],
      topic: slack`MRR $12,400 · CRM https://crm.example.com/accounts/42 · case 1234`,
    });
    const ch = await runAttempt(acts.createEscalationChannel, i);
    expect(ch).toMatchObject({ name: 'esc-muller-sohne-gmbh', created: true });
    // on-call-lead is both named and in the group: invited once.
    expect(ch.members).toEqual(['U0MORGAN01', 'U0CASEY001', 'U0JAMIE001']);
    expect(ch.notInvited).toEqual([{ person: 'account-manager', reason: 'no slackUserId in the directory' }]);
    const channel = channelNamed('esc-muller-sohne-gmbh');
    expect(channel?.id).toBe(ch.channelId);
    expect(channel?.members.sort()).toEqual([BOT, 'U0CASEY001', 'U0JAMIE001', 'U0MORGAN01'].sort());
    const [info] = standIns.slack.calls('conversations.setPurpose');
    expect(info?.args.purpose).toBe(`Escalation: Müller &amp; Söhne GmbH ${escalationMarker(i.escalationId)}`);
    expect(standIns.slack.calls('conversations.setTopic')[0]?.args.topic).toBe(i.topic!.mrkdwn);
    expect(standIns.slack.calls('conversations.invite')).toHaveLength(3);
  });

  // Issue 17 item 16: Slack renders mentions and links in topics and purposes, so an account name is data there too.
  const NAME = 'Sales & Service Leads <EMEA> <!channel>';
  const ESCAPED = 'Sales &amp; Service Leads &lt;EMEA&gt; &lt;!channel&gt;';

  it('an account name with mrkdwn is escaped in the purpose and the topic; only the engine\'s own link stays a link', async () => {
    const i = input({
      accountName: NAME,
      memberPeople: ['booking-owner'],
      topic: slack`Escalation ${NAME}: MRR $9,000, ${link('https://crm.example.com/a/7', 'CRM')}, case pending`,
    });
    // As a worker gets it: Temporal's JSON converter carries the SlackText as a plain { mrkdwn }.
    const ch = await runAttempt(acts.createEscalationChannel, JSON.parse(JSON.stringify(i)) as CreateEscalationChannelInput);
    expect(ch.name).toBe('esc-sales-service-leads-emea-channel');
    expect(standIns.slack.calls('conversations.setPurpose')[0]?.args.purpose).toBe(`Escalation: ${ESCAPED} ${escalationMarker(i.escalationId)}`);
    expect(standIns.slack.calls('conversations.setTopic')[0]?.args.topic).toBe(
      `Escalation ${ESCAPED}: MRR $9,000, <https://crm.example.com/a/7|CRM>, case pending`,
    );
  });

  it('a topic scheduled as a plain string (before the activity took SlackText) is escaped as data', async () => {
    const i = input({ accountName: 'Legacy Co', topic: `Escalation ${NAME}` as never });
    await runAttempt(acts.createEscalationChannel, i);
    expect(standIns.slack.calls('conversations.setTopic')[0]?.args.topic).toBe(`Escalation ${ESCAPED}`);
  });

  it('a long escaped purpose or topic is cut at 250 characters without splitting an entity or a link', async () => {
    const long = '&'.repeat(300);
    const i = input({ accountName: long, topic: slack`${'x'.repeat(240)}${link('https://crm.example.com/a/7', 'CRM')}` });
    await runAttempt(acts.createEscalationChannel, i);
    const purpose = String(standIns.slack.calls('conversations.setPurpose')[0]?.args.purpose);
    const topic = String(standIns.slack.calls('conversations.setTopic')[0]?.args.topic);
    expect(purpose.length).toBeLessThanOrEqual(250);
    expect(purpose).toMatch(/^Escalation: (&amp;)+… \[escalation:/);
    expect(topic).toBe(`${'x'.repeat(240)}…`);
  });

  it('a private channel on request', async () => {
    const ch = await runAttempt(acts.createEscalationChannel, input({ isPrivate: true }));
    expect(standIns.slack.channels().find((c) => c.id === ch.channelId)?.isPrivate).toBe(true);
  });

  it('name taken by another channel (even an archived one): the next free numeric suffix', async () => {
    standIns.slack.addChannel({ name: 'esc-acme-corp', purpose: 'Someone else’s channel' });
    standIns.slack.addChannel({ name: 'esc-acme-corp-2', isArchived: true });
    standIns.slack.addChannel({ name: 'esc-acme-corp-3', isPrivate: true, isMember: false }); // invisible to the bot
    const ch = await runAttempt(acts.createEscalationChannel, input());
    expect(ch).toMatchObject({ name: 'esc-acme-corp-4', created: true });
    expect(standIns.slack.calls('conversations.create').map((c) => [c.args.name, c.error ?? 'ok'])).toEqual([
      ['esc-acme-corp', 'name_taken'],
      ['esc-acme-corp-2', 'name_taken'],
      ['esc-acme-corp-3', 'name_taken'],
      ['esc-acme-corp-4', 'ok'],
    ]);
  });

  it('a new account: one conversations.create, no listing of the workspace (conversations.list pages through every channel)', async () => {
    for (let i = 0; i < 250; i++) standIns.slack.addChannel({ name: `team-${i}` });
    const ch = await runAttempt(acts.createEscalationChannel, input({ accountName: 'Fresh Account Ltd' }));
    expect(ch).toMatchObject({ name: 'esc-fresh-account-ltd', created: true });
    expect(standIns.slack.calls('conversations.list')).toHaveLength(0);
    expect(standIns.slack.calls('conversations.create').map((c) => c.args.name)).toEqual(['esc-fresh-account-ltd']);
  });

  it('two escalations for the same account get two channels', async () => {
    const a = await runAttempt(acts.createEscalationChannel, input());
    const b = await runAttempt(acts.createEscalationChannel, input());
    expect([a.name, b.name]).toEqual(['esc-acme-corp', 'esc-acme-corp-2']);
  });

  it('runs again for the same escalation (a retry, a reset workflow): the same channel, not a new one', async () => {
    const i = input();
    const first = await runAttempt(acts.createEscalationChannel, i, 1);
    const again = await runAttempt(acts.createEscalationChannel, { ...i, memberPeople: [...i.memberPeople, 'desk-agent'] }, 2);
    expect(again).toMatchObject({ channelId: first.channelId, name: first.name, created: false });
    // Members are (re-)invited: already there is fine, the new one joins.
    expect(again.members).toEqual(['U0MORGAN01', 'U0RILEY001', 'U0SAMDESK1']);
    expect(escChannels()).toHaveLength(1);
    expect(standIns.slack.calls('conversations.setPurpose')).toHaveLength(1);
  });

  it('reuses its suffixed channel when the account’s base name belongs to someone else', async () => {
    standIns.slack.addChannel({ name: 'esc-acme-corp' });
    const i = input();
    const first = await runAttempt(acts.createEscalationChannel, i);
    const again = await runAttempt(acts.createEscalationChannel, i, 2);
    expect(first.name).toBe('esc-acme-corp-2');
    expect(again).toMatchObject({ channelId: first.channelId, created: false });
    expect(escChannels()).toHaveLength(2);
  });

  it('ambiguous failure (create accepted, answer lost): the retry adopts the untagged channel', async () => {
    const clients = createClients(standIns.providers);
    setSlackTimeout(clients.slack, 750);
    const a = createActivities({ ...clients, directory, templates });
    const i = input();
    const scheduledAt = Date.now();
    standIns.slack.failNext('conversations.create', { acceptThenHang: 5000 });
    const failure = await failureOf(runAttempt(a.createEscalationChannel, i, 1, scheduledAt));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(escChannels()).toHaveLength(1); // made, but never tagged
    const ch = await runAttempt(a.createEscalationChannel, i, 2, scheduledAt);
    expect(ch).toMatchObject({ name: 'esc-acme-corp', created: false });
    expect(escChannels()).toHaveLength(1);
    expect(standIns.slack.calls('conversations.setPurpose')[0]?.args.purpose).toContain(escalationMarker(i.escalationId));
  });

  it('an untagged channel of the same name that this bot made before the activity was scheduled is not adopted', async () => {
    standIns.slack.addChannel({ name: 'esc-acme-corp' }); // made by the bot, no purpose
    const i = input();
    // A retry of an activity first scheduled 10 minutes after that channel was made (beyond the clock margin).
    const ch = await runAttempt(acts.createEscalationChannel, i, 2, Date.now() + 10 * 60_000);
    expect(ch.name).toBe('esc-acme-corp-2');
  });

  it('429 on create: retry after Retry-After, then one channel', async () => {
    const i = input();
    standIns.slack.failNext('conversations.create', { status: 429, retryAfter: 2 });
    expectRetryable(await failureOf(runAttempt(acts.createEscalationChannel, i, 1)), RATE_LIMITED.slack, '2s');
    const ch = await runAttempt(acts.createEscalationChannel, i, 2);
    expect(ch.created).toBe(true);
    expect(escChannels()).toHaveLength(1);
  });

  it('500 on invite after the channel was made: the retry reuses the channel and finishes the invites', async () => {
    const i = input();
    standIns.slack.failNext('conversations.invite', { status: 500 });
    expectRetryable(await failureOf(runAttempt(acts.createEscalationChannel, i, 1)), TRANSIENT_DELIVERY_FAILURE);
    const ch = await runAttempt(acts.createEscalationChannel, i, 2);
    expect(ch.created).toBe(false);
    expect(escChannels()).toHaveLength(1);
    expect(escChannels()[0]?.members.sort()).toEqual([BOT, 'U0MORGAN01', 'U0RILEY001'].sort());
  });

  it('a member whose Slack account is gone is reported, the others are invited', async () => {
    const ch = await runAttempt(acts.createEscalationChannel, input({ memberPeople: ['former-lead', 'booking-owner'] }));
    expect(ch.members).toEqual(['U0MORGAN01']);
    expect(ch.notInvited).toEqual([{ person: 'former-lead', reason: 'Slack answered user_not_found' }]);
  });

  it('permanent: Slack refuses channel creation (restricted_action)', async () => {
    standIns.slack.failNext('conversations.create', { error: 'restricted_action' });
    const failure = await failureOf(runAttempt(acts.createEscalationChannel, input()));
    expectPermanent(failure, "Slack channel for 'ACME Corp': Slack answered restricted_action");
  });

  it('permanent: an unknown group in the directory, before anything is created', async () => {
    const failure = await failureOf(runAttempt(acts.createEscalationChannel, input({ memberGroups: ['no-such-group'] })));
    expectPermanent(failure, "unknown group 'no-such-group'");
    expect(standIns.slack.calls('conversations.create')).toHaveLength(0);
  });
});
