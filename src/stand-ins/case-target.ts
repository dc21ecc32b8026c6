// A local case target (the CRM's escalation-case webhook) for the embedded default and the tests: a
// real HTTP server that records cases and their notes, numbers cases CASE-000001, CASE-000002, ...,
// answers a repeated Idempotency-Key with what the first request made, and fails on request. With a
// store, cases, notes and the numbering go on across restarts; new cases and notes go to the outbox.
//
//   POST /cases                     { escalationId, account: { id, name, ... }, ... } -> 201 { caseNumber, url }
//   POST /cases/{caseNumber}/notes  { key, kind, text, ... }                          -> 201 { noteId }
//   GET  /cases, GET /cases/{caseNumber}                                               (to look at them)
import { randomUUID } from 'node:crypto';
import { bearerToken, FailureQueue, readBody, sendJson, startServer } from './http.js';
import type { Outbox } from './outbox.js';
import { MemoryStore, nextNumber, type StandInStore } from './store.js';

export interface StandInCaseNote {
  noteId: string;
  receivedAt: string;
  idempotencyKey: string | undefined;
  kind: string;
  text: string;
  author: string | undefined;
  status: string | undefined;
  body: Record<string, unknown>;
}

export interface StandInCase {
  caseNumber: string;
  receivedAt: string;
  idempotencyKey: string | undefined;
  escalationId: string;
  accountId: string;
  accountName: string;
  /** The latest status a note reported. */
  status: string;
  body: Record<string, unknown>;
  notes: StandInCaseNote[];
}

/**
 * What the next matching request(s) do instead of succeeding:
 * - `{ status }`: answer that HTTP status (429 with `retryAfter` seconds);
 * - `{ acceptThenHang: ms }`: record the case or note, then answer `ms` late (an ambiguous failure).
 */
export type CaseTargetFailure = { status: number; retryAfter?: number } | { acceptThenHang: number };

/** Which requests a failure applies to. */
export type CaseTargetRoute = 'create-case' | 'add-note' | '*';

