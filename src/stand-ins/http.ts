// Plumbing shared by the Slack and SendGrid stand-ins: a bare node:http server (full control over
// status codes, headers and deliberately late responses), body reading with a size cap, and the
// queue of injected failures.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  readonly origin: string;
  /** Waits `ms`, or less if the server closes meanwhile (a hanging response must not block close()). */
  delay(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(handler: Handler, host = '127.0.0.1', port = 0): Promise<RunningServer> {
  const closing = new AbortController();
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      // A bug in a stand-in must surface as a server error, never as a silently hanging request.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      if (!res.writableEnded) res.end(`stand-in error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    origin: `http://${urlHost(host)}:${address.port}`,
    async delay(ms) {
      try {
        await sleep(ms, undefined, { signal: closing.signal });
      } catch {
        // aborted by close()
      }
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Clients keep connections alive (undici, axios agents): cut them so close() returns now.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export interface ReadBody {
  body: Buffer;
  /** The body exceeded the cap; it was drained but not kept. */
  tooLarge: boolean;
  /** A `Content-Encoding: gzip` body that does not inflate. */
  malformed?: boolean;
}

/** Reads the whole request; past `limit` bytes it keeps draining so the client still gets our answer. */
export async function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return { body: Buffer.alloc(0), tooLarge: true };
  let body = Buffer.concat(chunks);
  if (String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
    try {
      body = gunzipSync(body, { maxOutputLength: limit });
    } catch (err) {
      const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return { body: Buffer.alloc(0), tooLarge, malformed: !tooLarge };
    }
  }
  return { body, tooLarge: false };
}

/** Sends a JSON body unless the client has already gone away (e.g. timed out on a hanging call). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

/** Failures injected by tests, consumed in the order they were queued. */
export class FailureQueue<F> {
  #items: { key: string; failure: F; remaining: number }[] = [];

  add(key: string, failure: F, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    this.#items.push({ key, failure, remaining: times });
  }

  /** The next failure queued for `key` or for every call ('*'), if any. */
  take(key: string): F | undefined {
    const item = this.#items.find((i) => i.key === key || i.key === '*');
    if (!item) return undefined;
    item.remaining -= 1;
    if (item.remaining === 0) this.#items.splice(this.#items.indexOf(item), 1);
    return item.failure;
  }

  clear(): void {
    this.#items = [];
  }
}
