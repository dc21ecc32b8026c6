// Development-only routes over the stand-ins' outbox: GET /dev/outbox (JSON) and
// GET /dev/outbox/view (HTML), where the Slack stand-in's buttons, /escalate and modals can be
// used as any workspace user (POST /dev/slack/*). Registered by the app on the embedded default,
// where the stand-ins replace Slack, SendGrid, the ticket intake and the CRM, and served by
// `npm run stand-ins` itself; answered only to requests from this machine.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireLoopback } from '../auth/local.js';
import { reservedKeys } from '../http/json-body.js';
import { HttpProblem, problems } from '../problem.js';
import type { Outbox } from '../stand-ins/outbox.js';
import { OutboxKind, OutboxRecord } from '../stand-ins/outbox-schema.js';
import { formValues } from '../stand-ins/outbox-view-slack.js';
import { OUTBOX_PAGE_CSP, renderOutboxPage } from '../stand-ins/outbox-view.js';
import type { AppResponse, SlackStandIn } from '../stand-ins/slack.js';

export interface DevOutboxOptions {
  outbox: Outbox;
  /** The Slack stand-in: the page acts as its users. */
  slack?: SlackStandIn | undefined;
  /** The API's origin for escalation links, when the page is not served by the API. */
  apiBase?: string | undefined;
}

/** Only this machine, and for POSTs only this page (no cross-site form posts). */
function localOnly(request: FastifyRequest): void {
  requireLoopback(request);
  if (request.method !== 'POST') return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== `http://${request.headers.host}`);
  if (crossSite) throw new HttpProblem(403, 'forbidden', 'Forbidden', '/dev/slack forms are accepted only from the outbox page itself');
}

const Form = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const StandInProblem = (detail: string) => new HttpProblem(400, 'stand-in', 'Bad request', detail);

const Filters = {
  escalationId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only records tied to this escalation.' })),
  kind: Type.Optional(OutboxKind),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'At most this many, newest first.' })),
};

export const OutboxQuery = Type.Object(Filters, { additionalProperties: false });

export const OutboxViewQuery = Type.Object(
  {
    ...Filters,
    refresh: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, description: 'Reload the page every N seconds.' })),
    as: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]+$', description: 'Act in Slack as this user (presses buttons, opens modals).' })),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'What the last action answered.' })),
  },
  { additionalProperties: false },
);

export const OutboxListResponse = Type.Object({ records: Type.Array(OutboxRecord) });

