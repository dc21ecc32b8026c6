// The Slack activities with the real WebClient (createClients: its own retries off) against the Slack
// stand-in: what lands in Slack, and how each failure is handed to Temporal (permanent, or retry
// with the right delay) without double posts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { RATE_LIMITED, TRANSIENT_DELIVERY_FAILURE } from '../../activities/failures.js';
import { ACTIONS_BLOCK_ID, parseButtonValue, type SlackBlock, type SlackButton } from '../../activities/slack-blocks.js';
import type { Directory } from '../../src/directory.js';
import { createClients } from '../../src/worker.js';
import { postedText, slack } from '../../workflows/kit/slack-text.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { deadUrl, expectPermanent, expectRetryable, failureOf, runAttempt, setSlackTimeout } from './helpers.js';

let standIns: StandIns;
let directory: Directory;
let templates: TemplateCatalog;
let acts: Activities;

const EMERG = 'C0BOOKEMERG'; // the directory's bookings-emergencies channel
let seq = 0;
const escalationId = () => `live-delivery:B-${Date.now().toString(36)}-${++seq}`;

function activities(overrides: Partial<Parameters<typeof createClients>[0]['slack']> = {}): Activities {
  const clients = createClients({ ...standIns.providers, slack: { ...standIns.providers.slack, ...overrides } });
  return createActivities({ ...clients, directory, templates });
}

beforeAll(async () => {
  directory = await loadExampleDirectory();
  templates = await TemplateCatalog.load();
  standIns = await startStandIns(directory);
  acts = activities();
});

afterAll(async () => {
  await standIns?.close();
});

beforeEach(() => {
  standIns.slack.reset();
});

const alert = (id = escalationId()) => ({
  escalationId: id,
  step: 'alert',
  target: { channel: 'bookings-emergencies' },
  text: slack`:rotating_light: @{booking-owner} facilitator no-show, @{group:on-call} and @{here} please look`,
});

