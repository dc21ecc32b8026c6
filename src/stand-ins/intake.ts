// The intake the numbering stand-ins share (the ticket target, the tracking list): a bearer token,
// injected failures, a JSON body the stand-in checks, a repeated Idempotency-Key answered with the
// record the first request made, and records numbered PREFIX-000001, PREFIX-000002, ... in a store
// (so records and the numbering go on across restarts when the store is a file).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, readBody, sendJson } from './http.js';
import { MemoryStore, nextNumber, type StandInStore } from './store.js';

/** What every numbered record keeps besides its own fields. */
export interface IntakeRecord {
  id: string;
  /** ISO instant it was received. */
  at: string;
  idempotencyKey: string | undefined;
}

export interface IntakeOptions {
  /** The only bearer token accepted. */
  token: string;
  /** Keeps records and the counter; default in memory only. */
  store?: StandInStore;
  /** Store collection (and counter name) of the records. */
  collection: string;
  /** Record ids are `<prefix>-000001`, ... */
  prefix: string;
}

export interface ReceiveOptions<R extends IntakeRecord> {
  /** The record's own fields from the parsed body, or the 400 answer's error when the body lacks them. */
  parse(body: unknown): Omit<R, keyof IntakeRecord> | string;
  /** The JSON answer for a record (201 when new, 200 for a repeated Idempotency-Key). */
  answer(record: R): Record<string, unknown>;
  /** Called once for each new record (e.g. to show it in the outbox). */
  added?(record: R): void;
}

export interface Intake<R extends IntakeRecord> {
  records(): R[];
  /** The next `times` requests answer with this HTTP status. */
  failNext(status: number, times?: number): void;
  /** Forgets the records (in the store too) and restarts the numbering. */
  reset(): void;
  /** Answers one POST: 401 without the token, an injected failure, 400 for a body that is not JSON or that `parse` refuses, else the record. */
  receive(req: IncomingMessage, res: ServerResponse, opts: ReceiveOptions<R>): Promise<void>;
}

export function createIntake<R extends IntakeRecord>(opts: IntakeOptions): Intake<R> {
  const store = opts.store ?? new MemoryStore();
  let records = store.list<R>(opts.collection);
  // A repeated Idempotency-Key is found without a scan of every record (a capacity run makes thousands).
  let byKey = new Map(records.flatMap((r) => (r.idempotencyKey ? [[r.idempotencyKey, r] as const] : [])));
  let failures: number[] = [];
  return {
    records: () => [...records],
    failNext(status, times = 1) {
      failures.push(...Array<number>(times).fill(status));
    },
    reset() {
      records = [];
      byKey = new Map();
      failures = [];
      store.transaction(() => {
        store.clear(opts.collection);
        store.delete('counters', opts.collection);
      });
    },
    async receive(req, res, { parse, answer, added }) {
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
      const fields = parse(body);
      if (typeof fields === 'string') return sendJson(res, 400, { error: fields });
      const key = req.headers['idempotency-key'] as string | undefined;
      const existing = key ? byKey.get(key) : undefined;
      if (existing) return sendJson(res, 200, answer(existing));
      const record = store.transaction(() => {
        const made = {
          id: `${opts.prefix}-${String(nextNumber(store, opts.collection)).padStart(6, '0')}`,
          at: new Date().toISOString(),
          idempotencyKey: key,
          ...fields,
        } as R;
        store.put(opts.collection, made.id, made);
        return made;
      });
      records.push(record);
      if (key) byKey.set(key, record);
      added?.(record);
      sendJson(res, 201, answer(record));
    },
  };
}