export const devOutboxRoutes: FastifyPluginAsyncTypebox<DevOutboxOptions> = async (app, { outbox, slack, apiBase }) => {
  app.addHook('onRequest', async (request) => localOnly(request));
  // The page's forms post form-encoded; accepted under /dev only.
  // Fields gathered in a Map, then own properties (a `__proto__` field never reaches a prototype), and
  // refused by name as in JSON bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
    const fields = new Map<string, string | string[]>();
    for (const [k, v] of new URLSearchParams(body as string)) {
      const had = fields.get(k);
      fields.set(k, had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v]);
    }
    const form = Object.fromEntries(fields);
    const reserved = reservedKeys(form);
    if (reserved.length > 0) {
      const errors = reserved.map((field) => ({ in: 'body', field, message: 'reserved key is not allowed' }));
      done(problems.validation(reserved.map((f) => `body ${f}: reserved key is not allowed`).join('; '), errors), undefined);
      return;
    }
    done(null, form);
  });

  app.get(
    '/dev/outbox',
    {
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['dev'],
        summary: 'What the local stand-ins received: Slack messages, emails, tickets, CRM cases and notes',
        operationId: 'listOutbox',
        description: 'Newest first. Only where the local stand-ins run (the embedded default, or `npm run stand-ins`).',
        querystring: OutboxQuery,
        response: { 200: OutboxListResponse },
      },
    },
    async (request) => ({ records: outbox.list({ ...request.query, limit: request.query.limit ?? 500 }) }),
  );

  app.get(
    '/dev/outbox/view',
    {
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['dev'],
        summary: 'The outbox as an HTML page',
        operationId: 'viewOutbox',
        querystring: OutboxViewQuery,
        produces: ['text/html'],
        response: { 200: { description: 'The outbox page', content: { 'text/html': { schema: Type.String() } } } },
      },
    },
    async (request, reply) => {
      const { refresh, as, note, ...filter } = request.query;
      const html = renderOutboxPage({
        records: outbox.list({ ...filter, limit: filter.limit ?? 500 }),
        filter,
        refreshSeconds: refresh,
        apiBase,
        ...(slack && {
          slack: {
            users: slack.users().filter((u) => !u.isBot).map((u) => ({ id: u.id, name: u.name })),
            as,
            note,
            channels: slack.channels().filter((c) => !c.isIm && !c.isMpim).map((c) => ({ id: c.id, name: c.name })),
            views: as ? slack.openViews(as) : [],
            ephemerals: as ? slack.ephemerals(as).reverse().map((m) => ({ channel: m.channel.name, ts: m.ts, text: m.text })) : [],
          },
        }),
      });
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', OUTBOX_PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(html);
    },
  );

  if (!slack) return;
  const stand = slack;

  /** Back to the page as the same user, with what the app answered when it was not a plain 200. */
  const back = async (reply: FastifyReply, user: string, res: AppResponse & { errors?: Record<string, string> }) => {
    // Let the app finish what it does after acknowledging (the event, the message update): in this
    // process its handler says when; from `npm run stand-ins`, give it a moment.
    const handler = (app as { slackHandler?: { drain(): Promise<void> } }).slackHandler;
    await Promise.race([handler ? handler.drain() : new Promise((r) => setTimeout(r, 1_000)), new Promise((r) => setTimeout(r, 5_000))]);
    const body = res.body as { text?: unknown; errors?: unknown } | string;
    const note =
      res.status !== 200
        ? `The app answered ${res.status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`
        : res.errors
          ? 'The form has errors (shown on its fields).'
          : typeof body === 'object' && typeof body?.text === 'string'
            ? body.text
            : undefined;
    const q = new URLSearchParams({ as: user, ...(note && { note: note.slice(0, 500) }) });
    return reply.redirect(`/dev/outbox/view?${q}`, 303);
  };
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const attempt = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpProblem) throw err;
      throw StandInProblem((err as Error).message);
    }
  };
  const hidden = { hide: true, tags: ['dev'], body: Form };
  const config = { auth: 'public' as const, rateLimit: false as const };

  app.post('/dev/slack/press', { config, schema: { ...hidden, summary: "Press a message's button as a Slack user" } }, async (request, reply) => {
    const f = request.body;
    const res = await attempt(() => stand.press({ user: one(f.user), channel: one(f.channel), ts: one(f.ts), actionId: one(f.actionId) }));
    return back(reply, one(f.user), res);
  });

  app.post('/dev/slack/command', { config, schema: { ...hidden, summary: 'Run /escalate as a Slack user' } }, async (request, reply) => {
    const f = request.body;
    const res = await attempt(() => stand.command({ user: one(f.user), channel: one(f.channel), command: '/escalate', text: one(f.text) }));
    return back(reply, one(f.user), res);
  });

  app.post('/dev/slack/views/:id', { config, schema: { ...hidden, summary: 'Submit a modal as its Slack user', params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const f = request.body;
    const user = one(f.user);
    const view = stand.openViews(user).find((v) => v.id === request.params.id);
    if (!view) throw StandInProblem(`no open modal ${request.params.id} for ${user}`);
    const res = await attempt(() => stand.submitView({ user, viewId: view.id, values: formValues(view, f) }));
    return back(reply, user, res);
  });

  app.post('/dev/slack/views/:id/select', { config, schema: { ...hidden, summary: 'Choose an option in a modal', params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const f = request.body;
    const res = await attempt(() => stand.selectInView({ user: one(f.user), viewId: request.params.id, actionId: one(f.actionId), value: one(f.value) }));
    return back(reply, one(f.user), res);
  });

  app.post('/dev/slack/views/:id/close', { config, schema: { ...hidden, summary: 'Cancel a modal', params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    stand.closeView(request.params.id);
    return reply.redirect(`/dev/outbox/view?${new URLSearchParams({ as: one(request.body.user) })}`, 303);
  });
};
