// Slack end to end: the real dev server, worker and API; the Slack stand-in presses buttons, runs
// /escalate, uses a message shortcut and submits modals as people of the example directory, with
// requests signed like Slack's. Forged, expired and replayed requests are refused and change
// nothing; the wrong person's press is refused with the reason (ephemeral); the right person's
// press delivers the event and updates the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox-schema.js';
import type { SlackStandIn } from '../../src/stand-ins/slack.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { http, startTestService, until } from '../helpers/service.js';

const MIN = 60_000;
const OWNER = 'U0MORGAN01';
const TEAM_LEAD = 'U0RILEY001';
const DESK = 'U0SAMDESK1';
const EMERGENCIES = 'C0BOOKEMERG';

let svc: RunningService;
let slack: SlackStandIn;

beforeAll(async () => {
  svc = await startTestService();
  slack = svc.slack!;
});

afterAll(async () => {
  await svc?.close();
});

const path = (id: string) => `/escalations/${encodeURIComponent(id)}`;
const stateOf = async (id: string) => (await http<{ state: EscalationState<string, { handledBy?: string }> }>(svc.apiUrl, 'GET', path(id))).body.state;
const events = (s: EscalationState, type: string) => s.timeline.filter((e) => e.kind === `event:${type}`);
const settled = () => svc.app.slackHandler!.drain();

async function startLive(): Promise<{ id: string; alert: SlackOutboxRecord }> {
  // Started a minute ago: the desk's calls begin at the session start (live-delivery v2), the cutoff is 14 minutes on.
  const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() - MIN) });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const alert = (await svc.outbox!.waitFor(
    (r) => r.kind === 'slack' && r.escalationId === id && r.metadata?.event_payload.step === 'alert',
    15_000,
  )) as SlackOutboxRecord;
  return { id, alert };
}

const messageNow = (ts: string) => slack.messages().find((m) => m.ts === ts)!;
const buttonsOf = (ts: string) =>
  (messageNow(ts).blocks ?? []).flatMap((b) => ((b as { type: string; elements?: { type: string; action_id: string }[] }).type === 'actions' ? ((b as { elements: { action_id: string }[] }).elements ?? []) : [])).map((e) => e.action_id);

