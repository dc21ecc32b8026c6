// Issue 17 item 18: an e-mail address the start accepted was refused later by the e-mail sender (the
// client never told, nobody told). One rule now (workflows/kit/schemas/email.ts) serves every input
// field that holds an address, the directory file and the sender: a bad address is a 400 naming the
// field, and nothing starts. Against the real dev server, worker and API.
import { describe, expect, it } from 'vitest';
import type { TSchema } from 'typebox';
import { isValidEmailAddress as senderAccepts } from '../../activities/send-email.js';
import { DirectorySchema, parseDirectory } from '../../src/directory.js';
import { schemaErrors } from '../../src/http/schema-errors.js';
import { playbooks } from '../../src/playbooks.js';
import { accountEscalationInput } from '../helpers/account-fixtures.js';
import { clientCallInput } from '../helpers/client-call-fixtures.js';
import { facilitatorNoShow, loadExampleDirectory } from '../helpers/fixtures.js';
import { http, serviceTestEnv, type HttpResult } from '../helpers/service.js';

const MIN = 60_000;
const t = serviceTestEnv();

// What the tester sent, and what the sender (SendGrid) refuses or splits.
const BAD = ['a@b', 'user@[127.0.0.1]', '"a,b;c"@example.org', 'dana@localhost', 'dana client@example.org', 'a@-example.org'];

async function workflowIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const wf of t.svc.client.workflow.list()) ids.add(wf.workflowId);
  return ids;
}

async function refused(playbook: string, input: unknown, field: string) {
  const before = await workflowIds();
  const r: HttpResult = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook, input });
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.contentType).toContain('application/problem+json');
  const errors = (r.body as { errors: { field: string; message: string }[] }).errors;
  expect(errors).toEqual([{ in: 'body', field, message: expect.stringMatching(/must be an e-mail address like name@example.org/) }]);
  const started = [...(await workflowIds())].filter((id) => !before.has(id));
  expect(started).toEqual([]);
}

describe('an address the sender would refuse: 400 naming the field, nothing started', () => {
  for (const email of BAD) {
    it(`${JSON.stringify(email)} in live-delivery /input/siteContact/email, client-call /input/client/email, account-escalation /input/customerContact/email`, async () => {
      const live = facilitatorNoShow(Date.now() + 20 * MIN);
      live.siteContact.email = email;
      await refused('live-delivery', live, '/input/siteContact/email');
      const call = clientCallInput(Date.now() - MIN);
      await refused('client-call', { ...call, client: { ...call.client, email } }, '/input/client/email');
      const account = accountEscalationInput(Date.now() - MIN);
      await refused('account-escalation', { ...account, customerContact: { ...account.customerContact, email } }, '/input/customerContact/email');
    });
  }

  it('a good address is still accepted (the same input otherwise)', async () => {
    const live = facilitatorNoShow(Date.now() + 20 * MIN);
    live.siteContact.email = 'dana.client+events@mail.example.org';
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: live });
    expect(r.status).toBe(201);
  });
});

/** Every schema node with `format: email`, with its path. */
function emailFields(schema: unknown, path = ''): { path: string; schema: TSchema }[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const out = node.format === 'email' ? [{ path, schema: node as TSchema }] : [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      for (const [k, child] of Object.entries(value as Record<string, unknown>)) out.push(...emailFields(child, `${path}/${k}`));
    } else if (key === 'patternProperties') {
      for (const child of Object.values(value as Record<string, unknown>)) out.push(...emailFields(child, `${path}/*`));
    } else if (key === 'items' || key === 'additionalProperties') out.push(...emailFields(value, `${path}/*`));
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') for (const child of value as unknown[]) out.push(...emailFields(child, path));
  }
  return out;
}

describe('one rule: every address field of every schema, and the sender', () => {
  const schemas: [string, TSchema][] = [
    ...Object.values(playbooks).flatMap((def) => [
      [`${def.name} input`, def.inputSchema] as [string, TSchema],
      ...Object.entries(def.events).map(([type, schema]) => [`${def.name} event ${type}`, schema] as [string, TSchema]),
      ...(def.settings ? [[`${def.name} settings`, def.settings.schema] as [string, TSchema]] : []),
    ]),
    ['directory file', DirectorySchema],
  ];

  it('finds the address fields (the walk works)', () => {
    const paths = schemas.flatMap(([name, s]) => emailFields(s).map((f) => `${name} ${f.path}`));
    expect(paths.sort()).toEqual([
      'account-escalation input /customerContact/email',
      'client-call input /client/email',
      'directory file /organisation/emailFrom/email',
      'directory file /people/*/email',
      'live-delivery input /facilitator/email',
      'live-delivery input /siteContact/email',
      'tech-incident input /customerEmail',
    ]);
  });

  for (const [name, schema] of schemas) {
    it(`${name}: each address field refuses what the sender refuses, and takes what it takes`, () => {
      for (const field of emailFields(schema)) {
        for (const bad of BAD) {
          expect(senderAccepts(bad)).toBe(false);
          expect(schemaErrors(field.schema, bad), `${name} ${field.path} accepts ${bad}`).not.toHaveLength(0);
        }
        expect(schemaErrors(field.schema, 'dana.client@example.org')).toEqual([]);
        expect(senderAccepts('dana.client@example.org')).toBe(true);
      }
    });
  }

  it('the directory file: an address the sender would refuse fails at load, naming the person', async () => {
    const data = structuredClone((await loadExampleDirectory()).data) as { people: Record<string, Record<string, unknown>> };
    data.people['csm']!.email = 'riley@localhost';
    expect(() => parseDirectory(data)).toThrow(/people\/csm\/email: must be an e-mail address/);
  });
});

describe('a control character is named as sent (CR LF is CR, not the LF it is read as)', () => {
  it('a session title with CR LF at the start; an event field with a lone CR', async () => {
    const input = facilitatorNoShow(Date.now() + 20 * MIN);
    input.booking.sessionTitle = 'Leading Essentials\r\nBcc: x@example.com';
    const r = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect(r.status).toBe(400);
    expect((r.body as { errors: unknown[] }).errors).toEqual([
      { in: 'body', field: '/input/booking/sessionTitle', message: 'must be a single line without control characters (found CR)' },
    ]);
    // An LF sent as LF is still named LF.
    input.booking.sessionTitle = 'Leading\nEssentials';
    const lf = await http(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input });
    expect((lf.body as { errors: { message: string }[] }).errors[0]!.message).toBe('must be a single line without control characters (found LF)');

    const good = facilitatorNoShow(Date.now() + 20 * MIN);
    const created = await http<{ id: string }>(t.svc.apiUrl, 'POST', '/escalations', { playbook: 'live-delivery', input: good });
    expect(created.status).toBe(201);
    const ev = await http(t.svc.apiUrl, 'POST', `/escalations/${encodeURIComponent(created.body.id)}/events`, { type: 'facilitator-reached', eta: '20 min\rlater' });
    expect(ev.status).toBe(400);
    expect((ev.body as { errors: unknown[] }).errors).toEqual([
      { in: 'body', field: '/eta', message: 'must be a single line without control characters (found CR)' },
    ]);
  });
});
