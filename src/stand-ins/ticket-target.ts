// A local ticketing intake: records each ticket, numbers it, and answers a repeated
// Idempotency-Key with the ticket it already made (as the activity relies on).
import { bearerToken, readBody, sendJson, startServer } from './http.js';

export interface StandInTicket {
  id: string;
  at: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

export interface TicketTargetStandIn {
  /** POST endpoint for the ticket activity. */
  readonly url: string;
  tickets(): StandInTicket[];
  /** The next `times` requests answer with this HTTP status. */
  failNext(status: number, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startTicketTargetStandIn(opts: { token: string; host?: string; port?: number }): Promise<TicketTargetStandIn> {
  let tickets: StandInTicket[] = [];
  let failures: number[] = [];
  const server = await startServer(
    async (req, res) => {
      if (req.method !== 'POST' || !req.url?.startsWith('/tickets')) return sendJson(res, 404, { error: 'not found' });
      if (bearerToken(req) !== opts.token) return sendJson(res, 401, { error: 'invalid token' });
      const failure = failures.shift();
      if (failure) return sendJson(res, failure, { error: `injected ${failure}` });
      const text = (await readBody(req, 1024 * 1024)).body.toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
      if (!body || typeof body !== 'object' || typeof (body as { title?: unknown }).title !== 'string') {
        return sendJson(res, 400, { error: 'title is required' });
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      const existing = key ? tickets.find((t) => t.idempotencyKey === key) : undefined;
      if (existing) return sendJson(res, 200, { id: existing.id });
      const ticket = { id: `SR-${String(tickets.length + 1).padStart(6, '0')}`, at: new Date().toISOString(), idempotencyKey: key, body: body as Record<string, unknown> };
      tickets.push(ticket);
      sendJson(res, 201, { id: ticket.id });
    },
    opts.host,
    opts.port,
  );
  return {
    url: `${server.origin}/tickets`,
    tickets: () => [...tickets],
    failNext(status, times = 1) {
      failures.push(...Array<number>(times).fill(status));
    },
    reset() {
      tickets = [];
      failures = [];
    },
    close: () => server.close(),
  };
}
