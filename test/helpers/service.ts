// The whole service as `npm start` runs it (real dev server, worker, API over HTTP, stand-ins),
// but in memory, headless and on free ports so test files don't collide.
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import { freePort } from '../../src/temporal/free-port.js';
import { directoryFile } from './fixtures.js';

/** `env`: more configuration, e.g. `{ PAYLOAD_CODEC_KEYS }`. */
export async function startTestService(env: Record<string, string> = {}): Promise<RunningService> {
  const config = await loadConfig({ PORT: '0', DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent', ...env });
  return startService({
    config,
    log: createLogger('warn'),
    dbFilename: null,
    uiPort: null,
    temporalPort: await freePort(),
  });
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: T;
  headers: Headers;
}

export async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  rawBody?: string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
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
