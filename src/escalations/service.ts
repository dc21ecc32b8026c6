// Escalations as the API sees them, on top of the Temporal client: idempotent start, state read,
// list through visibility, and event delivery through the workflow's validated update.
import { createHash } from 'node:crypto';
import {
  isGrpcDeadlineError,
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { businessTimeKey, playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import { EVENT_NOT_APPLICABLE, EVENT_OUT_OF_ORDER, eventUpdate, joinUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { EscalationEvent, EscalationState, EventResult, JoinResult } from '../../workflows/kit/state.js';
import type { Playbook, PlaybookSettings } from '../playbooks.js';
import { problems } from '../problem.js';

export interface EscalationView {
  id: string;
  playbook: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: { status: string; runId: string; startedAt: string; closedAt: string | null };
  /** The workflow's own state (status, outcome, deadlines, timeline); null while it cannot be read. */
  state: EscalationState | null;
}

interface Memo {
  inputHash?: string;
  playbook?: string;
  /** Start-or-join escalations: every start request joins the running one. */
  join?: boolean;
}

/** How long a start-or-join request waits for the worker's answer before the API says 503 (retry: it applies once). */
export const JOIN_ANSWER_TIMEOUT_MS = 30_000;

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

  async start(def: Playbook, id: string, input: unknown): Promise<{ created: boolean; escalation: EscalationView }> {
    const hash = inputHash(def.name, input);
    const businessTime = def.businessTime(input as never);
    try {
      await this.client.workflow.start(def.workflowType, {
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
      return { created: true, escalation: await this.get(id) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await this.describe(id);
      if ((existing.memo as Memo | undefined)?.inputHash !== hash) {
        throw problems.conflict('id-in-use', `escalation '${id}' already exists with a different playbook or input`);
      }
      return { created: false, escalation: await this.view(existing) };
    }
  }

  // ---- start-or-join (definitions with `join`, e.g. tech-incident) ------------------------------

  /**
   * Delivers one start request to the escalation `id` names, starting it if none is running:
   * update-with-start with conflict policy USE_EXISTING, so any number of concurrent requests for
   * one id land on one workflow (the server serialises the start). The request is the kit's `join`
   * update; its answer says whether this request opened the escalation and the playbook's figures.
   *
   * `requestId` is the update id: a retried request (same Idempotency-Key, or the same input) is
   * applied once and answered as the first time. `receivedAt` (the API's clock) is the business
   * time the workflow counts deadlines from. Once the escalation has closed, the next request starts
   * a new run under the same id (reuse policy ALLOW_DUPLICATE): the problem is back.
   *
   * Errors (problems): 400 the workflow refuses the request, 409 the escalation has its outcome and
   * is still closing, 503 no worker answered within JOIN_ANSWER_TIMEOUT_MS (the request may still be
   * applied once a worker runs: retry it, it applies once).
   */
  async join(
    def: Playbook,
    id: string,
    input: unknown,
    settings: PlaybookSettings,
    opts: { receivedAt: string; requestId: string },
  ): Promise<{ result: JoinResult; runId: string }> {
    if (!def.join) throw new TypeError(`playbook ${def.name} does not join; use start()`);
    const businessTime = def.businessTime(input as never);
    const startOperation = new WithStartWorkflowOperation(def.workflowType, {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: def.join.startArgs(input as never, settings as never),
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { playbook: def.name, join: true } satisfies Memo,
      typedSearchAttributes: [
        { key: playbookKey, value: def.name },
        { key: statusKey, value: 'opened' },
        ...(businessTime ? [{ key: businessTimeKey, value: businessTime }] : []),
        ...(def.searchAttributes?.(input as never) ?? []),
      ],
      staticSummary: def.summary(input as never),
    });
    try {
      return await this.client.withDeadline(Date.now() + JOIN_ANSWER_TIMEOUT_MS, async () => {
        const update = await this.client.workflow.startUpdateWithStart(joinUpdate, {
          args: [{ input, receivedAt: opts.receivedAt }],
          updateId: opts.requestId,
          waitForStage: 'ACCEPTED',
          startWorkflowOperation: startOperation,
        });
        return { result: await update.result(), runId: update.workflowRunId ?? '' };
      });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === EVENT_NOT_APPLICABLE) {
        throw problems.validation(cause.message, [{ in: 'body', field: '/input', message: cause.message }]);
      }
      if (cause instanceof ApplicationFailure && cause.type === EVENT_OUT_OF_ORDER) {
        throw problems.conflict('escalation-closing', `escalation '${id}': ${cause.message}; once it has closed, a new request opens a new one`);
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
        throw problems.unavailable(
          `no worker answered for escalation '${id}' within ${JOIN_ANSWER_TIMEOUT_MS / 1000} s; send the same request again ` +
            '(with the same Idempotency-Key): it is applied once',
        );
      }
      throw err;
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
   * Answers the escalation's state after the event: the update answers compactly (its result is
   * stored in the history for every event), so the state is read by query, with the compact result
   * as the answer's fallback when no worker answers the query.
   */
  async deliver(id: string, event: EscalationEvent, found?: { running: boolean; status: string; playbook?: string }): Promise<EscalationState> {
    const result = await this.applyEvent(id, event, found);
    try {
      return await this.client.withDeadline(Date.now() + 10_000, () => this.client.workflow.getHandle(id).query(stateQuery));
    } catch {
      // The event is applied: answer what the update said (its timeline: the entries it added) rather than an error.
      return { ...result, playbook: found?.playbook ?? '', messages: [], details: null };
    }
  }

  /** The update alone: the event's compact result (status, outcome, waitingFor, deadlines, open tasks, the timeline entries it added). */
  async applyEvent(id: string, event: EscalationEvent, found?: { running: boolean; status: string }): Promise<EventResult> {
    const { running, status } = found ?? (await this.lookup(id));
    if (!running) {
      throw problems.conflict('escalation-closed', `escalation '${id}' is closed (${status.toLowerCase()}); no more events`);
    }
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
        throw problems.conflict('escalation-closed', `escalation '${id}' closed before the event arrived`);
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