describe('buttons', () => {
  it("the wrong person's press is refused with the reason, ephemerally; nothing changes but the refused attempt on the timeline", async () => {
    const { id, alert } = await startLive();
    const started = Date.now();
    const res = await slack.press({ user: DESK, ts: alert.ts, actionId: 'escalation:owner-acknowledged' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000); // Slack's limit: acknowledged before the work is done
    await settled();
    const said = slack.ephemerals(DESK).at(-1);
    expect(said?.channel.id).toBe(EMERGENCIES);
    expect(said?.text).toContain("“I'm on it: I'll handle the client” was not applied");
    expect(said?.text).toContain('may be sent only by the booking owner (booking-owner) or their portfolio team lead (portfolio-team-lead); desk-agent is not (rule owner-acknowledges)');
    const s = await until(() => stateOf(id), (x) => x.timeline.some((e) => e.kind === 'event-refused'));
    expect(s.details.handledBy).toBe('desk');
    expect(events(s, 'owner-acknowledged')).toEqual([]);
    expect(s.timeline.find((e) => e.kind === 'event-refused')).toMatchObject({ actor: 'desk-agent', data: { rule: 'owner-acknowledges' } });
    expect(buttonsOf(alert.ts)).toEqual(['escalation:owner-acknowledged']);
  });

  it("the booking owner's press delivers the event as the owner and updates the message in place: who, when, button gone", async () => {
    const { id, alert } = await startLive();
    const pressed = Date.now();
    const res = await slack.press({ user: OWNER, ts: alert.ts, actionId: 'escalation:owner-acknowledged' });
    const answered = Date.now();
    expect(res.status).toBe(200);
    await settled();
    const s = await stateOf(id);
    expect(s.details.handledBy).toBe('owner');
    expect(events(s, 'owner-acknowledged')[0]?.actor).toBe('booking-owner');
    // Judged and dated at the instant the API received the press (before Slack's ack), not when the worker applied it.
    const receivedAt = Date.parse(String((events(s, 'owner-acknowledged')[0]?.data as { receivedAt?: string } | undefined)?.receivedAt));
    expect(receivedAt).toBeGreaterThanOrEqual(pressed);
    expect(receivedAt).toBeLessThanOrEqual(answered);
    expect((s.details as { ownerAcknowledgedAt?: string }).ownerAcknowledgedAt).toBe(new Date(receivedAt).toISOString());
    const updated = messageNow(alert.ts);
    expect(updated.edited).toBeDefined();
    expect(buttonsOf(alert.ts)).toEqual([]);
    const context = JSON.stringify(updated.blocks);
    expect(context).toContain(`<@${OWNER}> pressed “I'm on it: I'll handle the client”`);
    expect(context).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    // The message text is kept; the update is what the outbox shows for this message now.
    expect(updated.text).toBe(alert.text);
    const last = svc.outbox!.list({ escalationId: id, kind: 'slack' }).find((r) => r.ts === alert.ts);
    expect(last?.method).toBe('chat.update');
    // The Temporal update: `<type>:<presser>:slack-<trigger id>` (a retried press is the same update),
    // sent with the presser as the caller's identity.
    const trigger = (JSON.parse(new URLSearchParams(res.request.body).get('payload')!) as { trigger_id: string }).trigger_id;
    const history = await svc.client.workflow.getHandle(id).fetchHistory();
    const accepted = (history.events ?? []).flatMap((e) => (e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes] : []));
    expect(accepted.map((a) => a.acceptedRequest?.meta?.updateId)).toEqual([`owner-acknowledged:booking-owner:slack-${trigger}`]);
    expect(accepted[0]!.acceptedRequest?.meta?.identity).toBe('booking-owner (escalation-engine API)');
  });

  it('an outcome button: the event applies, the escalation closes and every button of the message goes', async () => {
    const { id } = await startLive();
    const call = (await svc.outbox!.waitFor(
      (r) => r.kind === 'slack' && r.escalationId === id && r.metadata?.event_payload.step === 'call-facilitator-1',
      15_000,
    )) as SlackOutboxRecord;
    expect(buttonsOf(call.ts)).toEqual(['escalation:facilitator-reached', 'escalation:facilitator-no-answer', 'escalation:facilitator-arrived']);
    await slack.press({ user: DESK, ts: call.ts, actionId: 'escalation:facilitator-no-answer' });
    await settled();
    expect(buttonsOf(call.ts)).toEqual(['escalation:facilitator-reached', 'escalation:facilitator-arrived']);
    await slack.press({ user: DESK, ts: call.ts, actionId: 'escalation:facilitator-arrived' });
    await settled();
    expect((await stateOf(id)).outcome).toBe('delivered');
    expect(buttonsOf(call.ts)).toEqual([]);
  });

  it('concurrent presses of one button (two people, and a double click): one applies; the message keeps the winner and the time; each loser is only told, ephemerally', async () => {
    const { id, alert } = await startLive();
    const press = (user: string) => slack.press({ user, ts: alert.ts, actionId: 'escalation:owner-acknowledged' });
    // All three are built from the message as it is now (button shown) before any of them is applied.
    const answers = await Promise.all([press(OWNER), press(TEAM_LEAD), press(OWNER)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await settled();
    const s = await stateOf(id);
    expect(events(s, 'owner-acknowledged')).toHaveLength(1);
    const winner = events(s, 'owner-acknowledged')[0]!.actor === 'booking-owner' ? OWNER : TEAM_LEAD;
    const updated = messageNow(alert.ts);
    expect(updated.text).toBe(alert.text);
    expect(buttonsOf(alert.ts)).toEqual([]);
    // Exactly one record of who took it: the winner's, dated; the losers' presses rewrote nothing.
    const lines = JSON.stringify(updated.blocks).match(/<@U0[A-Z0-9]+> pressed/g);
    expect(lines).toEqual([`<@${winner}> pressed`]);
    expect(JSON.stringify(updated.blocks)).toMatch(/:white_check_mark: <!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(JSON.stringify(updated.blocks)).toContain('section');
    const updates = svc.outbox!.list({ escalationId: id, kind: 'slack' }).filter((r) => r.ts === alert.ts && r.method === 'chat.update');
    expect(updates).toHaveLength(1);
    // Two losing presses (the other person's, and the double click), each refused to its presser alone.
    const refusals = [...slack.ephemerals(OWNER), ...slack.ephemerals(TEAM_LEAD)].filter(
      (e) => e.channel.id === EMERGENCIES && e.text.includes("“I'm on it: I'll handle the client” was not applied"),
    );
    expect(refusals).toHaveLength(2);
  });

  it('someone whose Slack account is not in the directory is told so and changes nothing', async () => {
    const { id, alert } = await startLive();
    slack.addUser({ id: 'U0STRANGER', name: 'Stranger' });
    expect((await slack.press({ user: 'U0STRANGER', ts: alert.ts, actionId: 'escalation:owner-acknowledged' })).status).toBe(200);
    await settled();
    expect(slack.ephemerals('U0STRANGER').at(-1)?.text).toContain("is not in the escalation engine's directory");
    expect(events(await stateOf(id), 'owner-acknowledged')).toEqual([]);
  });
});

describe('signatures', () => {
  it('a forged, an expired and a replayed request are each refused (401) and change nothing', async () => {
    const { id, alert } = await startLive();
    const press = { user: OWNER, ts: alert.ts, actionId: 'escalation:owner-acknowledged' };

    const forged = await slack.press(press, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    expect((forged.body as { detail: string }).detail).toContain('signature does not match');

    const expired = await slack.press(press, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(expired.status).toBe(401);
    expect((expired.body as { detail: string }).detail).toContain('more than 5 minutes');

    const genuine = await slack.press(press);
    expect(genuine.status).toBe(200);
    await settled();
    const replay = await slack.replay(genuine.request);
    expect(replay.status).toBe(401);
    expect((replay.body as { detail: string }).detail).toContain('replay');
    const edited = await slack.replay({ ...genuine.request, body: genuine.request.body.replace('owner-acknowledged', 'facilitator-arrived') });
    expect(edited.status).toBe(401);

    const unsigned = await fetch(`${svc.apiUrl}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: genuine.request.body,
    });
    expect(unsigned.status).toBe(401);
    await settled();
    const s = await stateOf(id);
    expect(events(s, 'owner-acknowledged')).toHaveLength(1);
    expect(events(s, 'facilitator-arrived')).toHaveLength(0);
  });

  it('form bodies are accepted on the Slack routes only: the JSON API refuses them', async () => {
    const res = await fetch(`${svc.apiUrl}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${svc.localApiKey}` },
      body: 'playbook=live-delivery',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('the Slack routes take form bodies only: JSON or text is a 415 problem naming the form type, before any signature work', async () => {
    for (const type of ['application/json', 'text/plain']) {
      const res = await fetch(`${svc.apiUrl}/slack/interactions`, { method: 'POST', headers: { 'content-type': type }, body: '{"payload":"{}"}' });
      expect(res.status, type).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toContain('application/x-www-form-urlencoded');
    }
  });
});

describe('/escalate and modals', () => {
  it('opens the intake modal generated from the input schema; errors show on the fields; the submission starts the escalation as the user', async () => {
    const ack = await slack.command({ user: DESK, channel: EMERGENCIES, command: '/escalate', text: 'live-delivery' });
    expect(ack.status).toBe(200);
    const view = slack.openViews(DESK).at(-1)!;
    expect(view.view.callback_id).toBe('intake:live-delivery');
    const blocks = view.view.blocks as { block_id?: string; element?: { type: string } }[];
    const kinds = Object.fromEntries(blocks.filter((b) => b.block_id).map((b) => [b.block_id, b.element?.type]));
    expect(kinds).toMatchObject({
      '/booking/id': 'plain_text_input',
      '/booking/startTime': 'datetimepicker',
      '/booking/sessionLink': 'url_text_input',
      '/bookingOwner': 'users_select',
      '/siteContact/email': 'email_text_input',
      '/issueType': 'static_select',
      '/callRetryMinutes': 'number_input',
    });
    expect(kinds['/reportedBy']).toBeUndefined();

    const bookingId = `SLACK-${Date.now().toString(36)}`;
    const values = {
      '/booking/id': bookingId,
      '/booking/sessionTitle': 'Leading Essentials',
      '/booking/startTime': new Date(Date.now() + 20 * MIN).toISOString(),
      '/booking/timeZone': 'Mars/Olympus_Mons',
      '/bookingOwner': OWNER,
      '/portfolioTeamLead': 'U0STRANGER2',
      '/siteContact/name': 'Dana Client',
      '/siteContact/email': 'dana.client@example.org',
      '/facilitator/name': 'Alex Facilitator',
      '/issueType': 'facilitator-no-show',
    };
    slack.addUser({ id: 'U0STRANGER2', name: 'Not In Directory' });
    const first = await slack.submitView({ user: DESK, viewId: view.id, values });
    expect(first.errors).toEqual({ '/portfolioTeamLead': 'this person is not in the escalation directory' });
    const second = await slack.submitView({ user: DESK, viewId: view.id, values: { ...values, '/portfolioTeamLead': TEAM_LEAD } });
    expect(second.errors).toEqual({ '/booking/timeZone': "unknown IANA time zone 'Mars/Olympus_Mons'" });
    const third = await slack.submitView({ user: DESK, viewId: view.id, values: { ...values, '/portfolioTeamLead': TEAM_LEAD, '/booking/timeZone': 'America/Chicago' } });
    expect(third.status).toBe(200);
    expect(third.errors).toBeUndefined();
    expect(slack.openViews(DESK).find((v) => v.id === view.id)).toBeUndefined();
    await settled();

    const id = `live-delivery:${bookingId}-facilitator-no-show`;
    const s = await stateOf(id);
    expect(s.timeline[0]).toMatchObject({ kind: 'opened', actor: 'desk-agent' });
    expect(slack.ephemerals(DESK).at(-1)?.text).toContain(`Started escalation \`${id}\``);
  });

  it('/escalate tech-incident: each submitted report joins the escalation of its problem (update-with-start); an excluded category shows on its field', async () => {
    const agents = ['U0KIMSUPP1', 'U0LOUSUPP1']; // support-agent, support-agent-2 in the example directory
    const problemKey = `slack-login-${Date.now().toString(36)}`;
    const report = (n: number) => ({
      '/problemKey': problemKey,
      '/ticket': `GRV-S${n}`,
      '/customerEmail': `kunde${n}@example.org`,
      '/problem': 'Login schlägt fehl <!here>',
      '/productArea': 'login',
    });
    const open = async (user: string) => {
      expect((await slack.command({ user, channel: EMERGENCIES, command: '/escalate', text: 'tech-incident' })).status).toBe(200);
      const view = slack.openViews(user).at(-1)!;
      expect(view.view.callback_id).toBe('intake:tech-incident');
      return view;
    };

    const excluded = await open(agents[0]!);
    const refused = await slack.submitView({ user: agents[0]!, viewId: excluded.id, values: { ...report(0), '/category': 'application-error' } });
    expect(refused.errors?.['/category']).toMatch(/excluded from technical incidents/);
    const first = await slack.submitView({ user: agents[0]!, viewId: excluded.id, values: report(1) });
    expect(first.errors).toBeUndefined();
    await settled();
    const second = await open(agents[1]!);
    expect((await slack.submitView({ user: agents[1]!, viewId: second.id, values: report(2) })).errors).toBeUndefined();
    await settled();

    const id = `tech-incident:${problemKey}`;
    expect(slack.ephemerals(agents[0]!).at(-1)?.text).toContain(`Opened escalation \`${id}\``);
    expect(slack.ephemerals(agents[1]!).at(-1)?.text).toContain(`Added your report to escalation \`${id}\``);
    const s = (await http<{ state: EscalationState<string, { reports: { ticket: string; reportedBy: string }[] }> }>(svc.apiUrl, 'GET', path(id))).body.state!;
    expect(s.details.reports.map((r) => [r.ticket, r.reportedBy])).toEqual([
      ['GRV-S1', 'support-agent'],
      ['GRV-S2', 'support-agent-2'],
    ]);
    const listed = await http<{ escalations: { id: string }[] }>(svc.apiUrl, 'GET', '/escalations?playbook=tech-incident&limit=500');
    expect(listed.body.escalations.filter((e) => e.id === id)).toHaveLength(1);
  });

  it('/escalate alone offers the playbooks; choosing one turns the modal into its form (views.update)', async () => {
    expect((await slack.command({ user: TEAM_LEAD, channel: EMERGENCIES, command: '/escalate' })).status).toBe(200);
    const chooser = slack.openViews(TEAM_LEAD).at(-1)!;
    expect(chooser.view.callback_id).toBe('choose-playbook');
    await slack.selectInView({ user: TEAM_LEAD, viewId: chooser.id, actionId: 'choose-playbook', value: 'account-escalation' });
    await settled();
    const form = slack.openViews(TEAM_LEAD).find((v) => v.id === chooser.id)!;
    expect(form.view.callback_id).toBe('intake:account-escalation');
    const ids = (form.view.blocks as { block_id?: string; element?: { type: string } }[]).map((b) => b.block_id);
    expect(ids).toEqual(expect.arrayContaining(['/account/name', '/account/mrr/amount', '/churn/primary', '/churn/secondary', '/csm', '/teamLead']));
    slack.closeView(form.id);
  });

  it('a help text for an unknown playbook; people outside the directory get none of it', async () => {
    const help = await slack.command({ user: DESK, channel: EMERGENCIES, command: '/escalate', text: 'nonsense' });
    expect(help.body).toMatchObject({ response_type: 'ephemeral' });
    expect((help.body as { text: string }).text).toContain('`live-delivery`');
    slack.addUser({ id: 'U0STRANGER3', name: 'Stranger' });
    const stranger = await slack.command({ user: 'U0STRANGER3', channel: EMERGENCIES, command: '/escalate', text: 'live-delivery' });
    expect((stranger.body as { text: string }).text).toContain('not in the escalation engine');
    expect(slack.openViews('U0STRANGER3')).toEqual([]);
  });

  it('a message shortcut opens a playbook intake prefilled from the message', async () => {
    const { alert } = await startLive();
    expect((await slack.shortcut({ user: TEAM_LEAD, ts: alert.ts, callbackId: 'escalate-account' })).status).toBe(200);
    const view = slack.openViews(TEAM_LEAD).at(-1)!;
    expect(view.view.callback_id).toBe('intake:account-escalation');
    const summary = (view.view.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find((b) => b.block_id === '/summary');
    expect(summary?.element?.initial_value).toBe(alert.text);
    slack.closeView(view.id);
  });
});

describe('the outbox page on the embedded default', () => {
  it("shows the message's buttons as forms for the chosen user; a press from the page acts as that user; cross-site posts are refused", async () => {
    const { id, alert } = await startLive();
    const page = await fetch(`${svc.apiUrl}/dev/outbox/view?as=${OWNER}&escalationId=${encodeURIComponent(id)}`);
    const html = await page.text();
    expect(html).toContain('action="../slack/press"');
    expect(html).toContain(`name="ts" value="${alert.ts}"`);
    const form = new URLSearchParams({ user: OWNER, channel: alert.channel.id, ts: alert.ts, actionId: 'escalation:owner-acknowledged' });

    const crossSite = await fetch(`${svc.apiUrl}/dev/slack/press`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: form,
    });
    expect(crossSite.status).toBe(403);
    expect(events(await stateOf(id), 'owner-acknowledged')).toEqual([]);

    // Reserved keys are refused by name in these forms too, as in JSON bodies.
    const reserved = await fetch(`${svc.apiUrl}/dev/slack/press`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: svc.apiUrl, 'sec-fetch-site': 'same-origin' },
      body: `${form.toString()}&__proto__=x`,
    });
    expect(reserved.status).toBe(400);
    expect(reserved.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await reserved.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['/__proto__']);
    expect(events(await stateOf(id), 'owner-acknowledged')).toEqual([]);

    const pressed = await fetch(`${svc.apiUrl}/dev/slack/press`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: svc.apiUrl, 'sec-fetch-site': 'same-origin' },
      body: form,
    });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe(`/dev/outbox/view?as=${OWNER}`);
    expect(events(await stateOf(id), 'owner-acknowledged')[0]?.actor).toBe('booking-owner');
  });
});
