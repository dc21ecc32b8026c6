// Data protection end to end (real dev server, worker and API with PAYLOAD_CODEC_KEYS): what
// Temporal stores is ciphertext (inputs, results, state, memo, the Web UI's summaries), search
// attributes carry no personal data, the API reads escalations decoded, and the Web UI's codec
// endpoint decodes the stored payloads for the UI's origin only. Rotation keeps old histories readable.
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { buildApp } from '../../src/app.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, newCodecKey, parseCodecKeys } from '../../src/temporal/codec.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { http, serviceTestEnv, until } from '../helpers/service.js';
import { ApiKeys, generateApiKey, hashApiKey } from '../../src/auth/api-keys.js';

const { History } = proto.temporal.api.history.v1;
const MIN = 60_000;
const UI_ORIGIN = 'http://127.0.0.1:8233';
const KEY = newCodecKey('2026-11');
const t = serviceTestEnv({ PAYLOAD_CODEC_KEYS: KEY });

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])),
  data: Buffer.from(p.data, 'base64').toString(),
});

describe('with PAYLOAD_CODEC_KEYS', () => {
  it('history at rest is ciphertext; the API and the codec endpoint decode it; search attributes hold no personal data', async () => {
    // The session started a minute ago: the desk phones the facilitator from the start (live-delivery
    // asks no call before it), so the decoded state has the call task with the name and number.
    const input = facilitatorNoShow(Date.now() - 1 * MIN);
    const secrets = [input.siteContact.email, input.siteContact.name, input.siteContact.phone!, input.facilitator.phone!, input.facilitator.name];
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Let it run a while: alert posted (activity input and result in the history), an event applied.
    await t.svc.outbox!.waitFor((r) => r.kind === 'slack' && r.escalationId === id, 15_000);
    const event = await http(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(id)}/events`, { type: 'facilitator-no-answer', actor: 'desk-agent' });
    expect(event.status).toBe(200);

    // What the server stores, read raw (no data converter).
    const raw = await until(
      () => t.svc.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: id } }),
      (h) => (h.history?.events ?? []).some((e) => e.workflowExecutionUpdateCompletedEventAttributes),
    );
    const bytes = Buffer.from(History.encode(raw.history!).finish());
    for (const secret of secrets) expect(bytes.includes(secret), `history bytes contain '${secret}'`).toBe(false);
    const started = raw.history!.events![0]!;
    const inputPayload = started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(inputPayload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(inputPayload.metadata!['encryption-key-id']!).toString()).toBe('2026-11');
    // The Web UI's summary (user metadata) and the memo are payloads: encrypted too.
    expect(Buffer.from(started.userMetadata!.summary!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    for (const memo of Object.values(started.workflowExecutionStartedEventAttributes!.memo!.fields!)) {
      expect(Buffer.from(memo.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    }
    // Search attributes are indexed in the clear: only the playbook, status and business time.
    const attributes = started.workflowExecutionStartedEventAttributes!.searchAttributes!.indexedFields!;
    expect(Object.keys(attributes).sort()).toEqual(['EscalationBusinessTime', 'EscalationPlaybook', 'EscalationStatus']);
    const attributeBytes = Buffer.concat(Object.values(attributes).map((p) => Buffer.from(p.data!)));
    for (const secret of secrets) expect(attributeBytes.includes(secret)).toBe(false);

    // The API reads it decoded (the call task names the facilitator and their phone).
    const view = await http<{ state: { tasks: { description: string }[] } }>(t.svc.apiUrl, 'GET', `/escalations/${encodeURIComponent(id)}`);
    expect(view.status).toBe(200);
    expect(view.body.state.tasks.map((t) => t.description)).toContain(`Phone ${input.facilitator.name} on ${input.facilitator.phone}`);

    // The codec endpoint decodes the stored input for the Web UI (its origin allowed by CORS), called
    // exactly as Web UI 2.54 calls it (with `?preserveStorageRefs=true`).
    const decoded = await fetch(`${t.svc.apiUrl}/codec/decode?preserveStorageRefs=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN },
      body: JSON.stringify({ payloads: [toJson(inputPayload as Payload)] }),
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const [plain] = body.payloads.map(fromJson);
    expect(plain!.metadata.encoding).toBe('json/plain');
    expect(JSON.parse(plain!.data)).toMatchObject({ siteContact: { email: input.siteContact.email } });

    // encode is the inverse (the UI uses it to send signals and queries).
    const encoded = await fetch(`${t.svc.apiUrl}/codec/encode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: body.payloads }),
    });
    const reencoded = ((await encoded.json()) as { payloads: { metadata: Record<string, string> }[] }).payloads[0]!;
    expect(Buffer.from(reencoded.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
  });

  it('CORS: the Web UI origin may call the codec endpoint, other origins get no CORS grant', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.svc.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The rest of the API sends no CORS headers.
    const other = await fetch(`${t.svc.apiUrl}/playbooks`, { headers: { origin: UI_ORIGIN } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses payloads it cannot decrypt with a problem naming the key', async () => {
    const stranger = new AesGcmPayloadCodec(parseCodecKeys(newCodecKey('other')));
    const [payload] = await stranger.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{}') }]);
    const r = await http<{ detail: string }>(t.svc.apiUrl, 'POST', '/codec/decode', { payloads: [toJson(payload!)] });
    expect(r.status).toBe(400);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.detail).toContain("key 'other'");
  });

  it('rotation: an API with a new key first still decodes payloads written with the old key, and encrypts with the new one', async () => {
    const rotated = new AesGcmPayloadCodec(parseCodecKeys(`${newCodecKey('2027-05')},${KEY}`));
    // Outside the embedded default the codec endpoint needs escalations:read.
    const uiKey = generateApiKey();
    const app = await buildApp({
      client: t.svc.client,
      taskQueue: 'escalations',
      directory: await loadExampleDirectory(),
      templates: await TemplateCatalog.load(),
      codec: rotated,
      codecCorsOrigins: [UI_ORIGIN],
      auth: { apiKeys: new ApiKeys([{ hash: hashApiKey(uiKey), tool: 'web-ui', scopes: ['escalations:read'] }]) },
      access: {},
      rateLimitPerMinute: 1000,
    });
    const authorization = `Bearer ${uiKey}`;
    try {
      const id = (await http<{ escalations: { id: string }[] }>(t.svc.apiUrl, 'GET', '/escalations?playbook=live-delivery')).body.escalations[0]!.id;
      const history = await t.svc.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: id } });
      const old = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]! as Payload;
      expect((await app.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [toJson(old)] } })).statusCode).toBe(401);
      const res = await app.inject({ method: 'POST', url: '/codec/decode', headers: { authorization }, payload: { payloads: [toJson(old)] } });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(fromJson(res.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads[0]!).data)).toHaveProperty('siteContact');
      const enc = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization }, payload: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') }] } });
      expect(Buffer.from(enc.json<{ payloads: { metadata: Record<string, string> }[] }>().payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('2027-05');
    } finally {
      await app.close();
    }
  });
});
