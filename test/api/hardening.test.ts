// Faults an adversarial tester found in the API, one kind each, against the real dev server, worker
// and API: an Idempotency-Key reused with another body, control characters in text fields,
// "must be equal to constant" once per union member, a too-early tech issue called a no-show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service.js';
import { facilitatorNoShow, liveDeliveryInput } from '../helpers/fixtures.js';
import { http, startTestService, type HttpResult } from '../helpers/service.js';
import { techReport } from '../helpers/tech-incident-fixtures.js';

const MIN = 60_000;
let svc: RunningService;

beforeAll(async () => {
  svc = await startTestService();
});

afterAll(async () => {
  await svc?.close();
});

interface Problem {
  type: string;
  status: number;
  detail?: string;
  errors?: { in: string; field: string; message: string }[];
}
interface Timeline {
  state: { timeline: { kind: string; data?: Record<string, unknown> }[] };
}

const problem = (r: HttpResult) => {
  expect(r.contentType).toContain('application/problem+json');
  expect(r.body.status).toBe(r.status);
  return r.body as unknown as Problem;
};
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A request that a loaded machine may answer 503 no-worker: sent again with the same key after Retry-After. */
async function send<T = Record<string, unknown>>(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const res = await http<T>(svc.apiUrl, method, path, body, undefined, { headers });
    if (res.status !== 503 || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

async function startLive(input = facilitatorNoShow(Date.now() + 20 * MIN)): Promise<string> {
  const created = await send<{ id: string }>('POST', '/escalations', { playbook: 'live-delivery', input });
  expect(created.status).toBe(201);
  return `/escalations/${encodeURIComponent(created.body.id)}`;
}

async function events(path: string): Promise<Timeline['state']['timeline']> {
  const r = await send<Timeline>('GET', path, undefined);
  expect(r.status).toBe(200);
  return r.body.state.timeline.filter((e) => e.kind.startsWith('event:'));
}

describe('Idempotency-Key reused with another body: 422, nothing applied', () => {
  it('fast path (no role rule): same key and body -> the first result; other fields or another type -> 422 naming the header', async () => {
    const path = await startLive();
    const key = `k-${unique()}`;
    const first = await send('POST', `${path}/events`, { type: 'facilitator-reached', eta: '20 minutes' }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    // Key order does not make another body.
    const again = await send('POST', `${path}/events`, { eta: '20 minutes', type: 'facilitator-reached' }, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const otherFields = await send('POST', `${path}/events`, { type: 'facilitator-reached', eta: '5 minutes' }, { 'idempotency-key': key });
    expect(otherFields.status).toBe(422);
    const p = problem(otherFields);
    expect(p.type).toMatch(/\/idempotency-key-reused$/);
    expect(p.errors).toEqual([{ in: 'headers', field: '/idempotency-key', message: expect.stringContaining(key) }]);

    const otherType = await send('POST', `${path}/events`, { type: 'facilitator-no-answer' }, { 'idempotency-key': key });
    expect(otherType.status).toBe(422);
    expect(problem(otherType).type).toMatch(/\/idempotency-key-reused$/);

    const applied = await events(path);
    expect(applied.map((e) => e.kind)).toEqual(['event:facilitator-reached']);
    expect(applied[0]!.data).toEqual({ eta: '20 minutes', receivedAt: expect.any(String) });
    // The key is the request's, not the event's: it is not on the timeline.
    expect(JSON.stringify(applied)).not.toContain(key);
  });

  it('rule-governed path (owner-acknowledged): the same holds after the role check', async () => {
    const path = await startLive();
    const key = `k-${unique()}`;
    const body = { type: 'owner-acknowledged', actor: 'booking-owner', takeOver: false };
    const first = await send('POST', `${path}/events`, body, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect((await send('POST', `${path}/events`, body, { 'idempotency-key': key })).status).toBe(200);
    const other = await send('POST', `${path}/events`, { ...body, takeOver: true }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(problem(other).type).toMatch(/\/idempotency-key-reused$/);
    const applied = await events(path);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.data).toEqual({ takeOver: false, receivedAt: expect.any(String) });
  });

  it('start-or-join (tech-incident): the same key with another report for the same problem -> 422, the count unchanged', async () => {
    const problemKey = `idem-${unique()}`;
    const key = `k-${unique()}`;
    const first = await send<{ id: string; result: { reports: number } }>('POST', '/escalations', { playbook: 'tech-incident', input: techReport(1, { problemKey }) }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const again = await send('POST', '/escalations', { playbook: 'tech-incident', input: techReport(1, { problemKey }) }, { 'idempotency-key': key });
    expect(again.status).toBe(201); // answered as the first time
    const other = await send('POST', '/escalations', { playbook: 'tech-incident', input: techReport(2, { problemKey }) }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(problem(other).type).toMatch(/\/idempotency-key-reused$/);
    const next = await send<{ result: { reports: number } }>('POST', '/escalations', { playbook: 'tech-incident', input: techReport(3, { problemKey }) }, { 'idempotency-key': `k-${unique()}` });
    expect(next.status).toBe(200);
    expect(next.body.result.reports).toBe(2);
  });

  it('start-once: the same key with other input for the same id -> 422 (without a key: 409 id-in-use)', async () => {
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    const id = `live-delivery:idem-key-${input.booking.id}`;
    const key = `k-${unique()}`;
    expect((await send('POST', '/escalations', { playbook: 'live-delivery', id, input }, { 'idempotency-key': key })).status).toBe(201);
    expect((await send('POST', '/escalations', { playbook: 'live-delivery', id, input }, { 'idempotency-key': key })).status).toBe(200);
    const changed = { ...input, facilitator: { name: 'Someone Else' } };
    const reused = await send('POST', '/escalations', { playbook: 'live-delivery', id, input: changed }, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(problem(reused).type).toMatch(/\/idempotency-key-reused$/);
    expect((await send('POST', '/escalations', { playbook: 'live-delivery', id, input: changed })).status).toBe(409);
  });
});

describe('control characters: 400 naming the field, nothing started or applied', () => {
  it('a session title with CR LF (e-mail header injection) or NUL', async () => {
    for (const title of ['Leading Essentials\r\nBcc: x@example.com', 'Leading\u0000Essentials']) {
      const input = facilitatorNoShow(Date.now() + 20 * MIN);
      input.booking.sessionTitle = title;
      const r = await send('POST', '/escalations', { playbook: 'live-delivery', input });
      expect(r.status).toBe(400);
      expect(problem(r).errors).toEqual([{ in: 'body', field: '/input/booking/sessionTitle', message: expect.stringMatching(/single line without control characters/) }]);
      expect((await http(svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(`live-delivery:${input.booking.id}-facilitator-no-show`)}`)).status).toBe(404);
    }
  });

  it('a client name with LF (it becomes an e-mail display name) -> 400', async () => {
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    input.siteContact.name = 'Dana\nClient';
    const r = await send('POST', '/escalations', { playbook: 'live-delivery', input });
    expect(r.status).toBe(400);
    expect(problem(r).errors!.map((e) => e.field)).toEqual(['/input/siteContact/name']);
  });

  it('an event: a single-line field refuses CR LF, a note refuses NUL and keeps its lines (CR LF read as LF)', async () => {
    const path = await startLive();
    const eta = await send('POST', `${path}/events`, { type: 'facilitator-reached', eta: '20 min\r\nBcc: x@example.com' });
    expect(eta.status).toBe(400);
    expect(problem(eta).errors!.map((e) => e.field)).toEqual(['/eta']);
    const nul = await send('POST', `${path}/events`, { type: 'facilitator-no-answer', note: 'rang twice\u0000' });
    expect(nul.status).toBe(400);
    expect(problem(nul).errors!.map((e) => e.field)).toEqual(['/note']);
    const lines = await send('POST', `${path}/events`, { type: 'facilitator-no-answer', note: 'rang twice\r\nvoicemail full' });
    expect(lines.status).toBe(200);
    const applied = await events(path);
    expect(applied.map((e) => e.data)).toEqual([{ note: 'rang twice\nvoicemail full', receivedAt: expect.any(String) }]);
  });
});

describe('a value outside a fixed list: one message naming the field and the values', () => {
  it('unknown playbook', async () => {
    const r = await send('POST', '/escalations', { playbook: 'no-such-playbook', input: {} });
    expect(r.status).toBe(400);
    const p = problem(r);
    expect(p.errors).toEqual([
      { in: 'body', field: '/playbook', message: 'must be one of: live-delivery, account-escalation, tech-incident, client-call, gameday-issue' },
    ]);
    expect(p.detail).not.toMatch(/constant/);
  });

  it('an enum field of an input, and the list filter', async () => {
    const input = { ...facilitatorNoShow(Date.now() + 20 * MIN), issueType: 'coffee-machine' };
    const r = await send('POST', '/escalations', { playbook: 'live-delivery', input });
    expect(r.status).toBe(400);
    expect(problem(r).errors).toEqual([
      { in: 'body', field: '/input/issueType', message: 'must be one of: facilitator-no-show, participant-no-show, tech-issue' },
    ]);
    const list = await send('GET', '/escalations?playbook=nope', undefined);
    expect(list.status).toBe(400);
    expect(problem(list).errors).toEqual([{ in: 'querystring', field: '/playbook', message: expect.stringMatching(/^must be one of: live-delivery, /) }]);
  });

  it('an unknown event type, and an enum field of an event', async () => {
    const path = await startLive();
    const type = await send('POST', `${path}/events`, { type: 'acknowledged' });
    expect(type.status).toBe(400);
    const [error] = problem(type).errors!;
    expect(error!.field).toBe('/type');
    expect(error!.message).toMatch(/^must be one of: owner-acknowledged, facilitator-reached, .* \(the event types of live-delivery\)$/);
    const decision = await send('POST', `${path}/events`, { type: 'late-facilitator', decision: 'maybe' });
    expect(decision.status).toBe(400);
    expect(problem(decision).errors).toEqual([{ in: 'body', field: '/decision', message: 'must be one of: wait, call-off' }]);
  });
});

describe('too early: the refusal names its own issue type and the window', () => {
  it('a tech issue reported two hours before the start is not called a no-show', async () => {
    const r = await send('POST', '/escalations', { playbook: 'live-delivery', input: liveDeliveryInput('tech-issue', Date.now() + 120 * MIN) });
    expect(r.status).toBe(400);
    const [error] = problem(r).errors!;
    expect(error!.field).toBe('/input/booking/startTime');
    expect(error!.message).toMatch(/a tech-issue is reported from 30 minutes before the start/);
    expect(error!.message).toMatch(/a tech issue reported earlier is a wrong date/);
    expect(error!.message).not.toMatch(/no-show/);
  });

  it('a participant no-show names the participant no-show', async () => {
    const r = await send('POST', '/escalations', { playbook: 'live-delivery', input: liveDeliveryInput('participant-no-show', Date.now() + 120 * MIN) });
    expect(r.status).toBe(400);
    expect(problem(r).errors![0]!.message).toMatch(/a participant-no-show is reported from 30 minutes .*a participant no-show cannot precede the start/);
  });
});
