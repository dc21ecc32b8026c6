// Rows on a tracking list through a configured webhook (tech-incident: the technical-cases tracking
// list every report goes on, seed 004 "trage deine Anliegen in die Technikfälle-Trackingliste ein").
// The Idempotency-Key makes a retried request return the row the first attempt added.
import { permanent } from './failures.js';

export interface TrackingTarget {
  /** Endpoint that accepts `POST` JSON and answers `{ id, url?, listUrl? }`. */
  url: string;
  token?: string | undefined;
}

export interface AddTrackingRowInput {
  escalationId: string;
  /** Which list, e.g. `technical-cases`. */
  list: string;
  /** One row per key, however often the request is retried (the Idempotency-Key). */
  key: string;
  /** One line naming the row, e.g. `login-502 #3: GRV-1203`. */
  title: string;
  /** The row's columns. */
  fields: Record<string, string | number | boolean | null>;
}

export interface TrackingRow {
  rowId: string;
  /** The row itself, where the list can link to it. */
  url?: string;
  /** The list (or its view filtered to this problem), for people to open. */
  listUrl?: string;
}

export function trackingActivities({ tracking }: { tracking: TrackingTarget | undefined }) {
  return {
    async addTrackingRow(input: AddTrackingRowInput): Promise<TrackingRow> {
      if (!tracking) throw permanent('no tracking list configured (TRACKING_TARGET_URL)');
      const res = await fetch(tracking.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': input.key,
          ...(tracking.token && { authorization: `Bearer ${tracking.token}` }),
        },
        body: JSON.stringify({ escalationId: input.escalationId, list: input.list, title: input.title, fields: input.fields }),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        throw permanent(`tracking list answered ${res.status}: ${text.slice(0, 300)}`);
      }
      if (!res.ok) throw new Error(`tracking list answered ${res.status}`);
      let body: { id?: unknown; url?: unknown; listUrl?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw permanent('tracking list answered without JSON');
      }
      if (typeof body.id !== 'string') throw permanent('tracking list answered without a row id');
      return {
        rowId: body.id,
        ...(typeof body.url === 'string' && { url: body.url }),
        ...(typeof body.listUrl === 'string' && { listUrl: body.listUrl }),
      };
    },
  };
}
