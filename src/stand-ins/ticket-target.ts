// A local ticketing intake: records each ticket, numbers it SR-000001, SR-000002, ... (the numbers go
// on across restarts when it has a store), and answers a repeated Idempotency-Key with the ticket it
// already made (as the activity relies on). Each new ticket also goes to the outbox.
import { sendJson, startServer } from './http.js';
import { createIntake, type IntakeRecord } from './intake.js';
import type { Outbox } from './outbox.js';
import type { StandInStore } from './store.js';

export interface StandInTicket extends IntakeRecord {
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

export async function startTicketTargetStandIn(opts: TicketTargetStandInOptions): Promise<TicketTargetStandIn> {
  const intake = createIntake<StandInTicket>({ token: opts.token, ...(opts.store && { store: opts.store }), collection: 'tickets', prefix: 'SR' });
  const server = await startServer(
    async (req, res) => {
      if (req.method !== 'POST' || !req.url?.startsWith('/tickets')) return sendJson(res, 404, { error: 'not found' });
      return intake.receive(req, res, {
        parse: (body) =>
          body && typeof body === 'object' && typeof (body as { title?: unknown }).title === 'string' ? { body: body as Record<string, unknown> } : 'title is required',
        answer: (ticket) => ({ id: ticket.id }),
        added: ({ at, id, body }) =>
          opts.outbox?.append({
            kind: 'ticket',
            at,
            ...(typeof body.escalationId === 'string' && { escalationId: body.escalationId }),
            ticketId: id,
            title: body.title as string,
            ...(typeof body.description === 'string' && { description: body.description }),
            body,
          }),
      });
    },
    opts.host,
    opts.port,
  );
  return {
    url: `${server.origin}/tickets`,
    tickets: intake.records,
    failNext: intake.failNext,
    reset: intake.reset,
    close: () => server.close(),
  };
}
