// Shared by the topology end-to-end suite and the fault suite: the production topology on free
// ports in a temporary folder, an HTTP client that fails over between the API instances, and the
// delivery report (what each escalation says it sent against what the stand-ins received).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStandIns } from '../../src/stand-ins/local.js';
import type { EmailOutboxRecord, SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { startTopology, type Topology } from '../../src/ops/topology.js';
import type { EscalationState } from '../../workflows/kit/state.js';

export async function startTestTopology(name: string): Promise<Topology> {
  const started = Date.now();
  const topology = await startTopology({
    dataDir: mkdtempSync(join(tmpdir(), `${name}-`)),
    ports: 'free',
    logLevel: 'warn',
    // In this process, so tests read what they received and inject failures.
    standIns: 'in-process',
    progress: (line) => process.stderr.write(`[${name} +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`),
  });
  process.stderr.write(`[${name}] topology up in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${topology.logDir}\n`);
  return topology;
}

/** The topology's stand-ins, hosted in the test process (startTestTopology). */
export function local(topology: Topology): Required<Pick<LocalStandIns, 'outbox' | 'slack' | 'sendgrid' | 'tickets' | 'cases'>> {
  const l = topology.standIns.local;
  if (!l?.slack || !l.sendgrid || !l.tickets || !l.cases) throw new Error('the stand-ins run in another process');
  return { outbox: l.outbox, slack: l.slack, sendgrid: l.sendgrid, tickets: l.tickets, cases: l.cases };
}

export interface Escalation<S = EscalationState> {
  id: string;
  playbook: string;
  execution: { status: string; closedAt?: string | null };
  state: S | null;
}

export interface Answer<T> {
  status: number;
  body: T;
  /** Which API instance answered (index into the topology's apis). */
  via: number;
  /** 1 + the retries after a connection failure. */
  attempts: number;
}

/** An answer never came (connection refused or cut): the request may or may not have been applied. */
const isConnectionFailure = (err: unknown) => err instanceof TypeError || (err as { name?: string }).name === 'AbortError' || (err as { name?: string }).name === 'TimeoutError';

/**
 * A client of the API instances as a load balancer in front of them would behave: requests go round
 * robin; one whose answer never comes (the instance died or refuses connections) is sent again to
 * the next instance, with the same body and the same Idempotency-Key.
 */
export class ApiClients {
  readonly urls: string[];
  /** Sent as `Authorization: Bearer` (the topology's API key). */
  readonly #apiKey: string;
  #next = 0;
  /** Requests that had to be retried on another instance. */
  failovers = 0;
  readonly #inFlight: number[];
  readonly #sentAt: Set<number>[];

  constructor(urls: string[], apiKey: string) {
    this.urls = urls;
    this.#apiKey = apiKey;
    this.#inFlight = urls.map(() => 0);
    this.#sentAt = urls.map(() => new Set());
  }

  /** How long the oldest request still waiting on instance `index` has been waiting (ms), 0 if none. */
  oldestInFlight(index: number): number {
    const oldest = Math.min(...this.#sentAt[index]!);
    return Number.isFinite(oldest) ? Date.now() - oldest : 0;
  }

  /** Requests sent to instance `index` that have no answer yet. */
  inFlight(index: number): number {
    return this.#inFlight[index]!;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts: { idempotencyKey?: string; via?: number; timeoutMs?: number; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const key = opts.idempotencyKey ?? (method === 'POST' ? randomUUID() : undefined);
    let index = opts.via ?? this.#next++ % this.urls.length;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.urls.length * 4; attempt++) {
      const sentTo = index;
      const sentAt = Date.now() + Math.random() / 1000;
      this.#inFlight[sentTo]!++;
      this.#sentAt[sentTo]!.add(sentAt);
      try {
        const res = await fetch(this.urls[sentTo]! + path, {
          method,
          headers: {
            authorization: `Bearer ${this.#apiKey}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
            ...(key && { 'idempotency-key': key }),
            ...opts.headers,
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
        });
        const text = await res.text();
        const type = res.headers.get('content-type') ?? '';
        return { status: res.status, body: (text && type.includes('json') ? JSON.parse(text) : text) as T, via: sentTo, attempts: attempt };
      } catch (err) {
        if (!isConnectionFailure(err)) throw err;
        lastError = err;
        if (attempt === 1) this.failovers++;
        index = (index + 1) % this.urls.length;
      } finally {
        this.#inFlight[sentTo]!--;
        this.#sentAt[sentTo]!.delete(sentAt);
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
    throw new Error(`${method} ${path}: no API instance answered (${String(lastError)})`);
  }

  get<T = Escalation>(path: string, via?: number) {
    return this.request<T>('GET', path, undefined, via === undefined ? {} : { via });
  }

  escalation(id: string, via?: number) {
    return this.get<Escalation>(`/escalations/${encodeURIComponent(id)}`, via);
  }

  /** Starts and answers the escalation with its state (`Prefer: return=representation`; the default answer is id, run and links). */
  start(playbook: string, input: unknown, via?: number) {
    return this.request<Escalation>('POST', '/escalations', { playbook, input }, { ...(via === undefined ? {} : { via }), headers: { prefer: 'return=representation' } });
  }

  event<T = EscalationState>(id: string, event: Record<string, unknown>, opts: { via?: number; idempotencyKey?: string } = {}) {
    return this.request<T>('POST', `/escalations/${encodeURIComponent(id)}/events`, event, opts);
  }

  /** Polls the escalation until `ok` holds; fails with its last state after `timeoutMs`. */
  async until(id: string, ok: (e: Escalation) => boolean, timeoutMs: number, what = 'the expected state'): Promise<Escalation> {
    const end = Date.now() + timeoutMs;
    let last: Answer<Escalation> | undefined;
    for (;;) {
      last = await this.escalation(id);
      if (last.status === 200 && ok(last.body)) return last.body;
      if (Date.now() > end) {
        throw new Error(`${id}: not ${what} within ${timeoutMs} ms; last answer ${last.status}: ${JSON.stringify(last.body).slice(0, 1500)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Until the workflow has completed (the escalation reached its outcome). */
  completed(id: string, timeoutMs: number) {
    return this.until(id, (e) => e.execution.status === 'COMPLETED' && Boolean(e.state?.outcome), timeoutMs, 'completed with an outcome');
  }
}

export interface DeliveryReport {
  escalations: number;
  /** Completed with an outcome. */
  outcomes: number;
  /** Messages the escalations recorded as sent. */
  recorded: { slack: number; email: number };
  /** What the stand-ins received (Slack posts, distinct emails). */
  received: { slack: number; email: number };
  /** Recorded as sent but never received: `<escalation id>/<step>`. */
  missing: string[];
  /** Steps that failed for good (timeline `step-failed`). */
  failedSteps: string[];
  /** Step keys received more than once, with the instants of each copy. */
  duplicates: { channel: 'slack' | 'email'; key: string; at: string[] }[];
}

const stepOf = (r: SlackOutboxRecord | EmailOutboxRecord): string | undefined =>
  r.kind === 'slack' ? (r.metadata?.event_payload.step as string | undefined) : r.custom_args.step;

/** Checks each escalation's recorded messages against the stand-ins' outbox, by step key. */
export async function deliveryReport(topology: Topology, api: ApiClients, ids: string[]): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    escalations: ids.length,
    outcomes: 0,
    recorded: { slack: 0, email: 0 },
    received: { slack: 0, email: 0 },
    missing: [],
    failedSteps: [],
    duplicates: [],
  };
  for (const id of ids) {
    const { body } = await api.escalation(id);
    const state = body.state;
    if (body.execution.status === 'COMPLETED' && state?.outcome) report.outcomes++;
    const records = local(topology)
      .outbox.list({ escalationId: id })
      .filter((r): r is SlackOutboxRecord | EmailOutboxRecord => r.kind === 'slack' || r.kind === 'email');
    // Slack posts (not updates) and emails (one send = one X-Message-Id, however many personalizations).
    const received = new Map<string, { channel: 'slack' | 'email'; at: string[] }>();
    const seenMail = new Set<string>();
    for (const r of [...records].reverse()) {
      const step = stepOf(r);
      if (!step) continue;
      if (r.kind === 'slack' && r.method !== 'chat.postMessage') continue;
      if (r.kind === 'email') {
        if (seenMail.has(r.messageId)) continue;
        seenMail.add(r.messageId);
      }
      const key = `${r.kind}:${id}/${step}`;
      const entry = received.get(key) ?? { channel: r.kind, at: [] };
      entry.at.push(r.at);
      received.set(key, entry);
      report.received[r.kind]++;
    }
    for (const [key, entry] of received) {
      if (entry.at.length > 1) report.duplicates.push({ channel: entry.channel, key: key.slice(key.indexOf(':') + 1), at: entry.at });
    }
    for (const m of state?.messages ?? []) {
      report.recorded[m.channel]++;
      if (!received.has(`${m.channel}:${id}/${m.step}`)) report.missing.push(`${id}/${m.step} (${m.channel})`);
    }
    for (const t of state?.timeline ?? []) if (t.kind === 'step-failed') report.failedSteps.push(`${id}: ${t.detail}`);
  }
  return report;
}

/** One line per figure, for the test output. */
export function printReport(title: string, report: DeliveryReport, extra: Record<string, unknown> = {}): void {
  const dup = (c: 'slack' | 'email') => report.duplicates.filter((d) => d.channel === c).length;
  const lines = [
    `── ${title}`,
    `   escalations ${report.escalations}, outcomes reached ${report.outcomes}`,
    `   messages recorded: ${report.recorded.slack} Slack, ${report.recorded.email} email; received: ${report.received.slack} Slack posts, ${report.received.email} emails; missing ${report.missing.length}`,
    `   duplicates by step key: ${dup('slack')} Slack, ${dup('email')} email; steps failed for good ${report.failedSteps.length}`,
    ...Object.entries(extra).map(([k, v]) => `   ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