export interface CaseTargetStandIn {
  /** Base URL for CASE_TARGET_URL (no trailing slash). */
  readonly url: string;
  cases(): StandInCase[];
  case(caseNumber: string): StandInCase | undefined;
  /** Every request received, failures included. */
  requests(): { route: CaseTargetRoute; status: number; at: string }[];
  failNext(route: CaseTargetRoute, failure: CaseTargetFailure, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export interface CaseTargetStandInOptions {
  /** The only bearer token accepted; unset accepts requests without one. */
  token?: string;
  host?: string;
  port?: number;
  /** Number of the first case (default 1 -> CASE-000001). */
  firstCaseNumber?: number;
  /** Where new cases and notes are shown (the dev outbox page). */
  outbox?: Outbox;
  /** Keeps cases, notes and the case counter across restarts; default in memory only. */
  store?: StandInStore;
}

const CASES = 'cases';

const MAX_BODY = 1024 * 1024;
const clone = <T>(v: T): T => structuredClone(v);

export async function startCaseTargetStandIn(opts: CaseTargetStandInOptions = {}): Promise<CaseTargetStandIn> {
  const store = opts.store ?? new MemoryStore();
  let cases = store.list<StandInCase>(CASES);
  // Cases by number and by the Idempotency-Key that made them: every note and repeated create finds
  // its case without a scan of all of them (a capacity run makes one per account escalation).
  let byNumber = new Map(cases.map((c) => [c.caseNumber, c]));
  let byKey = new Map(cases.flatMap((c) => (c.idempotencyKey ? [[c.idempotencyKey, c] as const] : [])));
  let log: { route: CaseTargetRoute; status: number; at: string }[] = [];
  const failures = new FailureQueue<CaseTargetFailure>();

  const server = await startServer(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const noteMatch = /^\/cases\/([^/]+)\/notes\/?$/.exec(url.pathname);
      const caseMatch = /^\/cases\/([^/]+)\/?$/.exec(url.pathname);
      const isCases = /^\/cases\/?$/.test(url.pathname);

      if (req.method === 'GET' && isCases) return sendJson(res, 200, { cases: cases.map(clone) });
      if (req.method === 'GET' && caseMatch) {
        const found = byNumber.get(decodeURIComponent(caseMatch[1]!));
        return found ? sendJson(res, 200, clone(found)) : sendJson(res, 404, { error: 'case not found' });
      }
      const route: CaseTargetRoute | undefined = req.method === 'POST' && isCases ? 'create-case' : req.method === 'POST' && noteMatch ? 'add-note' : undefined;
      if (!route) return sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        log.push({ route, status, at: new Date().toISOString() });
        sendJson(res, status, body, headers);
      };

      if (opts.token !== undefined && bearerToken(req) !== opts.token) return answer(401, { error: 'invalid or missing bearer token' });
      const failure = failures.take(route);
      if (failure && 'status' in failure) {
        return answer(failure.status, { error: `injected failure ${failure.status}` }, failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {});
      }
      const { body: raw, tooLarge } = await readBody(req, MAX_BODY);
      if (tooLarge) return answer(413, { error: 'body too large' });
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return answer(400, { error: 'body must be a JSON object' });
      }
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      const hang = failure && 'acceptThenHang' in failure ? failure.acceptThenHang : 0;

      if (route === 'create-case') {
        const account = body.account as { id?: unknown; name?: unknown } | undefined;
        if (typeof body.escalationId !== 'string' || typeof account?.id !== 'string' || typeof account.name !== 'string') {
          return answer(422, { error: 'escalationId, account.id and account.name are required' });
        }
        const existing = key ? byKey.get(key) : undefined;
        if (existing) return answer(200, { caseNumber: existing.caseNumber, url: caseUrl(existing.caseNumber) });
        const kase: StandInCase = {
          caseNumber: `CASE-${String(nextNumber(store, CASES, opts.firstCaseNumber ?? 1)).padStart(6, '0')}`,
          receivedAt: new Date().toISOString(),
          idempotencyKey: key,
          escalationId: body.escalationId,
          accountId: account.id,
          accountName: account.name,
          status: 'open',
          body,
          notes: [],
        };
        store.put(CASES, kase.caseNumber, kase);
        cases.push(kase);
        byNumber.set(kase.caseNumber, kase);
        if (key) byKey.set(key, kase);
        opts.outbox?.append({
          kind: 'case',
          at: kase.receivedAt,
          escalationId: kase.escalationId,
          caseNumber: kase.caseNumber,
          accountId: kase.accountId,
          accountName: kase.accountName,
          body,
        });
        if (hang) await server.delay(hang);
        return answer(201, { caseNumber: kase.caseNumber, url: caseUrl(kase.caseNumber) });
      }

      const kase = byNumber.get(decodeURIComponent(noteMatch![1]!));
      if (!kase) return answer(404, { error: `no case ${decodeURIComponent(noteMatch![1]!)}` });
      if (typeof body.text !== 'string' || body.text === '' || typeof body.kind !== 'string') {
        return answer(422, { error: 'kind and text are required' });
      }
      const existing = key ? kase.notes.find((n) => n.idempotencyKey === key) : undefined;
      if (existing) return answer(200, { noteId: existing.noteId });
      const note: StandInCaseNote = {
        noteId: `NOTE-${randomUUID().slice(0, 8)}`,
        receivedAt: new Date().toISOString(),
        idempotencyKey: key,
        kind: body.kind,
        text: body.text,
        author: typeof body.author === 'string' ? body.author : undefined,
        status: typeof body.status === 'string' ? body.status : undefined,
        body,
      };
      kase.notes.push(note);
      if (note.status) kase.status = note.status;
      store.put(CASES, kase.caseNumber, kase);
      opts.outbox?.append({
        kind: 'case-note',
        at: note.receivedAt,
        escalationId: kase.escalationId,
        caseNumber: kase.caseNumber,
        noteId: note.noteId,
        noteKind: note.kind,
        text: note.text,
        ...(note.author !== undefined && { author: note.author }),
        ...(note.status !== undefined && { status: note.status }),
      });
      if (hang) await server.delay(hang);
      return answer(201, { noteId: note.noteId });
    },
    opts.host,
    opts.port,
  );

  const caseUrl = (caseNumber: string) => `${server.origin}/cases/${caseNumber}`;

  return {
    url: server.origin,
    cases: () => cases.map(clone),
    case: (caseNumber) => {
      const found = byNumber.get(caseNumber);
      return found && clone(found);
    },
    requests: () => [...log],
    failNext(route, failure, times = 1) {
      failures.add(route, failure, times);
    },
    reset() {
      cases = [];
      byNumber = new Map();
      byKey = new Map();
      log = [];
      store.transaction(() => {
        store.clear(CASES);
        store.delete('counters', CASES);
      });
      failures.clear();
    },
    close: () => server.close(),
  };
}
