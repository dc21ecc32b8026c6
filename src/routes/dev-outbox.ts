// Development-only routes over the stand-ins' outbox: GET /dev/outbox (JSON) and
// GET /dev/outbox/view (HTML). Registered by the app in the embedded default, where the stand-ins
// replace Slack, SendGrid, the ticket intake and the CRM, and served by `npm run stand-ins` itself.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Outbox } from '../stand-ins/outbox.js';
import { OutboxKind, OutboxRecord } from '../stand-ins/outbox-schema.js';
import { OUTBOX_PAGE_CSP, renderOutboxPage } from '../stand-ins/outbox-view.js';

export interface DevOutboxOptions {
  outbox: Outbox;
  /** The API's origin for escalation links, when the page is not served by the API. */
  apiBase?: string | undefined;
}

const Filters = {
  escalationId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only records tied to this escalation.' })),
  kind: Type.Optional(OutboxKind),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'At most this many, newest first.' })),
};

export const OutboxQuery = Type.Object(Filters, { additionalProperties: false });

export const OutboxViewQuery = Type.Object(
  { ...Filters, refresh: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, description: 'Reload the page every N seconds.' })) },
  { additionalProperties: false },
);

export const OutboxListResponse = Type.Object({ records: Type.Array(OutboxRecord) });

export const devOutboxRoutes: FastifyPluginAsyncTypebox<DevOutboxOptions> = async (app, { outbox, apiBase }) => {
  app.get(
    '/dev/outbox',
    {
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
      const { refresh, ...filter } = request.query;
      const html = renderOutboxPage({
        records: outbox.list({ ...filter, limit: filter.limit ?? 500 }),
        filter,
        refreshSeconds: refresh,
        apiBase,
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
};
