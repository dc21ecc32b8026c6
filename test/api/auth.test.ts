// Who may do what, over HTTP against the real dev server, worker and API: every route without a
// credential, with a wrong one and with the wrong scope; the actor is who the credential says; each
// role rule of each playbook refuses the wrong person (403 naming the rule, nothing changes but a
// refused attempt on the timeline) and lets the right one through. API keys come from a keys file;
// OIDC tokens are signed by a local issuer whose JWKS the API fetches.
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys.js';
import type { RunningService } from '../../src/service.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { facilitatorNoShow } from '../helpers/fixtures.js';
import { http, startTestService, useToken, type HttpResult } from '../helpers/service.js';

const MIN = 60_000;
const keys = {
  admin: generateApiKey(),
  reader: generateApiKey(),
  starter: generateApiKey(),
  sender: generateApiKey(),
  desk: generateApiKey(),
};
const scopes: Record<keyof typeof keys, string[]> = {
  admin: ['escalations:start', 'escalations:read', 'events:send', 'on-behalf-of'],
  reader: ['escalations:read'],
  starter: ['escalations:start'],
  sender: ['events:send'],
  desk: ['events:send', 'on-behalf-of'],
};

let svc: RunningService;
let keysFile: string;
let jwks: Server;
let issuer: string;
let signer: CryptoKey;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'auth-test-'));
  const file = join(dir, 'api-keys.yaml');
  keysFile = file;
  await writeFile(
    file,
    `keys:\n${Object.entries(keys)
      .map(([tool, key]) => `  ${tool}:\n    hash: ${hashApiKey(key)}\n    scopes: [${scopes[tool as keyof typeof keys].join(', ')}]\n`)
      .join('')}`,
  );
  const pair = await generateKeyPair('ES256', { extractable: true });
  signer = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test', alg: 'ES256' };
  jwks = createServer((req, res) => {
    if (req.url === '/realms/example/.well-known/openid-configuration') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    else if (req.url === '/realms/example/keys') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/realms/example`;
  svc = await startTestService({ API_KEYS_FILE: file, OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'escalation-engine' });
  useToken(svc.apiUrl, keys.admin);
});

afterAll(async () => {
  await svc?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const oidcToken = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test' }).setIssuer(issuer).setAudience('escalation-engine').setIssuedAt().setExpirationTime('5m').sign(signer);

type Problem = { type: string; status: number; detail?: string; rule?: string; errors?: { field: string }[] };
const asProblem = (r: HttpResult<unknown>, status: number) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.contentType).toContain('application/problem+json');
  return r.body as Problem;
};
const path = (id: string) => `/escalations/${encodeURIComponent(id)}`;

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of svc.client.workflow.list()) n += 1;
  return n;
}

describe('every route needs the right credential', () => {
  let id: string;
  beforeAll(async () => {
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });
    expect(created.status).toBe(201);
    id = created.body.id;
  });

  const routes = () => [
    { method: 'POST', path: '/escalations', body: { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) }, scope: 'escalations:start', wrong: 'sender' as const },
    { method: 'GET', path: '/escalations', scope: 'escalations:read', wrong: 'starter' as const },
    { method: 'GET', path: path(id), scope: 'escalations:read', wrong: 'sender' as const },
    { method: 'POST', path: `${path(id)}/events`, body: { type: 'facilitator-arrived' }, scope: 'events:send', wrong: 'reader' as const },
    { method: 'GET', path: '/playbooks' },
    { method: 'GET', path: '/templates' },
    { method: 'GET', path: '/templates/facilitator-no-show/preview' },
  ];

  it('without a credential, with an unknown key, with a malformed header or a forged token: 401 problem+json with a Bearer challenge', async () => {
    const before = await workflowCount();
    for (const r of routes()) {
      for (const token of [null, generateApiKey(), 'eyJhbGciOiJub25lIn0.eyJhenAiOiJ4In0.']) {
        const res = await http(svc.apiUrl, r.method, r.path, r.body, undefined, { token });
        const p = asProblem(res, 401);
        expect(p.type).toMatch(/unauthorized$/);
      }
      const basic = await http(svc.apiUrl, r.method, r.path, r.body, undefined, { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      asProblem(basic, 401);
    }
    const res = await fetch(`${svc.apiUrl}/escalations`);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="escalation-engine"');
    expect(await workflowCount()).toBe(before);
  });

  it('with a key that lacks the scope: 403 naming it; nothing started, nothing delivered', async () => {
    const before = await workflowCount();
    for (const r of routes().filter((x) => x.scope)) {
      const res = await http(svc.apiUrl, r.method, r.path, r.body, undefined, { token: keys[r.wrong!] });
      const p = asProblem(res, 403);
      expect(p.type).toMatch(/insufficient-scope$/);
      expect(p.detail).toContain(`'${r.scope}'`);
    }
    expect(await workflowCount()).toBe(before);
    const state = await http<{ state: EscalationState }>(svc.apiUrl, 'GET', path(id));
    expect(state.body.state.outcome).toBeNull();
    expect(state.body.state.timeline.filter((e) => e.kind.startsWith('event:'))).toEqual([]);
  });

  it('with the scope: through (the documentation, health and readiness need none)', async () => {
    expect((await http(svc.apiUrl, 'GET', '/escalations', undefined, undefined, { token: keys.reader })).status).toBe(200);
    expect((await http(svc.apiUrl, 'GET', path(id), undefined, undefined, { token: keys.reader })).status).toBe(200);
    for (const p of ['/playbooks', '/templates']) expect((await http(svc.apiUrl, 'GET', p, undefined, undefined, { token: keys.sender })).status).toBe(200);
    for (const p of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
      expect((await fetch(`${svc.apiUrl}${p}`)).status, p).toBe(200);
    }
  });

  it('the OpenAPI document declares the schemes and each route its requirement', async () => {
    type Response = { content?: Record<string, { schema: unknown }> };
    type Operation = { security?: unknown; responses: Record<string, Response>; description?: string; requestBody?: { content: Record<string, { schema: { oneOf?: unknown[]; discriminator?: { propertyName: string } } }> } };
    const doc = await http<{ components: { securitySchemes: Record<string, { type: string; openIdConnectUrl?: string }> }; paths: Record<string, Record<string, Operation>> }>(
      svc.apiUrl,
      'GET',
      '/openapi.json',
    );
    expect(doc.body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.components.securitySchemes.oidc).toEqual(expect.objectContaining({ type: 'openIdConnect', openIdConnectUrl: `${issuer}/.well-known/openid-configuration` }));
    const start = doc.body.paths['/escalations']!.post!;
    expect(start.security).toEqual([{ apiKey: [] }, { oidc: ['escalations:start'] }]);
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
    // Documented as what is served: problem details, beside the playbooks' oneOf body.
    for (const status of ['401', '403', '429']) expect(Object.keys(start.responses[status]!.content ?? {}), status).toEqual(['application/problem+json']);
    expect(start.requestBody!.content['application/json']!.schema.discriminator?.propertyName).toBe('playbook');
    const deliver = doc.body.paths['/escalations/{id}/events']!.post!;
    expect(deliver.security).toEqual([{ apiKey: [] }, { oidc: ['events:send'] }]);
    expect(deliver.requestBody!.content['application/json']!.schema.discriminator?.propertyName).toBe('type');
    expect(deliver.description).toContain('refused-by-rule');
    expect(start.description).toContain('escalations:start');
    expect(doc.body.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.body.paths['/slack/interactions']).toBeUndefined();
  });

  it('security headers on every answer', async () => {
    const res = await fetch(`${svc.apiUrl}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    // Swagger UI sends its own policy (its scripts are files, no inline code), usable over plain http.
    const docs = await fetch(`${svc.apiUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' ;");
    expect(docs.headers.get('content-security-policy')).toContain("img-src 'self' data: validator.swagger.io");
    expect(docs.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });
});

describe('the actor is who the credential says', () => {
  it('a tool acts as itself; names the person it acts for only with on-behalf-of; an unknown person is a 400', async () => {
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });
    const events = `${path(created.body.id)}/events`;

    const named = await http(svc.apiUrl, 'POST', events, { type: 'facilitator-no-answer', actor: 'desk-agent' }, undefined, { token: keys.sender });
    expect(asProblem(named, 403).detail).toContain("'on-behalf-of'");

    const unknown = await http(svc.apiUrl, 'POST', events, { type: 'facilitator-no-answer', actor: 'someone-made-up' }, undefined, { token: keys.desk });
    expect(asProblem(unknown, 400).errors?.map((e) => e.field)).toEqual(['/actor']);

    expect((await http(svc.apiUrl, 'POST', events, { type: 'facilitator-no-answer' }, undefined, { token: keys.sender })).status).toBe(200);
    // The whole timeline (the default answer has only the entries this event added).
    const r = await http<EscalationState>(svc.apiUrl, 'POST', events, { type: 'facilitator-reached', actor: 'desk-agent' }, undefined, {
      token: keys.desk,
      headers: { prefer: 'return=representation' },
    });
    expect(r.status).toBe(200);
    const actors = r.body.timeline.filter((e) => e.kind.startsWith('event:')).map((e) => e.actor);
    expect(actors).toEqual(['tool:sender', 'tool:desk on behalf of desk-agent']);
  });

  it('the opening entry names who started it: reportedBy is set from the credential', async () => {
    const input = { ...facilitatorNoShow(Date.now() + 20 * MIN), reportedBy: 'desk-agent' };
    const refused = await http(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input }, undefined, { token: keys.starter });
    expect(asProblem(refused, 403).detail).toContain("'on-behalf-of'");
    const { reportedBy: _r, ...anonymous } = input;
    const byTool = await http<{ state: EscalationState }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: anonymous }, undefined, {
      token: keys.starter,
      headers: { prefer: 'return=representation' },
    });
    expect(byTool.status).toBe(201);
    expect(byTool.body.state.timeline[0]).toMatchObject({ kind: 'opened', actor: 'tool:starter' });
  });

  it("an OIDC user's token acts as that directory person and may not speak for another", async () => {
    const input = accountEscalationInput(Date.now());
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    const events = `${path(created.body.id)}/events`;
    const csm = await oidcToken({ sub: 'u-77', email: 'robin.success@example.com', scope: 'events:send escalations:read' });
    const note = await http<EscalationState>(svc.apiUrl, 'POST', events, { type: 'note', text: 'Called the customer.' }, undefined, { token: csm });
    expect(note.status).toBe(200);
    expect(note.body.timeline.find((e) => e.kind === 'event:note')?.actor).toBe('csm');
    const spoof = await http(svc.apiUrl, 'POST', events, { type: 'note', text: 'x', actor: 'cs-team-lead' }, undefined, { token: csm });
    expect(asProblem(spoof, 403).type).toMatch(/actor-mismatch$/);
    const noScope = await http(svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input: accountEscalationInput(Date.now()) }, undefined, { token: csm });
    expect(asProblem(noScope, 403).detail).toContain("'escalations:start'");
  });
});

describe('role rules over HTTP: 403 naming the rule, nothing changes, the attempt is on the timeline', () => {
  const as = (id: string, body: Record<string, unknown>) => http<EscalationState & Problem>(svc.apiUrl, 'POST', `${path(id)}/events`, body);
  const refused = async (id: string, body: Record<string, unknown>, rule: string) => {
    const before = (await http<{ state: EscalationState }>(svc.apiUrl, 'GET', path(id))).body.state;
    const p = asProblem(await as(id, body), 403);
    expect(p.type).toMatch(/refused-by-rule$/);
    expect(p.rule).toBe(rule);
    expect(p.detail).toContain(`(rule ${rule})`);
    // The refused attempt reaches the timeline (a signal), and nothing else moves.
    const after = await waitForTimeline(id, (t) => t.filter((e) => e.kind === 'event-refused').length > before.timeline.filter((e) => e.kind === 'event-refused').length);
    const entry = after.timeline.filter((e) => e.kind === 'event-refused').at(-1)!;
    expect(entry).toMatchObject({ actor: `tool:admin on behalf of ${String(body.actor)}`, data: { rule, event: body.type } });
    expect(entry.detail).toContain(`${String(body.type)} refused:`);
    // (Deadlines and case notes may move meanwhile from earlier events' follow-up work.)
    const applied = (s: EscalationState) => s.timeline.filter((e) => e.kind.startsWith('event:')).length;
    expect({ status: after.status, outcome: after.outcome, events: applied(after) }).toEqual({
      status: before.status,
      outcome: before.outcome,
      events: applied(before),
    });
  };
  async function waitForTimeline(id: string, ok: (t: EscalationState['timeline']) => boolean): Promise<EscalationState> {
    for (let i = 0; i < 100; i++) {
      const s = (await http<{ state: EscalationState }>(svc.apiUrl, 'GET', path(id))).body.state;
      if (ok(s.timeline)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timeline never showed the refused attempt');
  }

  it('live-delivery owner-acknowledges: the desk may not take over for the owner; the portfolio team lead may', async () => {
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: facilitatorNoShow(Date.now() + 20 * MIN) });
    const id = created.body.id;
    await refused(id, { type: 'owner-acknowledged', actor: 'desk-agent' }, 'owner-acknowledges');
    const ok = await http<EscalationState>(svc.apiUrl, 'POST', `${path(id)}/events`, { type: 'owner-acknowledged', actor: 'portfolio-team-lead' }, undefined, {
      headers: { prefer: 'return=representation' },
    });
    expect(ok.status).toBe(200);
    expect((ok.body.details as { handledBy: string }).handledBy).toBe('owner');
  });

  it('account-escalation: offer, finance decision, customer answer, skipping finance within the limit, meeting, churn', async () => {
    const input = accountEscalationInput(Date.now(), { explicit: true, account: { ...accountEscalationInput(0).account, mrr: { amount: 10_000, currency: 'USD' } } });
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input });
    expect(created.status).toBe(201);
    const id = created.body.id;

    await refused(id, { type: 'meeting-held', actor: 'cs-manager' }, 'meeting-held-by-csm-or-tl');
    expect((await as(id, { type: 'meeting-held', actor: 'cs-team-lead' })).status).toBe(200);

    await refused(id, { type: 'resolution-proposed', actor: 'accounting-analyst', offer: '20% off' }, 'offer-by-csm-or-tl');
    expect((await as(id, { type: 'resolution-proposed', actor: 'csm', offer: '20% off', mrrAfter: { amount: 8_000 } })).body.status).toBe('pending-finance');

    await refused(id, { type: 'finance-approved', actor: 'csm' }, 'finance-decision-by-accounting');
    await refused(id, { type: 'finance-denied', actor: 'cs-team-lead', reason: 'no' }, 'finance-decision-by-accounting');
    expect((await as(id, { type: 'finance-approved', actor: 'accounting-analyst' })).body.status).toBe('approved');

    await refused(id, { type: 'customer-rejected', actor: 'fmc-lead' }, 'outcome-by-csm-or-tl');
    expect((await as(id, { type: 'customer-rejected', actor: 'csm' })).body.status).toBe('renegotiation');

    const skip = { type: 'resolution-proposed', offer: '5% off', financeApproval: false };
    await refused(id, { ...skip, actor: 'csm', mrrAfter: { amount: 9_500 } }, 'finance-skip-by-team-lead');
    await refused(id, { ...skip, actor: 'cs-team-lead', mrrAfter: { amount: 8_500 } }, 'finance-skip-by-team-lead');
    const within = await as(id, { ...skip, actor: 'cs-team-lead', mrrAfter: { amount: 9_500 } });
    expect(within.status).toBe(200);
    expect(within.body.status).toBe('approved');

    await refused(id, { type: 'churned', actor: 'desk-agent' }, 'outcome-by-csm-or-tl');
    await refused(id, { type: 'customer-accepted', actor: 'accounting-analyst' }, 'outcome-by-csm-or-tl');
    expect((await as(id, { type: 'customer-accepted', actor: 'cs-team-lead' })).body.status).toBe('closed-retained');
  });

  it('an allowed person still meets the workflow: a decision that makes no sense now is a 409, not a 403', async () => {
    const created = await http<{ id: string }>(svc.apiUrl, 'POST', '/escalations', { playbook: 'account-escalation', input: accountEscalationInput(Date.now()) });
    expect((await as(created.body.id, { type: 'finance-approved', actor: 'accounting-analyst' })).status).toBe(409);
    const closed = await as('account-escalation:does-not-exist', { type: 'finance-approved', actor: 'csm' });
    expect(closed.status).toBe(404);
  });
});

describe('production settings: rate limits per credential, no /dev routes', () => {
  it('429 problem+json past the limit for one key, while another key goes on; /dev answers 404 outside the embedded default', async () => {
    const limited = await startTestService({ RATE_LIMIT_PER_MINUTE: '5', API_KEYS_FILE: keysFile, NODE_ENV: 'production' });
    try {
      expect((await fetch(`${limited.apiUrl}/dev/outbox/view`)).status).toBe(404);
      expect((await fetch(`${svc.apiUrl}/dev/outbox/view`)).status).toBe(200);
      const get = (token: string) => http(limited.apiUrl, 'GET', '/playbooks', undefined, undefined, { token });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await get(keys.reader)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const over = await get(keys.reader);
      expect(asProblem(over, 429).type).toMatch(/rate-limited$/);
      expect((await get(keys.sender)).status).toBe(200);
      // Health stays open.
      expect((await fetch(`${limited.apiUrl}/healthz`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
