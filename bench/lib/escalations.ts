// Escalations for the bench: inputs, and the two ways of starting, reading and driving them:
// through the API over HTTP and through the raw Temporal SDK with the same workflow options.
import type { Client } from '@temporalio/client';
import type { Directory } from '../../src/directory.js';
import { inputHash } from '../../src/escalations/service.js';
import { playbooks, type Playbook } from '../../src/playbooks.js';
import { parseInput } from '../../src/escalations/intake.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { atInstant } from '../../workflows/kit/schemas/settings.js';
import { businessTimeKey, playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import { accountEscalationInput } from '../../test/helpers/account-fixtures.js';
import { liveDeliveryInput } from '../../test/helpers/fixtures.js';
import { http } from './http.js';

export interface Prepared {
  playbook: string;
  /** The request body's input, as a caller sends it. */
  raw: unknown;
  /** After defaults (what the API hands the workflow). */
  input: unknown;
  id: string;
}

/**
 * The input as the API would hand it to the workflow. `nowMs`: check the input's time windows as of
 * that instant (the time-skipping server's clock, which runs ahead of the wall clock).
 */
export function prepare(playbook: string, raw: unknown, directory: Directory, nowMs?: number): Prepared {
  const def = playbooks[playbook]!;
  const input = nowMs === undefined ? parseInput(def, raw, directory) : atInstant(nowMs, () => parseInput(def, raw, directory));
  return { playbook, raw, input, id: `${def.name}:${def.businessKey(input as never)}` };
}

/** A facilitator no-show whose session starts `startInMs` from now (negative: already started). */
export const liveDelivery = (directory: Directory, startInMs: number, issueType: 'facilitator-no-show' | 'participant-no-show' | 'tech-issue' = 'facilitator-no-show') =>
  prepare('live-delivery', liveDeliveryInput(issueType, Date.now() + startInMs), directory);

export const accountEscalation = (directory: Directory, overrides: Parameters<typeof accountEscalationInput>[1] = {}) =>
  prepare('account-escalation', accountEscalationInput(Date.now(), overrides), directory);

export class Api {
  constructor(
    readonly base: string,
    private readonly apiKey: string,
  ) {}

  async request(method: 'GET' | 'POST', path: string, body?: unknown, expect: number[] = [200, 201]): Promise<unknown> {
    const res = await http(method, this.base + path, body, { authorization: `Bearer ${this.apiKey}` });
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.text ? JSON.parse(res.text) : undefined;
  }

  start = (p: Prepared) => this.request('POST', '/escalations', { playbook: p.playbook, input: p.raw });
  get = (id: string) => this.request('GET', `/escalations/${encodeURIComponent(id)}`);
  event = (id: string, event: EscalationEvent) => this.request('POST', `/escalations/${encodeURIComponent(id)}/events`, event, [200]);
  list = (query: string) => this.request('GET', `/escalations?${query}`);
}

/**
 * The bare forwarder (bench/lib/bare-forwarder-main.ts) over HTTP, called the way the Api class calls
 * the API: the same raw SDK call as the Raw class, one HTTP hop away.
 */
export class Bare {
  constructor(readonly base: string) {}

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await http('POST', this.base + path, body);
    if (res.status < 200 || res.status > 299) throw new Error(`bare forwarder POST ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return JSON.parse(res.text);
  }

  start = (p: Prepared) => this.post('/start', p);
  event = (id: string, event: EscalationEvent) => this.post(`/events/${encodeURIComponent(id)}`, event);
}

/** What a caller of the raw SDK writes to do the same: the same workflow, id and options. */
export class Raw {
  constructor(
    readonly client: Client,
    readonly taskQueue: string,
  ) {}

  options(p: Prepared) {
    const def: Playbook = playbooks[p.playbook]!;
    const businessTime = def.businessTime(p.input as never);
    return {
      workflowId: p.id,
      taskQueue: this.taskQueue,
      args: [p.input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      memo: { inputHash: inputHash(def.name, p.input), playbook: def.name },
      typedSearchAttributes: [
        { key: playbookKey, value: def.name },
        { key: statusKey, value: 'opened' },
        ...(businessTime ? [{ key: businessTimeKey, value: businessTime }] : []),
        ...(def.searchAttributes?.(p.input as never) ?? []),
      ],
      staticSummary: def.summary(p.input as never),
    };
  }

  start = (p: Prepared) => this.client.workflow.start(playbooks[p.playbook]!.workflowType, { ...this.options(p), workflowIdConflictPolicy: 'FAIL' });

  /** describe + state query: the two calls that give what GET /escalations/{id} answers. */
  async get(id: string) {
    const handle = this.client.workflow.getHandle(id);
    const d = await handle.describe();
    const state = await this.client.workflow.getHandle(id, d.runId).query(stateQuery);
    return { d, state };
  }

  /** The same two calls sent together (the state from the id's current run): the least a read can cost on the raw SDK. */
  async getTogether(id: string) {
    const handle = this.client.workflow.getHandle(id);
    const [d, state] = await Promise.all([handle.describe(), handle.query(stateQuery)]);
    return { d, state };
  }

  event = (id: string, event: EscalationEvent) => this.client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event] });

  async list(query: string, limit: number) {
    const out = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: limit })) {
      out.push(wf);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Terminates what a section started (ignores the ones already closed). */
  async terminate(ids: Iterable<string>, concurrency = 8): Promise<void> {
    const list = [...ids];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < list.length; i = next++) {
          await this.client.workflow.getHandle(list[i]!).terminate('bench finished').catch(() => undefined);
        }
      }),
    );
  }
}