describe('posting', () => {
  it('posts to a directory channel with mentions resolved and the idempotency key in the metadata', async () => {
    const input = alert();
    const posted = await runAttempt(acts.postSlackMessage, input);
    expect(posted).toMatchObject({ channel: EMERG, deduplicated: false });
    expect(posted.mentions).toEqual(['<@U0MORGAN01>', '<!subteam^S0ONCALL01>', '<!here>']);
    const [msg, ...rest] = standIns.slack.messages(EMERG);
    expect(rest).toHaveLength(0);
    expect(msg?.ts).toBe(posted.ts);
    expect(msg?.text).toBe(':rotating_light: <@U0MORGAN01> facilitator no-show, <!subteam^S0ONCALL01> and <!here> please look');
    expect(msg?.blocks).toBeUndefined();
    expect(msg?.metadata).toEqual({
      event_type: 'escalation_step',
      event_payload: { key: `${input.escalationId}/alert`, escalation_id: input.escalationId, step: 'alert' },
    });
  });

  // Issue 17 item 16: the activity takes SlackText (made by slack``), so a value reaches Slack only escaped.
  it('a session title with mrkdwn, sent as the worker gets it (SlackText as { mrkdwn }), is shown as typed and pings nobody', async () => {
    const title = 'Sales & Service Leads <EMEA> <!channel>';
    const input = { ...alert(), text: slack`:rotating_light: @{booking-owner} please respond: "${title}" has a problem` };
    await runAttempt(acts.postSlackMessage, JSON.parse(JSON.stringify(input)) as typeof input);
    const [msg] = standIns.slack.messages(EMERG);
    expect(msg?.text).toBe(':rotating_light: <@U0MORGAN01> please respond: "Sales &amp; Service Leads &lt;EMEA&gt; &lt;!channel&gt;" has a problem');
  });

  it('posts Block Kit blocks with the text as fallback, mentions resolved in the blocks too', async () => {
    const input = {
      ...alert(),
      text: slack`Facilitator no-show for @{booking-owner}`,
      blocks: <SlackBlock[]>[
        { type: 'header', text: { type: 'plain_text', text: 'Facilitator no-show (@{booking-owner})' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Owner:* @{booking-owner}\n*On call:* @{group:on-call}' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Session*\nLeading Essentials' }, { type: 'mrkdwn', text: '*Start*\n11 AM CT' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Reported by @{desk-agent}' }] },
      ],
    };
    const posted = await runAttempt(acts.postSlackMessage, input);
    const [msg] = standIns.slack.messages(EMERG);
    expect(msg?.text).toBe('Facilitator no-show for <@U0MORGAN01>');
    expect(msg?.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Facilitator no-show (Morgan Owner)' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Owner:* <@U0MORGAN01>\n*On call:* <!subteam^S0ONCALL01>' } },
      input.blocks[2],
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Reported by <@U0SAMDESK1>' }] },
    ]);
    expect(posted.mentions).toEqual(['<@U0MORGAN01>', '<!subteam^S0ONCALL01>', '<@U0SAMDESK1>']);
    // The caller's blocks are not modified (workflow inputs are reused on retries).
    expect(input.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Facilitator no-show (@{booking-owner})' } });
  });

  it('replies in a thread', async () => {
    const id = escalationId();
    const parent = await runAttempt(acts.postSlackMessage, alert(id));
    const reply = await runAttempt(acts.postSlackMessage, { ...alert(id), step: 'outcome', text: slack`Resolved`, threadTs: parent.ts });
    const messages = standIns.slack.messages(EMERG);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ ts: reply.ts, thread_ts: parent.ts, text: 'Resolved' });
  });

  it('sends a DM to a directory person', async () => {
    const posted = await runAttempt(acts.postSlackMessage, {
      escalationId: escalationId(),
      step: 'follow-up',
      target: { dm: 'booking-owner' },
      text: slack`Your booking had a facilitator no-show; see the thread.`,
    });
    expect(posted.channel).toMatch(/^D/);
    const dm = standIns.slack.channels().find((c) => c.id === posted.channel);
    expect(dm).toMatchObject({ isIm: true, user: 'U0MORGAN01' });
    expect(standIns.slack.messages(posted.channel)).toHaveLength(1);
  });

  it('posts to a channel given by Slack id (e.g. an escalation channel)', async () => {
    const created = standIns.slack.addChannel({ name: 'esc-example' });
    const posted = await runAttempt(acts.postSlackMessage, { ...alert(), target: { channel: created.id }, text: slack`Kick-off` });
    expect(posted.channel).toBe(created.id);
    expect(standIns.slack.messages(created.id).map((m) => m.text)).toEqual(['Kick-off']);
  });

  it('marks the original post resolved: new text, buttons gone', async () => {
    const id = escalationId();
    const posted = await runAttempt(acts.postSlackMessage, {
      ...alert(id),
      buttons: [{ event: 'owner-acknowledged', label: 'Acknowledge' }],
    });
    expect(standIns.slack.messages(EMERG)[0]?.blocks).toHaveLength(2);
    await runAttempt(acts.updateSlackMessage, { channel: posted.channel, ts: posted.ts, text: slack`:white_check_mark: Resolved by @{booking-owner}` });
    const [msg] = standIns.slack.messages(EMERG);
    expect(msg?.text).toBe(':white_check_mark: Resolved by <@U0MORGAN01>');
    expect(msg?.blocks ?? []).toEqual([]);
    expect(msg?.edited).toBeDefined();
    expect(msg?.metadata?.event_payload.escalation_id).toBe(id);
  });

  it('closes a request: same text (mentions resolved), no buttons, the note as a context line (issue 16 item 9)', async () => {
    const id = escalationId();
    const posted = await runAttempt(acts.postSlackMessage, {
      ...alert(id),
      text: slack`:telephone_receiver: @{booking-owner}: phone the facilitator`,
      buttons: [{ event: 'call-outcome', label: 'Reached', extra: { outcome: 'reached' } }],
    });
    await runAttempt(acts.updateSlackMessage, {
      channel: posted.channel,
      ts: posted.ts,
      text: slack`:telephone_receiver: @{booking-owner}: phone the facilitator`,
      note: slack`Done: call-outcome (reached) reported by desk &lt;agent&gt; at 10:15`,
      escalationId: id,
      step: 'call-1-closed',
    });
    const [msg] = standIns.slack.messages(EMERG);
    expect(msg?.text).toBe(':telephone_receiver: <@U0MORGAN01>: phone the facilitator');
    const closed = [
      { type: 'section', text: { type: 'mrkdwn', text: ':telephone_receiver: <@U0MORGAN01>: phone the facilitator' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Done: call-outcome (reached) reported by desk &lt;agent&gt; at 10:15' }] },
    ];
    expect(msg?.blocks).toEqual(closed);
    // A retried close adds its note once.
    await runAttempt(acts.updateSlackMessage, { channel: posted.channel, ts: posted.ts, text: slack`x`, note: postedText(closed[1]!.elements![0]!.text), escalationId: id, step: 'call-1-closed' }, 2);
    expect(standIns.slack.messages(EMERG)[0]?.blocks).toEqual(closed);
  });

  it('closing keeps what a button press added to the message (the "pressed" line)', async () => {
    const id = escalationId();
    const posted = await runAttempt(acts.postSlackMessage, {
      ...alert(id),
      text: slack`Phone the facilitator`,
      buttons: [{ event: 'call-outcome', label: 'Reached', extra: { outcome: 'reached' } }],
    });
    const pressed = { type: 'context', elements: [{ type: 'mrkdwn', text: ':white_check_mark: <@U0MORGAN01> pressed “Reached”' }] };
    // What the interactions handler does on a press: the pressed button out, a context line in.
    await runAttempt(acts.updateSlackMessage, {
      channel: posted.channel,
      ts: posted.ts,
      text: slack`Phone the facilitator`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Phone the facilitator' } }, pressed as SlackBlock],
    });
    await runAttempt(acts.updateSlackMessage, { channel: posted.channel, ts: posted.ts, text: slack`Phone the facilitator`, note: slack`Done at 10:15`, escalationId: id, step: 'c-closed' });
    expect(standIns.slack.messages(EMERG)[0]?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Phone the facilitator' } },
      pressed,
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Done at 10:15' }] },
    ]);
  });

  it('updates with the remaining buttons', async () => {
    const id = escalationId();
    const posted = await runAttempt(acts.postSlackMessage, {
      ...alert(id),
      buttons: [
        { event: 'owner-acknowledged', label: 'Acknowledge' },
        { event: 'resolved', label: 'Resolve' },
      ],
    });
    await runAttempt(acts.updateSlackMessage, {
      channel: posted.channel,
      ts: posted.ts,
      text: slack`Acknowledged by @{booking-owner}`,
      escalationId: id,
      buttons: [{ event: 'resolved', label: 'Resolve', style: 'primary' }],
    });
    const actions = standIns.slack.messages(EMERG)[0]?.blocks?.at(-1) as { elements: { action_id: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['escalation:resolved']);
  });
});

