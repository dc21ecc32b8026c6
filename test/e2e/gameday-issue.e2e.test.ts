// gameday-issue end to end: the real dev server, worker and API over HTTP, messages checked at the
// Slack stand-in. The dev server runs in real time, so the event is configured (in a directory file
// written for this test) to end about two minutes after the service starts: its summary is posted
// then, read through the real visibility store (the List API's query).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { RunningService } from '../../src/service.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { channelPosts, EVENT, EVENT_CHANNEL, gamedayEvent, gamedayIssueInput, HOUR, MIN, SLACK } from '../helpers/gameday.js';
import { http, startTestService, until } from '../helpers/service.js';

const OTHER = 'westwind-expo-2026';
let svc: RunningService;
let dir: string;
let endsAt: number;

beforeAll(async () => {
  const now = Date.now();
  endsAt = now + 2 * MIN;
  const data = structuredClone((await loadExampleDirectory()).data);
  data.playbooks['gameday-issue'] = {
    events: {
      [EVENT]: gamedayEvent(now - HOUR, endsAt),
      [OTHER]: { ...gamedayEvent(now + 10 * 24 * HOUR, now + 10 * 24 * HOUR + 8 * HOUR), name: 'Westwind Expo 2026' },
    },
  };
  dir = await mkdtemp(join(tmpdir(), 'gameday-e2e-'));
  await writeFile(join(dir, 'directory.yaml'), stringify(data));
  svc = await startTestService({ DIRECTORY_FILE: join(dir, 'directory.yaml') });
});

