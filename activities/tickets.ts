// Service-recovery tickets through a configured webhook (the ticketing system's intake endpoint).
// The Idempotency-Key makes a retried request return the ticket the first attempt created.
import { permanent } from './failures.js';

export interface TicketTarget {
  /** Endpoint that accepts `POST` JSON and answers `{ id, url? }`. */
  url: string;
  token?: string | undefined;
}

export interface RaiseTicketInput {
  escalationId: string;
  kind: 'service-recovery';
  title: string;
  description: string;
  data: Record<string, unknown>;
}

export interface RaisedTicket {
  ticketId: string;
  url?: string;
}

export function ticketActivities({ tickets }: { tickets: TicketTarget | undefined }) {
  return {
    async raiseTicket(input: RaiseTicketInput): Promise<RaisedTicket> {
      if (!tickets) throw permanent('no ticket target configured (TICKET_TARGET_URL)');
      const res = await fetch(tickets.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `${input.escalationId}/${input.kind}`,
          ...(tickets.token && { authorization: `Bearer ${tickets.token}` }),
        },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        throw permanent(`ticket target answered ${res.status}: ${text.slice(0, 300)}`);
      }
      if (!res.ok) throw new Error(`ticket target answered ${res.status}`);
      const body = JSON.parse(text) as { id?: unknown; url?: unknown };
      if (typeof body.id !== 'string') throw permanent('ticket target answered without a ticket id');
      return { ticketId: body.id, ...(typeof body.url === 'string' && { url: body.url }) };
    },
  };
}
