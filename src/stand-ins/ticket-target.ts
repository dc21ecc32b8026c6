// A local ticketing intake: records each ticket, numbers it SR-000001, SR-000002, ... (the numbers go
// on across restarts when it has a store), and answers a repeated Idempotency-Key with the ticket it
// already made (as the activity relies on). Each new ticket also goes to the outbox.
import { bearerToken, readBody, sendJson, startServer } from './http.js';
import type { Outbox } from './outbox.js';
import { MemoryStore, nextNumber, type StandInStore } from './store.js';

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
  /** Forgets tickets (in the store too) and restarts the numbering. */
  reset(): void;
  close(): Promise<void>;
}

export interface TicketTargetStandInOptions {
  token: string;
  host?: string;
  port?: number;
  /** Where new tickets are shown (the dev outbox page). */
  outbox?: Outbox;
  /** Keeps tickets and the ticket counter across restarts; default in memory only. */
  store?: StandInStore;
}

const TICKETS = 'tickets';

export async function startTicketTargetStandIn(opts: TicketTargetStandInOptions): Promise<TicketTargetStandIn> {
  const store = opts.store ?? new MemoryStore();
  let tickets = store.list<StandInTicket>(TICKETS);
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
      const fields = body as Record<string, unknown>;
      const ticket = store.transaction(() => {
        const made: StandInTicket = {
          id: `SR-${String(nextNumber(store, TICKETS)).padStart(6, '0')}`,
          at: new Date().toISOString(),
          idempotencyKey: key,
          body: fields,
        };
        store.put(TICKETS, made.id, made);
        return made;
      });
      tickets.push(ticket);
      opts.outbox?.append({
        kind: 'ticket',
        at: ticket.at,
        ...(typeof fields.escalationId === 'string' && { escalationId: fields.escalationId }),
        ticketId: ticket.id,
        title: fields.title as string,
        ...(typeof fields.description === 'string' && { description: fields.description }),
        body: fields,
      });
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
      store.transaction(() => {
        store.clear(TICKETS);
        store.delete('counters', TICKETS);
      });
    },
    close: () => server.close(),
  };
}
