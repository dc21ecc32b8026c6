// Escalations as the API sees them, on top of the Temporal client: idempotent start, state read,
// list through visibility, and event delivery through the workflow's validated update.
import { createHash } from 'node:crypto';
import {
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { businessTimeKey, playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import { EVENT_NOT_APPLICABLE, EVENT_OUT_OF_ORDER, eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { EscalationEvent, EscalationState, EventResult } from '../../workflows/kit/state.js';
import type { Playbook } from '../playbooks.js';
import { problems } from '../problem.js';

export interface EscalationView {
  id: string;
  playbook: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: { status: string; runId: string; startedAt: string; closedAt: string | null };
  /** The workflow's own state (status, outcome, deadlines, timeline); null while it cannot be read. */
  state: EscalationState | null;
}

/** What a start answers by default: enough to read the escalation and send it events. */
export interface EscalationRef {
  id: string;
  playbook: string;
  /** The Temporal run the id names now (a long escalation continues as new under the same id). */
  runId: string;
  links: { self: string; events: string };
}

export function escalationRef(id: string, playbook: string, runId: string): EscalationRef {
  const self = `/escalations/${encodeURIComponent(id)}`;
  return { id, playbook, runId, links: { self, events: `${self}/events` } };
}

interface Memo {
  inputHash?: string;
  playbook?: string;
}

/** Same input (after defaults) gives the same hash, whatever the key order. */
export function inputHash(playbook: string, input: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify([playbook, canonical(input)])).digest('hex');
}

export class EscalationService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /**
   * Starts the escalation, or finds the one this id already names. Costs one call to Temporal
   * (`workflow.start`): the answer is the id, run and links, not the state, so a start never waits
   * for the worker. A repeat (same id) costs one describe more: same playbook and input -> the
   * existing escalation (`created: false`); anything else -> 409 `id-in-use`.
   * `withState` reads the state as well (describe + state query), which waits for the workflow's
   * first task: what `Prefer: return=representation` asks for.
   */
  async start(
    def: Playbook,
    id: string,
    input: unknown,
    opts: { withState?: boolean } = {},
  ): Promise<{ created: boolean; ref: EscalationRef; escalation?: EscalationView }> {
    const hash = inputHash(def.name, input);
    const businessTime = def.businessTime(input as never);
    try {
      const handle = await this.client.workflow.start(def.workflowType, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [input],
        // An id is never reused, even after the escalation closed: a repeat is always a repeat.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        memo: { inputHash: hash, playbook: def.name } satisfies Memo,
        typedSearchAttributes: [
          { key: playbookKey, value: def.name },
          { key: statusKey, value: 'opened' },
          ...(businessTime ? [{ key: businessTimeKey, value: businessTime }] : []),
          ...(def.searchAttributes?.(input as never) ?? []),
        ],
        staticSummary: def.summary(input as never),
      });
      const ref = escalationRef(id, def.name, handle.firstExecutionRunId);
      return { created: true, ref, ...(opts.withState && { escalation: await this.get(id) }) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await this.describe(id);
      if ((existing.memo as Memo | undefined)?.inputHash !== hash) {
        throw problems.conflict('id-in-use', `escalation '${id}' already exists with a different playbook or input`);
      }
      const ref = escalationRef(id, def.name, existing.runId);
      return { created: false, ref, ...(opts.withState && { escalation: await this.view(existing) }) };
    }
  }

  async get(id: string): Promise<EscalationView> {
    return this.view(await this.describe(id));
  }

  async list(filter: { playbook?: string; status?: string; limit: number }): Promise<EscalationView[]> {
    const clauses = [`${playbookKey.name} IS NOT NULL`];
    if (filter.playbook) clauses.push(`${playbookKey.name} = ${JSON.stringify(filter.playbook)}`);
    if (filter.status) clauses.push(`${statusKey.name} = ${JSON.stringify(filter.status)}`);
    const out: EscalationView[] = [];
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: filter.limit })) {
      out.push({
        id: wf.workflowId,
        playbook: String(wf.typedSearchAttributes.get(playbookKey) ?? ''),
        execution: {
          status: wf.status.name,
          runId: wf.runId,
          startedAt: wf.startTime.toISOString(),
          closedAt: wf.closeTime?.toISOString() ?? null,
        },
        state: null,
      });
      if (out.length >= filter.limit) break;
    }
    return out;
  }

  /** The playbook an escalation runs and whether it still takes events: one describe, no query. */
  async lookup(id: string): Promise<{ playbook: string; running: boolean; status: string; runId: string }> {
    const d = await this.describe(id);
    return { playbook: String((d.memo as Memo).playbook), running: d.status.name === 'RUNNING', status: d.status.name, runId: d.runId };
  }

  /**
   * Delivers an event through the workflow's update; its validator decides if it makes sense now.
   * One call to Temporal: the update, whose compact result (status, outcome, waitingFor, deadlines,
   * open tasks, the timeline entries the event added) is the answer. `withState` reads the whole
   * state after it (a state query): what `Prefer: return=representation` asks for.
   */
  async deliver(
    id: string,
    event: EscalationEvent,
    found?: { running: boolean; status: string; playbook?: string },
    opts: { withState?: boolean; playbook?: string } = {},
  ): Promise<EventResult | EscalationState> {
    const result = await this.applyEvent(id, event, found);
    if (!opts.withState) return result;
    try {
      return await this.client.withDeadline(Date.now() + 10_000, () => this.client.workflow.getHandle(id).query(stateQuery));
    } catch {
      // The event is applied: answer what the update said (its timeline: the entries it added) rather than an error.
      return { ...result, playbook: found?.playbook ?? opts.playbook ?? '', messages: [], details: null };
    }
  }

  /**
   * The update alone. Without `found` it goes straight to the update (the workflow's validator
   * refuses what makes no sense now, another playbook's event types included) and describes the
   * escalation only when the update does not find it running (404 unknown, 409 closed).
   */
  async applyEvent(id: string, event: EscalationEvent, found?: { running: boolean; status: string }): Promise<EventResult> {
    const closed = (status: string) => problems.conflict('escalation-closed', `escalation '${id}' is closed (${status.toLowerCase()}); no more events`);
    if (found && !found.running) throw closed(found.status);
    try {
      return await this.client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event] });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === EVENT_NOT_APPLICABLE) {
        throw problems.validation(cause.message, [{ in: 'body', field: '/type', message: cause.message }]);
      }
      if (cause instanceof ApplicationFailure && cause.type === EVENT_OUT_OF_ORDER) {
        throw problems.conflict('event-out-of-order', cause.message);
      }
      if (err instanceof WorkflowNotFoundError) {
        if (found) throw problems.conflict('escalation-closed', `escalation '${id}' closed before the event arrived`);
        const now = await this.lookup(id); // 404 when there is no such escalation
        throw now.running ? err : closed(now.status);
      }
      throw err;
    }
  }

  private async describe(id: string): Promise<WorkflowExecutionDescription> {
    try {
      const d = await this.client.workflow.getHandle(id).describe();
      if (!(d.memo as Memo | undefined)?.playbook) throw problems.notFound(`no escalation '${id}'`);
      return d;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw problems.notFound(`no escalation '${id}'`);
      throw err;
    }
  }

  private async view(d: WorkflowExecutionDescription): Promise<EscalationView> {
    let state: EscalationState | null = null;
    try {
      state = await this.client.withDeadline(Date.now() + 10_000, () =>
        this.client.workflow.getHandle(d.workflowId, d.runId).query(stateQuery),
      );
    } catch {
      // No worker available right now: the execution facts still answer the request.
    }
    return {
      id: d.workflowId,
      playbook: String((d.memo as Memo | undefined)?.playbook ?? ''),
      execution: {
        status: d.status.name,
        runId: d.runId,
        startedAt: d.startTime.toISOString(),
        closedAt: d.closeTime?.toISOString() ?? null,
      },
      state,
    };
  }
}
