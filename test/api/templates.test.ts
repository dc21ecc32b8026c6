// GET /templates and GET /templates/{name}/preview on a bare Fastify instance with the plugin, the
// problem handlers and swagger (so the schemas are proven to land in the OpenAPI document).
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateCatalog, templateNames } from '../../activities/email/templates.js';
import { ProblemSchema, registerProblemHandlers } from '../../src/problem.js';
import { templateRoutes } from '../../src/routes/templates.js';

let app: FastifyInstance;
let templates: TemplateCatalog;

beforeAll(async () => {
  templates = await TemplateCatalog.load();
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } } }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(swagger, { openapi: { info: { title: 'test', version: '0' } } });
  app.addSchema(ProblemSchema);
  registerProblemHandlers(app);
  await app.register(templateRoutes, { templates });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

const problem = (r: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => {
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  const body = r.json() as { status: number; type: string; title: string; detail?: string };
  expect(body.status).toBe(r.statusCode);
  return body;
};

describe('GET /templates', () => {
  it('lists every template with description, locales and required values', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates' });
    expect(r.statusCode).toBe(200);
    const { templates: list } = r.json<{ templates: { name: string; description: string; locales: string[]; requiredValues: string[] }[] }>();
    expect(list.map((t) => t.name)).toEqual([...templateNames]);
    for (const t of list) {
      expect(t.description.length).toBeGreaterThan(20);
      expect(t.locales).toEqual(['en', 'de']);
      expect(t.requiredValues).toContain('clientName');
      // Session emails name the session; the account-escalation follow-up is about an account.
      if (t.name !== 'account-follow-up') expect(t.requiredValues).toContain('sessionTitle');
    }
  });
});

describe('GET /templates/{name}/preview', () => {
  it('renders HTML with the example values, defaulting to English', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/facilitator-no-show/preview' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.body).toMatch(/^<!doctype html>/i);
    const example = templates.exampleValues('facilitator-no-show', 'en');
    expect(r.body).toContain(example.clientName);
    expect(r.body).toContain(example.facilitatorName);
    expect(r.body).toContain(example.startTimeLabel);
    expect(r.body).not.toMatch(/\{\{|\}\}/);
    expect(r.body).toBe(templates.render('facilitator-no-show', 'en', example).html);
  });

  it('renders every template in every locale', async () => {
    for (const name of templateNames) {
      for (const locale of ['en', 'de'] as const) {
        const r = await app.inject({ method: 'GET', url: `/templates/${name}/preview?locale=${locale}` });
        expect(r.statusCode, `${name} ${locale}`).toBe(200);
        expect(r.body).toContain(templates.exampleValues(name, locale).clientName!);
      }
    }
  });

  it('German preview is the German template', async () => {
    const de = await app.inject({ method: 'GET', url: '/templates/tech-issue-cancelled/preview?locale=de' });
    const en = await app.inject({ method: 'GET', url: '/templates/tech-issue-cancelled/preview?locale=en' });
    expect(de.statusCode).toBe(200);
    expect(de.body).toContain('lang="de"');
    expect(de.body).not.toBe(en.body);
  });

  it('format=text gives the subject and the plain-text part', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/participant-no-show/preview?locale=en&format=text' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    const rendered = templates.render('participant-no-show', 'en', templates.exampleValues('participant-no-show', 'en'));
    expect(r.body).toBe(`Subject: ${rendered.subject}\n\n${rendered.text}\n`);
    expect(r.body).not.toContain('<');
  });

  it('flags pick the situation: an owner online, a session on another day; an unknown flag is a 400', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/facilitator-no-show/preview?format=text&flags=ownerOnline,otherDay' });
    expect(r.statusCode).toBe(200);
    const example = templates.exampleValues('facilitator-no-show', 'en');
    expect(r.body).toContain(example.partnerName);
    expect(r.body).toContain(`Subject: ${example.startDateLabel}, ${example.startTimeLabel}`);
    expect(r.body).not.toMatch(/out of the office|today/i);
    const bad = await app.inject({ method: 'GET', url: '/templates/facilitator-no-show/preview?flags=ownerAway' });
    expect(bad.statusCode).toBe(400);
  });

  it('unknown template -> 404 problem', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/no-such-template/preview' });
    expect(r.statusCode).toBe(404);
    expect(problem(r).detail).toContain("'no-such-template'");
  });

  it('unknown locale -> 400 problem naming /locale', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/facilitator-no-show/preview?locale=fr' });
    expect(r.statusCode).toBe(400);
    const body = problem(r) as { errors?: { in: string; field: string }[] };
    expect(body.errors?.map((e) => `${e.in} ${e.field}`)).toContain('querystring /locale');
  });

  it('unknown format -> 400 problem', async () => {
    const r = await app.inject({ method: 'GET', url: '/templates/facilitator-no-show/preview?format=pdf' });
    expect(r.statusCode).toBe(400);
    problem(r);
  });
});

describe('OpenAPI', () => {
  it('documents both routes with their schemas', () => {
    const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: { enum?: string[] } }[]; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const list = doc.paths['/templates']?.get;
    expect(list?.responses['200']?.content?.['application/json']).toBeDefined();
    const preview = doc.paths['/templates/{name}/preview']?.get;
    expect(preview).toBeDefined();
    const locale = preview?.parameters?.find((p) => p.name === 'locale');
    expect(locale?.in).toBe('query');
    expect(locale?.schema.enum).toEqual(['en', 'de']);
    expect(Object.keys(preview?.responses['200']?.content ?? {})).toEqual(['text/html', 'text/plain']);
    expect(Object.keys(preview?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404']));
  });
});
