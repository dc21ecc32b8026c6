// tech-incident end to end: the real dev server, worker and API over HTTP, messages and tracking rows
// checked at the stand-ins. Reports of one problem arrive at POST /escalations, concurrently too, and
// must land on one escalation with the right count (update-with-start on the real server).
import { describe, expect, it } from 'vitest';
import type { TechIncidentReport, TechIncidentState } from '../../workflows/tech-incident/contract.js';
import { http, serviceTestEnv, until } from '../helpers/service.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { techReport } from '../helpers/tech-incident-fixtures.js';

const t = serviceTestEnv();

interface JoinAnswer {
  id: string;
  playbook: string;
  runId: string;
  opened: boolean;
  status: string;
  open: boolean;
  result: { problemKey: string; report: number; customers: number; reports: number; newCustomer: boolean; criticality: string; madeCritical: boolean };
  links: { self: string; events: string };
}

interface Escalation {
  id: string;
  execution: { status: string; runId: string };
  state: TechIncidentState | null;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/**
 * POST /escalations with a report, as a client does it: a 503 (no worker took it within
 * API_WORKER_WAIT_MS, e.g. on a loaded machine) is sent again after its Retry-After; the same report
 * again applies once.
 */
async function report(input: TechIncidentReport, headers: Record<string, string> = {}) {
  for (let attempt = 1; ; attempt++) {
    const res = await http<JoinAnswer>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'tech-incident', input }, undefined, { headers });
    if (res.status !== 503 || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

const get = (id: string) => http<Escalation>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`);
const event = (id: string, body: Record<string, unknown>) => http<TechIncidentState>(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, body);

describe('tech-incident over HTTP', () => {
  it('an excluded category (application error) is refused with 422 naming the rule, and nothing is started', async () => {
    const key = `app-error-${unique()}`;
    const refused = await report(techReport(1, { problemKey: key, category: 'application-error' }));
    expect(refused.status).toBe(422);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: 'https://escalation-engine.dev/problems/excluded-category',
      status: 422,
      errors: [{ in: 'body', field: '/input/category', message: expect.stringContaining('TECH_INCIDENT_EXCLUDED_CATEGORIES') }],
    });
    expect((await get(`tech-incident:${key}`)).status).toBe(404);
    expect(t.svc.outbox!.list({ kind: 'tracking-row' }).filter((r) => r.fields.problemKey === key)).toEqual([]);
  });

  it('a report missing a field or naming an unknown agent is a 400 naming the field', async () => {
    const { customerEmail: _, ...noEmail } = techReport(1, { problemKey: `bad-${unique()}` });
    const missing = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'tech-incident', input: noEmail });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('/input/customerEmail');
    const stranger = await report(techReport(1, { problemKey: `bad-${unique()}`, reportedBy: 'nobody-here' }));
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ errors: [{ field: '/input/reportedBy' }] });
    // The reporting agent keeps ownership of the customer: a tool acting for nobody cannot report.
    const { reportedBy: __, ...anonymous } = techReport(1, { problemKey: `bad-${unique()}` });
    const byTool = await report(anonymous as TechIncidentReport);
    expect(byTool.status).toBe(400);
    expect(byTool.body).toMatchObject({ errors: [{ field: '/input/reportedBy', message: expect.stringContaining('on-behalf-of') }] });
  });

  it('an id of its own is a 400 (the problem key names the escalation); an id another playbook uses is a 409', async () => {
    const key = `own-id-${unique()}`;
    const own = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'tech-incident', id: 'my-incident', input: techReport(1, { problemKey: key }) });
    expect(own.status).toBe(400);
    expect(own.body).toMatchObject({ errors: [{ field: '/id', message: expect.stringContaining(`tech-incident:${key}`) }] });
    // The API no longer lets another playbook take a tech-incident id...
    const taken = `taken-${unique()}`;
    const refused = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', id: `tech-incident:${taken}`, input: facilitatorNoShow(Date.now() + 60 * 60_000) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errors: [{ field: '/id', message: expect.stringContaining("'tech-incident:'") }] });
    // ...but one that did (started before that rule) is a 409 for a report, never a 500.
    await t.svc.client.workflow.start('liveDelivery', {
      taskQueue: 'escalations',
      workflowId: `tech-incident:${taken}`,
      args: [facilitatorNoShow(Date.now() + 60 * 60_000)],
      memo: { playbook: 'live-delivery' },
    });
    const clash = await report(techReport(1, { problemKey: taken }));
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ type: 'https://escalation-engine.dev/problems/id-in-use', detail: expect.stringContaining('live-delivery') });
  });

  it('30 concurrent reports of one problem make one escalation with the right count', async () => {
    const key = `Login 502 ${unique()}`;
    const agents = ['support-agent', 'support-agent-2', 'community-agent'];
    // 30 reports, 27 distinct customers (three customers reported twice, by different agents).
    const inputs = Array.from({ length: 30 }, (_, i) =>
      techReport(i + 1, { problemKey: key, customerEmail: `kunde${i < 27 ? i + 1 : i - 26}@example.org`, reportedBy: agents[i % 3]!, productArea: 'login' }),
    );
    const answers = await Promise.all(inputs.map((input) => report(input)));
    expect(answers.map((a) => a.status).sort((x, y) => x - y)).toEqual([...Array<number>(29).fill(200), 201]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect([...ids]).toEqual([`tech-incident:login-502-${key.split(' ')[2]!.toLowerCase()}`]);
    expect(new Set(answers.map((a) => a.body.runId)).size).toBe(1);
    expect(answers.filter((a) => a.body.opened)).toHaveLength(1);
    expect(answers.map((a) => a.body.result.report).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(Math.max(...answers.map((a) => a.body.result.customers))).toBe(27);
    expect(answers.filter((a) => !a.body.result.newCustomer)).toHaveLength(3);
    // Exactly one report made it critical: the one whose answer first counted six customers.
    const madeCritical = answers.filter((a) => a.body.result.madeCritical);
    expect(madeCritical).toHaveLength(1);
    expect(madeCritical[0]!.body.result.customers).toBe(6);

    const id = [...ids][0]!;
    const read = await until(
      () => get(id),
      (r) => r.body.state?.details.reports.every((x) => x.tracking !== null) === true && r.body.state.details.siren !== null,
      60_000,
    );
    const s = read.body.state!;
    expect(s.status).toBe('critical');
    expect(s.details.reports).toHaveLength(30);
    expect(s.details.customers).toHaveLength(27);
    expect(t.svc.outbox!.list({ kind: 'tracking-row', escalationId: id })).toHaveLength(30);
    const sirens = t.svc.outbox!.list({ kind: 'slack', escalationId: id }).filter((r) => r.channel.id === 'C0CUSTSUCC' && r.method === 'chat.postMessage' && !r.thread_ts);
    expect(sirens).toHaveLength(1);
    const listed = await until(
      () => http<{ escalations: { id: string }[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=tech-incident&status=critical&limit=500'),
      (r) => r.body.escalations.some((e) => e.id === id),
    );
    expect(listed.body.escalations.filter((e) => e.id === id)).toHaveLength(1);
  }, 180_000);

  it('the same report twice is one report: a retry applies once and is answered as the first time (with or without an Idempotency-Key); the key with another report is a 422', async () => {
    const key = `sync-${unique()}`;
    const first = await report(techReport(1, { problemKey: key }));
    expect(first.status).toBe(201);
    const again = await report(techReport(1, { problemKey: key }));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const keyed = await report(techReport(2, { problemKey: key }), { 'idempotency-key': `retry-${key}` });
    const retried = await report(techReport(2, { problemKey: key }), { 'idempotency-key': `retry-${key}` });
    expect(retried.body.result).toEqual(keyed.body.result);
    expect(keyed.body.result).toMatchObject({ report: 2, customers: 2 });
    // The same key with another body is another request: 422, nothing applied (IETF Idempotency-Key draft).
    const reused = await report(techReport(2, { problemKey: key, problem: 'retried with the same key' }), { 'idempotency-key': `retry-${key}` });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: expect.stringMatching(/\/idempotency-key-reused$/) });
    const read = await until(() => get(first.body.id), (r) => (r.body.state?.details.reports.length ?? 0) === 2);
    expect(read.body.state!.details.reports.map((r) => r.ticket)).toEqual(['GRV-1001', 'GRV-1002']);
  });

  it('end to end: single case, critical with the German siren, acknowledged, status update, resolved; the next report opens a new run', async () => {
    const key = `checkout-${unique()}`;
    for (let n = 1; n <= 5; n++) expect((await report(techReport(n, { problemKey: key, productArea: 'checkout' }))).body.result.criticality).toBe('single-case');
    const sixth = await report(techReport(6, { problemKey: key, productArea: 'checkout', reportedBy: 'support-agent-2' }));
    expect(sixth.status).toBe(200);
    expect(sixth.body.result).toMatchObject({ report: 6, customers: 6, criticality: 'critical', madeCritical: true });
    const id = sixth.body.id;

    const sirenPost = await t.svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === id && r.channel.id === 'C0CUSTSUCC', 20_000);
    if (sirenPost.kind !== 'slack') throw new Error('expected the siren');
    expect(sirenPost.text).toContain('Die Kund:innen melden seit ca.');
    expect(sirenPost.text).toContain('Kaufprozess');
    expect(sirenPost.mentions.userGroups).toEqual(['S0ONCALL01']);
    const read = await until(() => get(id), (r) => r.body.state?.deadlines.some((d) => d.name === 'acknowledgement') === true);
    const ack = read.body.state!.deadlines.find((d) => d.name === 'acknowledgement')!;
    expect(Date.parse(ack.at) - Date.parse(read.body.state!.details.criticalAt!)).toBe(15 * 60_000);

    // Role rule: only the on-call group acknowledges; a support agent's attempt is refused and changes nothing.
    const notOnCall = await event(id, { type: 'acknowledged', actor: 'support-agent' });
    expect(notOnCall.status).toBe(403);
    expect(notOnCall.body).toMatchObject({ rule: 'acknowledged-by-on-call' });
    const acked = await event(id, { type: 'acknowledged', actor: 'on-call-lead' });
    expect(acked.status).toBe(200);
    expect(acked.body.status).toBe('in-progress');
    const again = await event(id, { type: 'acknowledged', actor: 'on-call-backup' });
    expect(again.status).toBe(409);
    const update = await event(id, { type: 'status-update', text: 'Zahlungsanbieter gestört, wir sind dran.', actor: 'on-call-lead' });
    expect(update.status).toBe(200);
    await t.svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === id && r.channel.id === 'C0CSINFO01', 20_000);
    const unknown = await event(id, { type: 'tech-resolved' });
    expect(unknown.status).toBe(400);

    expect((await event(id, { type: 'resolved', summary: 'Anbieter wieder erreichbar', actor: 'on-call-lead' })).status).toBe(200);
    // The problem is back at once, while the resolved run is still closing (telling the agents): the
    // report waits for it to close and opens a new incident under the same id (a new run), never a 409.
    const recurrence = await report(techReport(7, { problemKey: key, productArea: 'checkout' }));
    expect(recurrence.status).toBe(201);
    expect(recurrence.body).toMatchObject({ id, opened: true, result: { report: 1, customers: 1, criticality: 'single-case' } });
    expect(recurrence.body.runId).not.toBe(sixth.body.runId);

    const done = await t.svc.client.workflow.getHandle(id, sixth.body.runId).describe();
    expect(done.status.name).toBe('COMPLETED');
    const final = (await t.svc.client.workflow.getHandle(id, sixth.body.runId).result()) as TechIncidentState;
    expect(final.outcome).toBe('resolved');
    const reminders = t.svc.outbox!.list({ kind: 'slack', escalationId: id }).filter((r) => r.text?.includes('Bitte informiere jetzt deine Kund:innen'));
    expect(reminders.map((r) => r.channel.name).sort()).toEqual(['@Kim Support', '@Lou Support']);
  }, 120_000);

  it('GET /playbooks lists tech-incident with its report schema and events', async () => {
    const res = await http<{ playbooks: { name: string; inputSchema: { required: string[] }; events: Record<string, unknown>; statuses: string[] }[] }>(
      t.svc.apiUrl,
      'GET',
      '/playbooks',
    );
    const ti = res.body.playbooks.find((p) => p.name === 'tech-incident')!;
    expect(ti.inputSchema.required).toEqual(expect.arrayContaining(['ticket', 'customerEmail', 'problem', 'productArea', 'reportedBy']));
    expect(Object.keys(ti.events).sort()).toEqual(['acknowledged', 'call-no-answer', 'call-reached', 'reproduced', 'resolved', 'social-media-checked', 'status-update']);
    expect(ti.statuses).toContain('phoning');
  });
});
