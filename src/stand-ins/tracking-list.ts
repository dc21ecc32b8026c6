// A local tracking list (tech-incident's technical-cases list) for the embedded default and the
// tests: a real HTTP server that keeps each row, numbers rows TC-000001, TC-000002, ..., answers a
// repeated Idempotency-Key with the row the first request added, and fails on request. With a store,
// rows and the numbering go on across restarts; each new row goes to the outbox.
//
//   POST /rows        { escalationId, list, title, fields } -> 201 { id, url, listUrl }
//   GET  /rows        every row (JSON); ?problemKey=... only that problem's rows (the list link)
//   GET  /rows/{id}   one row (the row link)
import { sendJson, startServer } from './http.js';
import { createIntake, type IntakeRecord } from './intake.js';
import type { Outbox } from './outbox.js';
import type { StandInStore } from './store.js';

export interface StandInTrackingRow extends IntakeRecord {
  escalationId: string | undefined;
  list: string;
  title: string;
  fields: Record<string, unknown>;
}

export interface TrackingListStandIn {
  /** POST endpoint for the tracking activity (TRACKING_TARGET_URL). */
  readonly url: string;
  rows(): StandInTrackingRow[];
  /** The next `times` requests answer with this HTTP status. */
  failNext(status: number, times?: number): void;
  /** Forgets rows (in the store too) and restarts the numbering. */
  reset(): void;
  close(): Promise<void>;
}

export interface TrackingListStandInOptions {
  token: string;
  host?: string;
  port?: number;
  /** Where new rows are shown (the dev outbox page). */
  outbox?: Outbox;
  /** Keeps rows and the row counter across restarts; default in memory only. */
  store?: StandInStore;
}

export async function startTrackingListStandIn(opts: TrackingListStandInOptions): Promise<TrackingListStandIn> {
  const intake = createIntake<StandInTrackingRow>({ token: opts.token, ...(opts.store && { store: opts.store }), collection: 'tracking-rows', prefix: 'TC' });
  let origin = '';
  const links = (row: StandInTrackingRow) => {
    const problemKey = typeof row.fields.problemKey === 'string' ? row.fields.problemKey : undefined;
    return {
      url: `${origin}/rows/${encodeURIComponent(row.id)}`,
      listUrl: `${origin}/rows${problemKey ? `?problemKey=${encodeURIComponent(problemKey)}` : ''}`,
    };
  };
  const server = await startServer(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (req.method === 'GET' && url.pathname === '/rows') {
        const problemKey = url.searchParams.get('problemKey');
        return sendJson(res, 200, { rows: intake.records().filter((r) => problemKey === null || r.fields.problemKey === problemKey) });
      }
      if (req.method === 'GET' && url.pathname.startsWith('/rows/')) {
        const row = intake.records().find((r) => r.id === decodeURIComponent(url.pathname.slice('/rows/'.length)));
        return row ? sendJson(res, 200, row) : sendJson(res, 404, { error: 'no such row' });
      }
      if (req.method !== 'POST' || url.pathname !== '/rows') return sendJson(res, 404, { error: 'not found' });
      return intake.receive(req, res, {
        parse: (body) => {
          const { escalationId, list, title, fields } = (body ?? {}) as { escalationId?: unknown; list?: unknown; title?: unknown; fields?: unknown };
          if (typeof title !== 'string' || typeof list !== 'string' || !fields || typeof fields !== 'object' || Array.isArray(fields)) {
            return 'list, title and fields (an object) are required';
          }
          return { escalationId: typeof escalationId === 'string' ? escalationId : undefined, list, title, fields: fields as Record<string, unknown> };
        },
        answer: (row) => ({ id: row.id, ...links(row) }),
        added: (row) =>
          opts.outbox?.append({
            kind: 'tracking-row',
            at: row.at,
            ...(row.escalationId && { escalationId: row.escalationId }),
            rowId: row.id,
            list: row.list,
            title: row.title,
            fields: row.fields,
            ...links(row),
          }),
      });
    },
    opts.host,
    opts.port,
  );
  origin = server.origin;
  return {
    url: `${server.origin}/rows`,
    rows: intake.records,
    failNext: intake.failNext,
    reset: intake.reset,
    close: () => server.close(),
  };
}
