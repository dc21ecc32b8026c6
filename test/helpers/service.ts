// The whole service as `npm start` runs it (real dev server, worker, API over HTTP, stand-ins),
// but in memory, headless and on free ports so test files don't collide.
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import { lowFreePort } from '../../src/ops/ports.js';
import type { EscalationState } from '../../workflows/kit/state.js';
import { directoryFile } from './fixtures.js';

/**
 * Credentials `http()` sends to a base URL unless told otherwise: startTestService registers the
 * service's local key (every scope) for its API, so tests authenticate as a real caller would.
 */
const tokens = new Map<string, string>();

export function useToken(base: string, token: string): void {
  tokens.set(base, token);
}

/**
 * `env`: more configuration (e.g. API_KEYS_FILE, PAYLOAD_CODEC_KEYS); without auth configured the service makes a local key.
 * Every request of a test file goes out under that one key, the polls of `until` (10 a second)
 * included, so the per-credential rate limit (300 a minute) is lifted unless `env` sets it: a file
 * that stands for many clients (150 notes from 12 of them) would otherwise be throttled as one
 * client, sooner the slower the machine. The rate limit's own tests set RATE_LIMIT_PER_MINUTE.
 */
export async function startTestService(env: Record<string, string> = {}): Promise<RunningService> {
  const config = await loadConfig({ PORT: '0', DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const svc = await startService({
    config,
    log: createLogger('warn'),
    dbFilename: null,
    uiPort: null,
    temporalPort: await lowFreePort(),
    localKeyFile: null,
  });
  if (svc.localApiKey) useToken(svc.apiUrl, svc.localApiKey);
  return svc;
}

/** An end-to-end test file's service: the object's `svc` is set by beforeAll. */
export interface ServiceTestEnv {
  svc: RunningService;
  /** POST /escalations/{id}/events: the state after the event, or the problem. */
  event<S = EscalationState>(id: string, body: Record<string, unknown>): Promise<HttpResult<S & Problem>>;
}

/**
 * Registers the hooks that start the whole service for the file (beforeAll: dev server, worker, API
 * over HTTP, stand-ins, the local API key registered for `http`) and close it (afterAll).
 * `env`: more configuration, as startTestService takes it.
 */
export function serviceTestEnv(env: Record<string, string> = {}): ServiceTestEnv {
  const t = {} as ServiceTestEnv;
  beforeAll(async () => {
    t.svc = await startTestService(env);
  });
  afterAll(async () => {
    await t.svc?.close();
  });
  t.event = (id, body) => http(t.svc.apiUrl, 'POST', `${escalationPath(id)}/events`, body);
  return t;
}

/** GET /escalations/{id} (and a start's answer), with the playbook's state. */
export interface EscalationAnswer<S = EscalationState> {
  id: string;
  playbook: string;
  execution: { status: string };
  state: S | null;
}

/** A problem+json answer (RFC 9457), with the fields it names. */
export interface Problem {
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** The escalation's path in the API. */
export const escalationPath = (id: string) => `/escalations/${encodeURIComponent(id)}`;

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: T;
  headers: Headers;
}

export interface HttpOptions {
  /** The bearer credential; default: the one registered for `base` (useToken); null: none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  rawBody?: string,
  opts: HttpOptions = {},
): Promise<HttpResult<T>> {
  const token = opts.token === undefined ? tokens.get(base) : opts.token;
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
    ...(rawBody !== undefined ? { body: rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, contentType, body: (text && contentType.includes('json') ? JSON.parse(text) : text) as T, headers: res.headers };
}

/** Polls `fn` until `ok` holds or the time is up (the real dev server runs in real time). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
