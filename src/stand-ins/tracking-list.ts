// A local tracking list (tech-incident's technical-cases list) for the embedded default and the
// tests: a real HTTP server that keeps each row, numbers rows TC-000001, TC-000002, ..., answers a
// repeated Idempotency-Key with the row the first request added, and fails on request. With a store,
// rows and the numbering go on across restarts; each new row goes to the outbox.
//
//   POST /rows        { escalationId, list, title, fields } -> 201 { id, url, listUrl }
//   GET  /rows        every row (JSON); ?problemKey=... only that problem's rows (the list link)
//   GET  /rows/{id}   one row (the row link)
import { bearerToken, readBody, sendJson, startServer } from './http.js';
import type { Outbox } from './outbox.js';
import { MemoryStore, nextNumber, type StandInStore } from './store.js';

export interface StandInTrackingRow {
  id: string;
  at: string;
  idempotencyKey: string | undefined;
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

const ROWS = 'tracking-rows';

export async function startTrackingListStandIn(opts: TrackingListStandInOptions): Promise<TrackingListStandIn> {
  const store = opts.store ?? new MemoryStore();
  let rows = store.list<StandInTrackingRow>(ROWS);
  let failures: number[] = [];
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
        return sendJson(res, 200, { rows: rows.filter((r) => problemKey === null || r.fields.problemKey === problemKey) });
      }
      if (req.method === 'GET' && url.pathname.startsWith('/rows/')) {
        const row = rows.find((r) => r.id === decodeURIComponent(url.pathname.slice('/rows/'.length)));
        return row ? sendJson(res, 200, row) : sendJson(res, 404, { error: 'no such row' });
      }
      if (req.method !== 'POST' || url.pathname !== '/rows') return sendJson(res, 404, { error: 'not found' });
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
      const fields = (body as { fields?: unknown } | null)?.fields;
      const title = (body as { title?: unknown } | null)?.title;
      const list = (body as { list?: unknown } | null)?.list;
      if (typeof title !== 'string' || typeof list !== 'string' || !fields || typeof fields !== 'object' || Array.isArray(fields)) {
        return sendJson(res, 400, { error: 'list, title and fields (an object) are required' });
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      const existing = key ? rows.find((r) => r.idempotencyKey === key) : undefined;
      if (existing) return sendJson(res, 200, { id: existing.id, ...links(existing) });
      const escalationId = (body as { escalationId?: unknown }).escalationId;
      const row = store.transaction(() => {
        const made: StandInTrackingRow = {
          id: `TC-${String(nextNumber(store, ROWS)).padStart(6, '0')}`,
          at: new Date().toISOString(),
          idempotencyKey: key,
          escalationId: typeof escalationId === 'string' ? escalationId : undefined,
          list,
          title,
          fields: fields as Record<string, unknown>,
        };
        store.put(ROWS, made.id, made);
        return made;
      });
      rows.push(row);
      opts.outbox?.append({
        kind: 'tracking-row',
        at: row.at,
        ...(row.escalationId && { escalationId: row.escalationId }),
        rowId: row.id,
        list: row.list,
        title: row.title,
        fields: row.fields,
        ...links(row),
      });
      sendJson(res, 201, { id: row.id, ...links(row) });
    },
    opts.host,
    opts.port,
  );
  origin = server.origin;
  return {
    url: `${server.origin}/rows`,
    rows: () => [...rows],
    failNext(status, times = 1) {
      failures.push(...Array<number>(times).fill(status));
    },
    reset() {
      rows = [];
      failures = [];
      store.transaction(() => {
        store.clear(ROWS);
        store.delete('counters', ROWS);
      });
    },
    close: () => server.close(),
  };
}