describe('buttons', () => {
  const buttons: SlackButton[] = [
    { event: 'owner-acknowledged', label: 'Acknowledge', style: 'primary' },
    { event: 'resolved', label: 'Resolve', confirm: { title: 'Resolve?', text: 'Close this escalation.', confirm: 'Resolve', deny: 'Cancel' } },
    { event: 'call-outcome', label: 'Reached', extra: { outcome: 'reached', callee: 'facilitator' } },
    { event: 'call-outcome', label: 'No answer', style: 'danger', extra: { outcome: 'no-answer', callee: 'facilitator' } },
  ];

  it("carry the escalation id, event type and extra fields in their value, one action_id per event", async () => {
    const id = escalationId();
    await runAttempt(acts.postSlackMessage, { ...alert(id), text: slack`Please call the facilitator, @{desk-agent}`, buttons });
    const [msg] = standIns.slack.messages(EMERG);
    expect(msg?.text).toBe('Please call the facilitator, <@U0SAMDESK1>');
    const [section, actions] = (msg?.blocks ?? []) as [
      { type: string; text: { text: string } },
      { type: string; block_id: string; elements: { type: string; action_id: string; value: string; style?: string; text: { text: string } }[] },
    ];
    // Without blocks of its own the text becomes the message's section, mentions resolved.
    expect(section).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Please call the facilitator, <@U0SAMDESK1>' } });
    expect(actions.type).toBe('actions');
    expect(actions.block_id).toBe(ACTIONS_BLOCK_ID);
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'escalation:owner-acknowledged',
      'escalation:resolved',
      'escalation:call-outcome:reached:facilitator',
      'escalation:call-outcome:no-answer:facilitator',
    ]);
    expect(actions.elements.map((e) => e.text.text)).toEqual(['Acknowledge', 'Resolve', 'Reached', 'No answer']);
    expect(actions.elements.map((e) => e.style)).toEqual(['primary', undefined, undefined, 'danger']);
    expect(actions.elements.map((e) => parseButtonValue(e.value))).toEqual([
      { escalationId: id, type: 'owner-acknowledged' },
      { escalationId: id, type: 'resolved' },
      { escalationId: id, type: 'call-outcome', extra: { outcome: 'reached', callee: 'facilitator' } },
      { escalationId: id, type: 'call-outcome', extra: { outcome: 'no-answer', callee: 'facilitator' } },
    ]);
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ escalationId: id, type: 'owner-acknowledged' });
  });

  it('follow the caller’s blocks when there are some', async () => {
    await runAttempt(acts.postSlackMessage, {
      ...alert(),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Call *Alex* on +1 555 0142' } }],
      buttons: buttons.slice(2),
    });
    const blocks = standIns.slack.messages(EMERG)[0]?.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'actions']);
  });

  it('that Slack would reject fail permanently before anything is sent (duplicate action_id)', async () => {
    const failure = await failureOf(
      runAttempt(acts.postSlackMessage, {
        ...alert(),
        buttons: [
          { event: 'call-outcome', label: 'Reached' },
          { event: 'call-outcome', label: 'No answer' },
        ],
      }),
    );
    expectPermanent(failure, "two buttons share the action_id 'escalation:call-outcome'");
    expect(standIns.slack.calls()).toHaveLength(0);
  });
});

