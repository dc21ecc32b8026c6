// Issue 13: the API keeps its contract under any input. Each hand-made input that broke it is a test
// here, against the real dev server, worker and API over HTTP: the right status, problem+json, the
// field named, and nothing started.
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { playbooks } from '../../src/playbooks.js';
import { publishedSchema } from '../../src/http/openapi.js';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { facilitatorNoShow, liveDeliveryInput } from '../helpers/fixtures.js';
import { http, type HttpResult, serviceTestEnv } from '../helpers/service.js';

const MIN = 60_000;
const DAY = 86_400_000;
const t = serviceTestEnv();

async function workflowIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of t.svc.client.workflow.list()) ids.push(wf.workflowId);
  return ids;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { in: string; field: string; message: string }[];
}

function problem(r: HttpResult, status: number): Problem {
  expect(r.status).toBe(status);
  expect(r.contentType).toMatch(/^application\/problem\+json/);
  const body = r.body as unknown as Problem;
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^https:\/\/escalation-engine\.dev\/problems\/[a-z0-9-]+$/);
  expect(typeof body.title).toBe('string');
  return body;
}
const fields = (p: Problem) => (p.errors ?? []).map((e) => e.field);

/** Raw request: any method, content type and body; authenticated with the service's local key. */
async function raw(method: string, path: string, body?: string, contentType?: string): Promise<HttpResult & { headers: Headers }> {
  const res = await fetch(t.svc.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${t.svc.localApiKey!}`, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(body !== undefined && { body }),
  });
  const ct = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, contentType: ct, headers: res.headers, body: (text && ct.includes('json') ? JSON.parse(text) : text) as Record<string, unknown> };
}

const live = (startMs = Date.now() + 20 * MIN) => ({ playbook: 'live-delivery', input: facilitatorNoShow(startMs) });

describe('bad input: a clear 4xx naming the field, and nothing started', () => {
  it('input nested 10,000 levels deep (60 KB) -> 400 naming the nesting limit, no stack overflow', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const body = `{"playbook":"live-delivery","input":${deep}}`;
    expect(body.length).toBeGreaterThan(60_000);
    const p = problem(await raw('POST', '/escalations', body, 'application/json'), 400);
    expect(p.type).toMatch(/body-too-deep$/);
    expect(p.detail).toContain(String(MAX_JSON_DEPTH));
    // The same for events and for arrays.
    const arrays = '['.repeat(5_000) + ']'.repeat(5_000);
    problem(await raw('POST', '/escalations/live-delivery:x/events', `{"type":"note","x":${arrays}}`, 'application/json'), 400);
  });

  it.each([
    ['9999-12-31T23:59:59Z', 'year 9999'],
    ['0000-01-01T00:00:00Z', 'year 0000'],
    ['2026-12-31T23:59:60Z', 'a leap second'],
    ['2027-02-30T10:00:00Z', 'February 30'],
    ['2026-12-31t23:59:59z', 'lower-case t and z'],
    ['2026-12-31T24:00:00Z', 'hour 24'],
    ['2026-12-31T10:00:00+24:00', 'offset +24:00'],
  ])('booking.startTime %s (%s) -> 400 naming /input/booking/startTime', async (startTime) => {
    const body = live();
    body.input.booking.startTime = startTime;
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', body), 400);
    expect(fields(p)).toEqual(['/input/booking/startTime']);
  });

  it('business dates outside the window -> 400 saying the window', async () => {
    for (const at of [Date.now() - 31 * DAY, Date.now() + 366 * DAY]) {
      const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', live(at)), 400);
      expect(fields(p)).toEqual(['/input/booking/startTime']);
      expect(p.errors?.[0]?.message).toMatch(/must lie between .* and /);
    }
    // A complaint cannot have been received tomorrow.
    const account = accountEscalationInput(Date.now() + 60 * MIN);
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input: account }), 400);
    expect(fields(p)).toEqual(['/input/escalatedAt']);
  });

  it.each([
    ['javascript:alert(1)', 'javascript:'],
    ['data:text/html,<script>alert(1)</script>', 'data:'],
    ['http://meet.example.com/s', 'plain http (not configured)'],
    ['https://user:secret@meet.example.com/s', 'credentials in the URL'],
    ['https://', 'no host'],
  ])('sessionLink %s (%s) -> 400 naming /input/booking/sessionLink', async (link) => {
    const body = live();
    body.input.booking.sessionLink = link;
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', body), 400);
    expect(fields(p)).toEqual(['/input/booking/sessionLink']);
  });

  it('the CRM link of an account escalation is a link too', async () => {
    const input = accountEscalationInput(Date.now());
    input.account.crmUrl = 'javascript:alert(document.cookie)';
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input }), 400);
    expect(fields(p)).toEqual(['/input/account/crmUrl']);
  });

  it('a JSON body sent as text/plain, or as a form -> 415', async () => {
    const json = JSON.stringify(live());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const p = problem(await raw('POST', '/escalations', json, type), 415);
      expect(p.detail).toContain('application/json');
    }
  });

  it('__proto__, constructor and prototype keys -> 400 naming the field', async () => {
    const p = problem(await raw('POST', '/escalations', '{"playbook":"live-delivery","input":{"__proto__":{"admin":true}}}', 'application/json'), 400);
    expect(fields(p)).toEqual(['/input/__proto__']);
    const c = problem(await raw('POST', '/escalations', '{"playbook":"live-delivery","input":{"booking":{"constructor":{"prototype":{}}}}}', 'application/json'), 400);
    expect(fields(c)).toEqual(['/input/booking/constructor']);
  });

  it('a body is never coerced: "id": false or a numeric playbook -> 400 naming the field', async () => {
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', { ...live(), id: false }), 400);
    expect(fields(p)).toEqual(['/id']);
    const n = problem(await http(t.svc.apiUrl, 'POST', '/escalations', { ...live(), id: 12345 }), 400);
    expect(fields(n)).toEqual(['/id']);
  });

  it('an id longer than the schema allows -> 400 naming /id (not the router 414)', async () => {
    const p = problem(await http(t.svc.apiUrl, 'POST', '/escalations', { ...live(), id: `x${'a'.repeat(200)}` }), 400);
    expect(fields(p)).toEqual(['/id']);
    const g = problem(await http(t.svc.apiUrl, 'GET', `/escalations/x${'a'.repeat(200)}`), 400);
    expect(fields(g)).toEqual(['/id']);
  });

  it("Fastify's own errors are problem details: malformed percent-encoding, absurd path, body too large, unknown route", async () => {
    expect(problem(await raw('GET', '/escalations/%E0%A4%A'), 400).type).toMatch(/bad-url$/);
    expect(problem(await raw('GET', `/escalations/${'a'.repeat(2_000)}`), 414).type).toMatch(/uri-too-long$/);
    const big = JSON.stringify({ ...live(), pad: 'x'.repeat(300 * 1024) });
    expect(problem(await raw('POST', '/escalations', big, 'application/json'), 413).type).toMatch(/body-too-large$/);
    problem(await raw('GET', '/no/such/route'), 404);
    problem(await raw('POST', '/escalations', '{"playbook":', 'application/json'), 400);
    problem(await raw('POST', '/escalations', '', 'application/json'), 400);
  });

  it('requests Node refuses before Fastify (unknown method, headers too large) are problem details too', async () => {
    const send = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(t.svc.apiUrl);
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (d: Buffer) => (answer += d.toString()));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    const bad = await send('FOO /escalations HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bad).toMatch(/content-type: application\/problem\+json/i);
    const big = await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toMatch(/headers-too-large/);
  });

  it('DELETE, PUT, PATCH on existing routes -> 405 with Allow', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/escalations', 'GET, HEAD, POST'],
      ['PUT', '/escalations/live-delivery:any', 'GET, HEAD'],
      ['PATCH', '/escalations/live-delivery:any', 'GET, HEAD'],
      ['GET', '/escalations/live-delivery:any/events', 'POST'],
      ['DELETE', '/playbooks', 'GET, HEAD'],
    ] as const) {
      const r = await raw(method, path);
      problem(r, 405);
      expect(r.headers.get('allow')).toBe(allow);
    }
  });

  it('unknown query parameters -> 400 naming them', async () => {
    const p = problem(await http(t.svc.apiUrl, 'GET', '/escalations?limit=5&colour=blue'), 400);
    expect(fields(p)).toEqual(['/colour']);
    problem(await http(t.svc.apiUrl, 'GET', '/playbooks?x=1'), 400);
  });

  it('a number in the query not written in decimal -> 400 naming it (never read as another number)', async () => {
    // Ajv alone read 0x10 as 16 and 1e1 as 10.
    for (const limit of ['0x10', '1e1', '1.5', '%2010', '']) {
      const p = problem(await http(t.svc.apiUrl, 'GET', `/escalations?limit=${limit}`), 400);
      expect(fields(p), limit).toEqual(['/limit']);
    }
    expect((await http(t.svc.apiUrl, 'GET', '/escalations?limit=010')).status).toBe(200);
  });

  it('an event with a bad instant or link -> 400 naming it', async () => {
    // Validated per playbook before Temporal is asked anything: the escalation need not exist to
    // prove the schema, but it must, to know its playbook.
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', {
      playbook: 'live-delivery',
      input: liveDeliveryInput('participant-no-show', Date.now() + 20 * MIN),
    });
    expect(created.status).toBe(201);
    const path = `/escalations/${encodeURIComponent(created.body.id)}/events`;
    const instant = problem(await http(t.svc.apiUrl, 'POST', path, { type: 'details-mismatch', clientStartTime: '2026-12-31T23:59:60Z' }), 400);
    expect(fields(instant)).toEqual(['/clientStartTime']);
    const l = problem(await http(t.svc.apiUrl, 'POST', path, { type: 'details-mismatch', clientSessionLink: 'javascript:alert(1)' }), 400);
    expect(fields(l)).toEqual(['/clientSessionLink']);
    // The instant an event is judged at is the API's (receivedAt): a client's, even a valid one, is refused.
    const stamped = problem(await http(t.svc.apiUrl, 'POST', path, { type: 'participants-arrived', count: 4, receivedAt: new Date(Date.now() - MIN).toISOString() }), 400);
    expect(fields(stamped)).toEqual(['/receivedAt']);
    expect(stamped.detail).toContain('set by the API');
    // Names of Object's own members are unknown event types, not a crash.
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(fields(problem(await http(t.svc.apiUrl, 'POST', path, { type }), 400))).toEqual(['/type']);
    }
    await t.svc.client.workflow.getHandle(created.body.id).terminate('test done');
  });

  it('none of the bad inputs started a workflow', async () => {
    const ids = await workflowIds();
    // Only the one valid escalation of the event test above.
    expect(ids).toHaveLength(1);
  });
});

describe('ids: the schema and the router agree', () => {
  it('an id of 150 and of 200 characters (with colons) -> 201, and GET and events on its Location work', async () => {
    for (const length of [150, 200]) {
      const input = facilitatorNoShow(Date.now() + 20 * MIN);
      const id = `live-delivery:${'b'.repeat(length - 'live-delivery:'.length - 4)}:${String(length).padStart(3, '0')}`;
      expect(id).toHaveLength(length);
      const created = await raw('POST', '/escalations', JSON.stringify({ playbook: 'live-delivery', id, input }), 'application/json');
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      const read = await http<{ id: string }>(t.svc.apiUrl, 'GET', location);
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(id);
      const event = await http(t.svc.apiUrl, 'POST', `${location}/events`, { type: 'facilitator-reached', actor: 'desk-agent' });
      expect(event.status).toBe(200);
      await t.svc.client.workflow.getHandle(id).terminate('test done');
    }
  });
});

describe('the OpenAPI document matches what is served', () => {
  interface Op {
    operationId?: string;
    parameters?: { name: string; in: string; required?: boolean }[];
    requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
    responses: Record<string, { content?: Record<string, unknown> }>;
  }
  let doc: { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    doc = (await http<typeof doc>(t.svc.apiUrl, 'GET', '/openapi.json')).body;
  });

  it('every 4xx/5xx is application/problem+json, every operation has an id and documents 500', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses)).toContain('500');
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
    const post = doc.paths['/escalations']!.post!;
    // 401/403/429: every route that needs a credential (src/auth/http.ts).
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '202', '400', '401', '403', '409', '413', '415', '422', '429', '500', '503', '504']);
    // 202: Prefer: return=representation with no worker in time (issue 17 item 2): the reference, Location and Retry-After.
    const accepted = post.responses['202'] as unknown as { headers: Record<string, unknown>; content: Record<string, { schema: { properties: object } }> };
    expect(Object.keys(accepted.headers).sort()).toEqual(['location', 'retry-after']);
    expect(Object.keys(accepted.content['application/json']!.schema.properties).sort()).toEqual(['id', 'links', 'playbook', 'runId']);
    expect(Object.keys(doc.paths['/escalations/{id}']!.get!.responses)).toEqual(expect.arrayContaining(['404', '414', '503', '504']));
  });

  it('limit has a default and is not required', () => {
    const limit = doc.paths['/escalations']!.get!.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.required).toBeFalsy();
  });

  it("POST /escalations publishes each playbook's input: oneOf discriminated by playbook", () => {
    const schema = doc.paths['/escalations']!.post!.requestBody!.content['application/json']!.schema as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(schema.discriminator.propertyName).toBe('playbook');
    expect(Object.keys(schema.discriminator.mapping).sort()).toEqual(Object.keys(playbooks).sort());
    for (const [name, ref] of Object.entries(schema.discriminator.mapping)) {
      const start = doc.components.schemas[ref.split('/').pop()!] as { properties: { playbook: { const: string }; input: { $ref: string } } };
      expect(start.properties.playbook.const).toBe(name);
      const input = doc.components.schemas[start.properties.input.$ref.split('/').pop()!] as Record<string, unknown>;
      const { title: _title, ...published } = input;
      expect(published).toEqual(publishedSchema(playbooks[name]!.inputSchema));
    }
  });

  it('a field with a default is never required (sessionFormat, callRetryMinutes)', () => {
    const input = doc.components.schemas.LiveDeliveryInput as { required: string[]; properties: { booking: { required: string[] } } };
    expect(input.required).not.toContain('callRetryMinutes');
    expect(input.properties.booking.required).not.toContain('sessionFormat');
  });

  it('events are published per type, discriminated by type', () => {
    const schema = doc.paths['/escalations/{id}/events']!.post!.requestBody!.content['application/json']!.schema as {
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(schema.discriminator.propertyName).toBe('type');
    const types = Object.values(playbooks).flatMap((p) => Object.keys(p.events));
    expect(Object.keys(schema.discriminator.mapping).sort()).toEqual([...new Set(types)].sort());
    const params = doc.paths['/escalations/{id}/events']!.post!.parameters!.map((p) => `${p.in}:${p.name}`);
    expect(params).toContain('header:idempotency-key');
  });
});
