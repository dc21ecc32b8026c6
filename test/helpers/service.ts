// The whole service as `npm start` runs it (real dev server, worker, API over HTTP, stand-ins),
// but in memory, headless and on free ports so test files don't collide.
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import { freePort } from '../../src/temporal/free-port.js';
import { directoryFile } from './fixtures.js';

/**
 * Credentials `http()` sends to a base URL unless told otherwise: startTestService registers the
 * service's local key (every scope) for its API, so tests authenticate as a real caller would.
 */
const tokens = new Map<string, string>();

export function useToken(base: string, token: string): void {
  tokens.set(base, token);
}

/** `env`: more configuration (e.g. API_KEYS_FILE, PAYLOAD_CODEC_KEYS); without auth configured the service makes a local key. */
export async function startTestService(env: Record<string, string> = {}): Promise<RunningService> {
  const config = await loadConfig({ PORT: '0', DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent', ...env });
  const svc = await startService({
    config,
    log: createLogger('warn'),
    dbFilename: null,
    uiPort: null,
    temporalPort: await freePort(),
    localKeyFile: null,
  });
  if (svc.localApiKey) useToken(svc.apiUrl, svc.localApiKey);
  return svc;
}

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