afterAll(async () => {
  await svc?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Escalation {
  id: string;
  execution: { status: string };
  state: {
    status: string;
    outcome: string | null;
    deadlines: { name: string; at: string }[];
    details: { tier: string; flag: string | null; threadUrl: string | null };
  } | null;
}
type Problem = { errors?: { in: string; field: string; message: string }[] };

const start = (input: unknown) => http<Escalation>(svc.apiUrl, 'POST', '/escalations', { playbook: 'gameday-issue', input });
const event = (id: string, body: Record<string, unknown>) => http<Escalation['state'] & Problem>(svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, body);
const posts = () => channelPosts(svc.outbox!.list({ kind: 'slack' }));
const issueIds = new Set<string>();

describe('gameday-issue over HTTP', () => {
  it('GET /playbooks shows its input, events, list filters and the schema of its event settings', async () => {
    const r = await http<{ playbooks: { name: string; events: object; listFilters: Record<string, { searchAttribute: string }>; settingsSchema: { properties: object } | null }[] }>(
      svc.apiUrl,
      'GET',
      '/playbooks',
    );
    const pb = r.body.playbooks.find((p) => p.name === 'gameday-issue')!;
    expect(Object.keys(pb.events).sort()).toEqual(['acknowledged', 'escalated-to-tech-support', 'follow-up', 'resolved', 'workaround']);
    expect(pb.listFilters.event?.searchAttribute).toBe('GamedayEvent');
    expect(Object.keys(pb.settingsSchema!.properties)).toEqual(['events']);
    expect(r.body.playbooks.find((p) => p.name === 'live-delivery')).toMatchObject({ listFilters: {}, settingsSchema: null });
  });

  it('raises an issue: 201, the template with @here in the event channel, the acknowledgement deadline in the state', async () => {
    const input = gamedayIssueInput(Date.now() - 3 * MIN);
    const created = await start(input);
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(`gameday-issue:${EVENT}-${input.reference}`);
    issueIds.add(created.body.id);
    const post = (await svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === created.body.id, 15_000)) as SlackOutboxRecord;
    expect(post.channel.id).toBe(EVENT_CHANNEL);
    expect(post.mentions.broadcasts).toEqual(['here']);
    expect(post.text).toContain('Who is affected:* speaker (240 users)');
    const read = await until(
      () => http<Escalation>(svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(created.body.id)}`),
      (r) => r.body.state?.details.threadUrl !== null,
    );
    expect(read.body.state?.status).toBe('awaiting-acknowledgement');
    expect(read.body.state?.deadlines.map((d) => d.name)).toEqual(expect.arrayContaining(['acknowledgement', 'event-end', 'follow-up-close']));
    expect(read.body.state?.details.threadUrl).toMatch(/^https:\/\//);

    const again = await start(input);
    expect(again.status).toBe(200);
  });

  it.each([
    ['a missing required field', (i: Record<string, unknown>) => delete i.what, '/input/what'],
    ['an http link (https only)', (i: Record<string, unknown>) => (i.link = 'http://files.example.com/shot.png'), '/input/link'],
    ['a "since" in the future', (i: Record<string, unknown>) => (i.since = new Date(Date.now() + HOUR).toISOString()), '/input/since'],
    ['an event that is not configured', (i: Record<string, unknown>) => (i.event = 'no-such-event'), '/input/event'],
    ['a raiser who is not on the client team', (i: Record<string, unknown>) => (i.raisedBy = 'csm'), '/input/raisedBy'],
    ['no session and no page', (i: Record<string, unknown>) => (delete i.session, delete i.page), '/input/session'],
    ['who is affected, misspelt', (i: Record<string, unknown>) => (i.affected = 'speakers'), '/input/affected'],
  ])('%s is a 400 naming the field, and starts nothing', async (_label, edit, field) => {
    const input = gamedayIssueInput(Date.now() - MIN) as unknown as Record<string, unknown>;
    edit(input);
    const r = await start(input);
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(((r.body as unknown as Problem).errors ?? []).map((e) => e.field)).toContain(field);
    const id = `gameday-issue:${String(input.event)}-${String(input.reference)}`;
    expect((await http(svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`)).status).toBe(404);
  });

  it('takes the events over HTTP: acknowledged, escalated to tech support, acknowledged by tech support, resolved; then 409', async () => {
    const created = await start(gamedayIssueInput(Date.now() - MIN, { affected: 'exhibitor', session: undefined, page: '/expo-hall/booth-12', urgency: 'medium' }));
    const id = created.body.id;
    issueIds.add(id);
    expect((await event(id, { type: 'acknowledged', actor: 'cs-responder' })).body?.status).toBe('acknowledged');
    const escalated = await event(id, { type: 'escalated-to-tech-support', actor: 'cs-responder', facts: 'Booth video does not load in Safari' });
    expect(escalated.status).toBe(200);
    expect(escalated.body?.status).toBe('awaiting-tech-support');
    expect(escalated.body?.deadlines.map((d) => d.name)).toContain('tech-support-acknowledgement');
    expect((await event(id, { type: 'acknowledged', actor: 'tech-support-engineer' })).body?.status).toBe('tech-support-working');

    const noAnswer = await event(id, { type: 'resolved', actor: 'tech-support-engineer' });
    expect(noAnswer.status).toBe(400);
    expect((noAnswer.body?.errors ?? []).map((e) => e.field)).toContain('/answer');
    const resolved = await event(id, { type: 'resolved', actor: 'tech-support-engineer', answer: 'Booth video re-encoded; reload the page.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body?.outcome).toBe('resolved');
    expect((await event(id, { type: 'workaround', actor: 'cs-responder', answer: 'late' })).status).toBe(409);

    const done = await until(
      () => http<Escalation>(svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`),
      (r) => r.body.execution.status === 'COMPLETED',
    );
    expect(done.body.state?.details.tier).toBe('tier-3');
    const thread = posts().filter((p) => p.escalationId === id);
    const [first, ...rest] = thread;
    for (const p of rest) expect(p.thread_ts).toBe(first!.ts);
    expect(rest.some((p) => p.mentions.userGroups.includes(SLACK.techSupportGroup))).toBe(true);
    expect(rest.at(-1)!.text).toContain('Booth video re-encoded; reload the page.');
    expect(rest.at(-1)!.mentions.users).toEqual([SLACK.raiser]);
  });

  it("GET /escalations?playbook=gameday-issue&event=<key> lists that event's issues only; the filter needs its playbook", async () => {
    const other = await start(gamedayIssueInput(Date.now() - MIN, { event: OTHER }));
    expect(other.status).toBe(201);
    const otherPost = (await svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === other.body.id, 15_000)) as SlackOutboxRecord;
    expect(otherPost.mentions.broadcasts).toEqual([]);
    expect(otherPost.text).toContain("Raised before the event's live window");

    const listed = await until(
      () => http<{ escalations: { id: string }[] }>(svc.apiUrl, 'GET', `/escalations?playbook=gameday-issue&event=${EVENT}`),
      (r) => r.status === 200 && r.body.escalations.length === issueIds.size,
    );
    expect(listed.body.escalations.map((e) => e.id).sort()).toEqual([...issueIds].sort());
    const otherListed = await until(
      () => http<{ escalations: { id: string }[] }>(svc.apiUrl, 'GET', `/escalations?playbook=gameday-issue&event=${OTHER}`),
      (r) => r.status === 200 && r.body.escalations.length === 1,
    );
    expect(otherListed.body.escalations.map((e) => e.id)).toEqual([other.body.id]);
    const tier3 = await until(
      () => http<{ escalations: { id: string }[] }>(svc.apiUrl, 'GET', `/escalations?playbook=gameday-issue&event=${EVENT}&tier=tier-3`),
      (r) => r.status === 200 && r.body.escalations.length === 1,
    );
    expect(tier3.body.escalations).toHaveLength(1);

    const withoutPlaybook = await http<Problem>(svc.apiUrl, 'GET', `/escalations?event=${EVENT}`);
    expect(withoutPlaybook.status).toBe(400);
    expect(withoutPlaybook.contentType).toContain('application/problem+json');
    expect(withoutPlaybook.body.errors).toEqual([{ in: 'query', field: '/event', message: 'filters gameday-issue escalations: add playbook=gameday-issue' }]);
    const badValue = await http<Problem>(svc.apiUrl, 'GET', '/escalations?playbook=gameday-issue&event=%22%20OR%201%3D1');
    expect(badValue.status).toBe(400);
    expect(badValue.body.errors?.[0]?.field).toBe('/event');
  });

  it("posts the gameday summary in the event channel at the event's end, read through visibility, once", async () => {
    const summary = (await svc.outbox!.waitFor(
      (r) => r.kind === 'slack' && r.escalationId === `gameday-summary:${EVENT}` && r.method === 'chat.postMessage',
      endsAt - Date.now() + 90_000,
    )) as SlackOutboxRecord;
    expect(Date.parse(summary.at)).toBeGreaterThanOrEqual(endsAt);
    expect(summary.channel.id).toBe(EVENT_CHANNEL);
    expect(summary.thread_ts).toBeUndefined();
    expect(summary.text).toContain(`*Issues raised:* ${issueIds.size}: 1 stayed with client success (tier 2), 1 went to tech support (tier 3)`);
    expect(summary.text).toContain('*Outcomes:* 1 resolved · 0 workaround · 0 follow-up after the event · 1 still open');
    expect(summary.text).toContain('*Follow-up list (1):*');
    const handle = svc.client.workflow.getHandle(`gameday-summary:${EVENT}`);
    const result = (await handle.result()) as { status: string; notVisible: string[]; joined: number };
    expect(result).toMatchObject({ status: 'posted', notVisible: [], joined: issueIds.size });
    expect(posts().filter((p) => p.escalationId === `gameday-summary:${EVENT}`)).toHaveLength(1);
  }, 4 * MIN);
});
