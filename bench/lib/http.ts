// The bench's HTTP client: undici's request() on one keep-alive agent. Node's global fetch is built on
// undici too, but its WHATWG Request/Response/stream layer costs the caller about 0.4-0.5 ms of CPU
// per call on this machine (a loopback POST: 0.2 ms against 0.6-0.7 ms at p50), which the raw side's
// gRPC client does not pay; the bench measures the API, not the caller's choice of HTTP library.
import { Agent, request } from 'undici';

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

export interface HttpAnswer {
  status: number;
  text: string;
}

/** One HTTP call; `body` is sent as JSON. Resolves with the status and the body's text (any status). */
export async function http(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await request(url, {
    method,
    dispatcher: agent,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, text: await res.body.text() };
}