describe('retries belong to Temporal', () => {
  it('429 then success: attempt 1 asks for Retry-After, attempt 2 posts; one message', async () => {
    const input = alert();
    const scheduledAt = Date.now();
    standIns.slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const failure = await failureOf(runAttempt(acts.postSlackMessage, input, 1, scheduledAt));
    expectRetryable(failure, RATE_LIMITED.slack, '7s');
    expect(failure.message).toContain('retry after 7s');
    const posted = await runAttempt(acts.postSlackMessage, input, 2, scheduledAt);
    expect(posted.deduplicated).toBe(false);
    expect(standIns.slack.messages(EMERG)).toHaveLength(1);
    expect(standIns.slack.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('429 on the look-up for an earlier post is retried too, still one message', async () => {
    const input = alert();
    const scheduledAt = Date.now();
    standIns.slack.failNext('chat.postMessage', { status: 500 });
    standIns.slack.failNext('conversations.history', { status: 429, retryAfter: 3 });
    expectRetryable(await failureOf(runAttempt(acts.postSlackMessage, input, 1, scheduledAt)), TRANSIENT_DELIVERY_FAILURE);
    expectRetryable(await failureOf(runAttempt(acts.postSlackMessage, input, 2, scheduledAt)), RATE_LIMITED.slack, '3s');
    await runAttempt(acts.postSlackMessage, input, 3, scheduledAt);
    expect(standIns.slack.messages(EMERG)).toHaveLength(1);
  });

  it('500 then success: retryable with backoff, then posted once', async () => {
    const input = alert();
    const scheduledAt = Date.now();
    standIns.slack.failNext('chat.postMessage', { status: 500 });
    const failure = await failureOf(runAttempt(acts.postSlackMessage, input, 1, scheduledAt));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('HTTP 500');
    await runAttempt(acts.postSlackMessage, input, 2, scheduledAt);
    expect(standIns.slack.messages(EMERG)).toHaveLength(1);
  });

  it('503 on an update is retryable', async () => {
    const posted = await runAttempt(acts.postSlackMessage, alert());
    standIns.slack.failNext('chat.update', { status: 503 });
    const update = { channel: posted.channel, ts: posted.ts, text: slack`Resolved` };
    expectRetryable(await failureOf(runAttempt(acts.updateSlackMessage, update, 1)), TRANSIENT_DELIVERY_FAILURE);
    await runAttempt(acts.updateSlackMessage, update, 2);
    expect(standIns.slack.messages(EMERG)[0]?.text).toBe('Resolved');
  });

  it("Slack's own 'try again' answers (ok:false internal_error) are retryable", async () => {
    standIns.slack.failNext('chat.postMessage', { error: 'internal_error' });
    const failure = await failureOf(runAttempt(acts.postSlackMessage, alert()));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('internal_error');
  });

  it('no answer at all (connection refused) is retryable', async () => {
    const offline = activities({ apiUrl: `${await deadUrl()}/api/` });
    const failure = await failureOf(runAttempt(offline.postSlackMessage, alert()));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('no answer from Slack');
  });
});

describe('permanent errors fail without retry, naming the Slack error', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['invalid_auth (wrong token)', () => runAttempt(activities({ token: 'xoxb-wrong' }).postSlackMessage, alert()), 'invalid_auth'],
    ['channel_not_found', () => runAttempt(acts.postSlackMessage, { ...alert(), target: { channel: 'C0NOSUCHCH' } }), 'channel_not_found'],
    [
      'not_in_channel',
      async () => {
        const outside = standIns.slack.addChannel({ name: 'not-invited', isMember: false });
        return runAttempt(acts.postSlackMessage, { ...alert(), target: { channel: outside.id } });
      },
      'not_in_channel',
    ],
    [
      'is_archived',
      async () => {
        standIns.slack.archiveChannel(EMERG);
        return runAttempt(acts.postSlackMessage, alert());
      },
      'is_archived',
    ],
    [
      'invalid_blocks (with Slack’s explanation)',
      () => runAttempt(acts.postSlackMessage, { ...alert(), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }),
      'invalid_blocks ([ERROR] must be more than 0 characters',
    ],
    ['missing_scope', async () => {
      standIns.slack.failNext('chat.postMessage', { error: 'missing_scope' });
      return runAttempt(acts.postSlackMessage, alert());
    }, 'missing_scope'],
  ];

  it.each(cases)('%s', async (_, run, slackError) => {
    const failure = await failureOf(run());
    expectPermanent(failure, `Slack post 'alert': Slack answered ${slackError}`);
    expect(failure.details?.[0]).toMatchObject({ provider: 'slack' });
    expect(standIns.slack.messages(EMERG)).toHaveLength(0);
  });

  it('an update of a message that is gone (message_not_found)', async () => {
    const failure = await failureOf(runAttempt(acts.updateSlackMessage, { channel: EMERG, ts: '1700000000.000100', text: slack`Resolved` }));
    expectPermanent(failure, 'Slack update: Slack answered message_not_found');
  });

  it('a mention of someone not in the directory', async () => {
    const failure = await failureOf(runAttempt(acts.postSlackMessage, { ...alert(), text: slack`Hello @{nobody-here}` }));
    expectPermanent(failure, "unknown person 'nobody-here'");
    expect(standIns.slack.calls()).toHaveLength(0);
  });

  it('a DM to someone not in the directory', async () => {
    const failure = await failureOf(runAttempt(acts.postSlackMessage, { ...alert(), target: { dm: 'no-such-person' } }));
    expectPermanent(failure, "unknown person 'no-such-person'");
  });
});

describe('no double post after an ambiguous failure', () => {
  const HANG_MS = 5000;
  const TIMEOUT_MS = 750;

  function hanging(): Activities {
    const clients = createClients(standIns.providers);
    setSlackTimeout(clients.slack, TIMEOUT_MS);
    return createActivities({ ...clients, directory, templates });
  }

  async function ambiguousThenRetry(input: Parameters<Activities['postSlackMessage']>[0]) {
    const a = hanging();
    const scheduledAt = Date.now();
    standIns.slack.failNext('chat.postMessage', { acceptThenHang: HANG_MS });
    const failure = await failureOf(runAttempt(a.postSlackMessage, input, 1, scheduledAt));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('no answer from Slack');
    const retried = await runAttempt(a.postSlackMessage, input, 2, scheduledAt);
    return retried;
  }

  it('in a channel: attempt 2 finds the post by its metadata and does not post again', async () => {
    const input = alert();
    const retried = await ambiguousThenRetry(input);
    expect(retried.deduplicated).toBe(true);
    const messages = standIns.slack.messages(EMERG);
    expect(messages).toHaveLength(1);
    expect(retried.ts).toBe(messages[0]?.ts);
    expect(retried.mentions).toEqual(['<@U0MORGAN01>', '<!subteam^S0ONCALL01>', '<!here>']);
    expect(standIns.slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('in a thread: found among the replies', async () => {
    const id = escalationId();
    const parent = await runAttempt(acts.postSlackMessage, alert(id));
    const retried = await ambiguousThenRetry({ ...alert(id), step: 'outcome', text: slack`Session cancelled`, threadTs: parent.ts });
    expect(retried.deduplicated).toBe(true);
    const replies = standIns.slack.messages(EMERG).filter((m) => m.thread_ts === parent.ts);
    expect(replies.map((m) => m.ts)).toEqual([retried.ts]);
  });

  it('in a DM', async () => {
    const retried = await ambiguousThenRetry({ escalationId: escalationId(), step: 'follow-up', target: { dm: 'booking-owner' }, text: slack`Timeline attached` });
    expect(retried.deduplicated).toBe(true);
    expect(standIns.slack.messages(retried.channel)).toHaveLength(1);
  });

  it('with other messages, even other steps of the same escalation, posted after it', async () => {
    const input = alert();
    const a = hanging();
    const scheduledAt = Date.now();
    standIns.slack.failNext('chat.postMessage', { acceptThenHang: HANG_MS });
    await failureOf(runAttempt(a.postSlackMessage, input, 1, scheduledAt));
    await runAttempt(acts.postSlackMessage, { ...input, step: 'reminder-1', text: slack`Reminder` });
    for (let i = 0; i < 3; i++) await runAttempt(acts.postSlackMessage, { ...alert(), text: slack`other escalation ${i}` });
    const retried = await runAttempt(a.postSlackMessage, input, 2, scheduledAt);
    expect(retried.deduplicated).toBe(true);
    expect(standIns.slack.messages(EMERG).filter((m) => m.metadata?.event_payload.key === `${input.escalationId}/alert`)).toHaveLength(1);
  });

  it('a retry whose first attempt never reached Slack posts (the key is per step, nothing is skipped wrongly)', async () => {
    const id = escalationId();
    await runAttempt(acts.postSlackMessage, alert(id));
    const other = await runAttempt(acts.postSlackMessage, { ...alert(id), step: 'reminder-1', text: slack`Reminder` }, 2);
    expect(other.deduplicated).toBe(false);
    expect(standIns.slack.messages(EMERG)).toHaveLength(2);
  });
});

// The failing input: after a restart the Slack workspace had lost every message, so each
// in-flight escalation's call tasks, outcome and "resolved" mark failed for good (thread_not_found).
// A thread or message that is gone now falls back to a post in the channel naming the escalation.
describe('a thread or message that is gone', () => {
  /** A thread parent ts that the workspace does not have (deleted, or lost). */
  const goneTs = '1700000000.000100';

  it('a thread reply is posted in the channel, naming the escalation, instead of failing', async () => {
    const id = escalationId();
    const posted = await runAttempt(acts.postSlackMessage, { ...alert(id), step: 'outcome', text: slack`Resolved: delivered`, threadTs: goneTs });
    expect(posted).toMatchObject({ channel: EMERG, fallback: 'thread-gone', deduplicated: false });
    const [msg, ...rest] = standIns.slack.messages(EMERG);
    expect(rest).toHaveLength(0);
    expect(msg?.thread_ts).toBeUndefined();
    expect(msg?.text).toBe(`:leftwards_arrow_with_hook: Escalation \`${id}\`: its Slack thread is gone, so this update is posted here.\nResolved: delivered`);
    expect(msg?.metadata?.event_payload).toEqual({ key: `${id}/outcome`, escalation_id: id, step: 'outcome' });
  });

  it('with PUBLIC_URL the note links the escalation (the id escaped as data), and blocks get the note as a context block', async () => {
    const clients = createClients(standIns.providers);
    const linked = createActivities({ ...clients, directory, templates, publicUrl: 'https://escalations.example.com/' });
    const id = `live-delivery:B<&>-${++seq}`;
    await runAttempt(linked.postSlackMessage, {
      ...alert(id),
      step: 'call-1',
      threadTs: goneTs,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Call the facilitator' } }],
    });
    const [msg] = standIns.slack.messages(EMERG);
    const note = `:leftwards_arrow_with_hook: Escalation <https://escalations.example.com/escalations/${encodeURIComponent(id)}|live-delivery:B&lt;&amp;&gt;-${seq}>: its Slack thread is gone, so this update is posted here.`;
    expect(msg?.text?.split('\n')[0]).toBe(note);
    expect(msg?.blocks?.[0]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: note }] });
    expect(msg?.blocks?.[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Call the facilitator' } });
  });

  it('a retry after an ambiguous failure finds the fallback post in the channel: still one message', async () => {
    const clients = createClients(standIns.providers);
    setSlackTimeout(clients.slack, 750);
    const a = createActivities({ ...clients, directory, templates });
    const input = { ...alert(), step: 'outcome', text: slack`Resolved`, threadTs: goneTs };
    const scheduledAt = Date.now();
    // Attempt 1: the thread reply fails (thread gone), the fallback post is accepted but answered too late.
    standIns.slack.failNext('chat.postMessage', { error: 'thread_not_found' });
    standIns.slack.failNext('chat.postMessage', { acceptThenHang: 5_000 });
    expectRetryable(await failureOf(runAttempt(a.postSlackMessage, input, 1, scheduledAt)), TRANSIENT_DELIVERY_FAILURE);
    const retried = await runAttempt(a.postSlackMessage, input, 2, scheduledAt);
    expect(retried.deduplicated).toBe(true);
    expect(standIns.slack.messages(EMERG)).toHaveLength(1);
  });

  it('a real thread still gets the reply in the thread (no fallback)', async () => {
    const id = escalationId();
    const parent = await runAttempt(acts.postSlackMessage, alert(id));
    const reply = await runAttempt(acts.postSlackMessage, { ...alert(id), step: 'outcome', text: slack`Resolved`, threadTs: parent.ts });
    expect(reply.fallback).toBeUndefined();
    expect(standIns.slack.messages(EMERG)[1]?.thread_ts).toBe(parent.ts);
  });

  it('an update of a message that is gone posts the new text in the channel, once per step', async () => {
    const id = escalationId();
    const input = { channel: EMERG, ts: goneTs, text: slack`[resolved: delivered] facilitator-no-show`, escalationId: id, step: 'mark-resolved' };
    const updated = await runAttempt(acts.updateSlackMessage, input);
    expect(updated).toMatchObject({ fallback: 'message-gone', ts: expect.any(String) });
    const again = await runAttempt(acts.updateSlackMessage, input, 2);
    expect(again).toEqual(updated);
    const messages = standIns.slack.messages(EMERG);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(`:leftwards_arrow_with_hook: Escalation \`${id}\`: its original message is gone, so its update is posted here.\n[resolved: delivered] facilitator-no-show`);
    expect(messages[0]?.metadata?.event_payload.key).toBe(`${id}/mark-resolved`);
  });
});
