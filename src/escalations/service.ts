// Escalations as the API sees them, on top of the Temporal client: idempotent start, state read,
// list through visibility, and event delivery through the workflow's validated update.
import { createHash, randomUUID } from 'node:crypto';
import {
  QueryNotRegisteredError,
  WithStartWorkflowOperation,
  WorkflowClient,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SearchAttributePair } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { LRUCache } from 'lru-cache';
import type { AccessFacts } from '../auth/rules.js';
import { businessTimeKey, nextDeadlineKey, playbookKey, statusKey } from '../../workflows/kit/search-attributes.js';
import {
  EVENT_BUSY,
  EVENT_NOT_APPLICABLE,
  EVENT_OUT_OF_ORDER,
  eventUpdate,
  IDEMPOTENCY_KEY_REUSED,
  joinUpdate,
  refusedEventSignal,
  runStateQuery,
  stateQuery,
  type RefusedAttempt,
  type RunState,
} from '../../workflows/kit/messages.js';
import type { AppliedRequest, EscalationEvent, EscalationState, EventResult, IdempotencyTag, JoinResult } from '../../workflows/kit/state.js';
import type { Playbook, PlaybookEnvSettings } from '../playbooks.js';
import type { ListCondition } from '../routes/list-filters.js';
import { HttpProblem, problems, RETRY_AFTER_SECONDS } from '../problem.js';
import { mapTemporal, temporalProblem } from './temporal-errors.js';

export interface EscalationView {
  id: string;
  playbook: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: { status: string; runId: string; startedAt: string; closedAt: string | null };
  /** The workflow's own state (status, outcome, deadlines, timeline); null while it cannot be read. */
  state: EscalationState | null;
}

/**
 * One escalation as the list answers it: all from visibility (search attributes and memo), no
 * query to the workflow, so a list of 500 costs one call to Temporal however many workers are busy.
 */
export interface EscalationListItem {
  id: string;
  playbook: string;
  /** The playbook's status (`EscalationStatus`), e.g. awaiting-facilitator, pending-finance, delivered. */
  status: string | null;
  /** The business time the escalation is about (`EscalationBusinessTime`: a session's start, a complaint's time). */
  businessTime: string | null;
  /** The earliest pending deadline (`EscalationNextDeadline`); null when none is pending or the escalation predates it. */
  nextDeadline: string | null;
  /** The one-line summary the Web UI shows (playbook, subject, business time). */
  summary: string | null;
  execution: EscalationView['execution'];
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
  /** The start's summary (visibility lists the memo, not the Web UI's user metadata). */
  summary?: string;
  /** Start-or-join escalations: every start request joins the running one. */
  join?: boolean;
  /** What the playbook's role rules need (the people in each role, ...), from the input at start. */
  access?: AccessFacts;
  /** The Idempotency-Key the start came with, if any (its input is `inputHash`). */
  idempotencyKey?: string;
}

/** The Web UI's one-line summary: the playbook first, then its own line (subject and business time). */
export function escalationSummary(def: Playbook, input: unknown): string {
  return `${def.name}: ${def.summary(input as never)}`;
}

/** The value with every object's keys sorted: one JSON text per value, whatever the senders' key order. */
function canonical(v: unknown): unknown {
  return Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
      : v;
}

/** Same input (after defaults) gives the same hash, whatever the key order. */
export function inputHash(playbook: string, input: unknown): string {
  return createHash('sha256').update(JSON.stringify([playbook, canonical(input)])).digest('hex');
}

/**
 * The digest of an event request as sent (type, actor, fields; key order does not matter): what an
 * Idempotency-Key is bound to. The same key with another digest is another request (422).
 */
export function eventDigest(event: EscalationEvent): string {
  // receivedAt is the API's, not the request's: a retry is received later and is the same request.
  const { idempotency: _tag, receivedAt: _received, ...body } = event;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex');
}

/**
 * 422 for an Idempotency-Key that came with another request body before (IETF
 * draft-ietf-httpapi-idempotency-key-header §2.7; Stripe answers the same): nothing was applied.
 */
export function idempotencyKeyReused(key: string, what: string): HttpProblem {
  const message = `'${key}' was already used for another request ${what}; a retry must repeat the first request exactly, a new request needs a new key`;
  return new HttpProblem(422, 'idempotency-key-reused', 'Idempotency-Key reused', `Idempotency-Key ${message}`, {
    errors: [{ in: 'headers', field: '/idempotency-key', message }],
  });
}

/** The first result when it answers this very request; 422 when it answered another body sent with the key. */
function sameRequest<R extends { idempotency?: IdempotencyTag | undefined }>(result: R, tag: IdempotencyTag | undefined, what: string): R {
  // A result without a tag was applied before tags existed (or without a key): nothing to compare.
  if (tag && result.idempotency && result.idempotency.digest !== tag.digest) throw idempotencyKeyReused(tag.key, what);
  return result;
}

export interface EscalationServiceOptions {
  /** How long an update or a state query waits for a worker before a 503 no-worker (ms). */
  workerWaitMs: number;
  /** The playbook's section of the directory file (`playbooks.<name>`), for its role rules' facts. */
  playbookSettings?: ((playbook: string) => unknown) | undefined;
}

export interface DeliverOptions {
  /**
   * The caller's idempotency key (REST: the Idempotency-Key header; Slack: the press's trigger id):
   * a retried event with the same key applies once.
   */
  idempotencyKey?: string | undefined;
}

/**
 * The update id of an event: `<type>:<actor>:<idempotency key or a new uuid>`, so the Web UI's
 * history row says which event and who sent it, and a retry with the same key is the same update.
 */
export function eventUpdateId(event: EscalationEvent, idempotencyKey: string): string {
  return `${event.type}:${event.actor ?? 'unknown'}:${idempotencyKey}`;
}

/** What event delivery needs to know about an escalation, from one describe. */
export interface Found {
  playbook: string;
  running: boolean;
  /** Temporal's execution status: RUNNING, COMPLETED, ... */
  status: string;
  runId: string;
  /** The pending workflow task's attempt (0: none pending); above 1 it has been failing. */
  workflowTaskAttempt: number;
  /** The role rules' facts from the memo; absent for escalations started before rules existed. */
  access?: AccessFacts | undefined;
}

const isOutOfOrder = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === EVENT_OUT_OF_ORDER;
const taskAttempt = (d: WorkflowExecutionDescription) => d.raw.pendingWorkflowTask?.attempt ?? 0;

/** Workflow clients kept per actor identity (EscalationService.clientFor): more than the people and tools that send events. */
const CLIENTS_KEPT = 1000;

/** How long a call that needs only the Temporal server (describe, list, start) may take. */
const SERVER_DEADLINE_MS = 10_000;

export class EscalationService {
  private readonly workerWaitMs: number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    opts: EscalationServiceOptions = { workerWaitMs: 5_000 },
  ) {
    this.workerWaitMs = opts.workerWaitMs;
    this.playbookSettings = opts.playbookSettings ?? (() => undefined);
  }

  /** The playbook's section of the directory file (undefined when it has none). */
  readonly playbookSettings: (playbook: string) => unknown;

  /** What every start records besides its input: the summary, and the search attributes (playbook, status `opened`, business time, the playbook's own). */
  private startRecord(def: Playbook, input: unknown): { summary: string; typedSearchAttributes: SearchAttributePair[] } {
    const businessTime = def.businessTime(input as never);
    return {
      summary: escalationSummary(def, input),
      typedSearchAttributes: [
        { key: playbookKey, value: def.name },
        { key: statusKey, value: 'opened' },
        ...(businessTime ? [{ key: businessTimeKey, value: businessTime }] : []),
        ...(def.searchAttributes?.(input as never) ?? []),
      ],
    };
  }

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
    opts: { withState?: boolean; idempotencyKey?: string | undefined } = {},
  ): Promise<{ created: boolean; ref: EscalationRef; escalation?: EscalationView }> {
    const hash = inputHash(def.name, input);
    const { summary, typedSearchAttributes } = this.startRecord(def, input);
    try {
      const handle = await this.client.workflow.start(def.workflowType, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [input],
        // An id is never reused, even after the escalation closed: a repeat is always a repeat.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        memo: {
          inputHash: hash,
          playbook: def.name,
          summary,
          ...(def.access && { access: def.access.facts(input as never, this.playbookSettings(def.name)) }),
          ...(opts.idempotencyKey && { idempotencyKey: opts.idempotencyKey }),
        } satisfies Memo,
        typedSearchAttributes,
        staticSummary: summary,
      });
      const ref = escalationRef(id, def.name, handle.firstExecutionRunId);
      // The escalation exists whatever the worker does: its state is null rather than an error when
      // no worker answers within workerWaitMs.
      return { created: true, ref, ...(opts.withState && { escalation: await this.read(id, { stateRequired: false }) }) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw temporalProblem(err, { id, call: 'server' }) ?? err;
      const existing = await this.describe(id);
      const memo = existing.memo as Memo | undefined;
      if (opts.idempotencyKey && memo?.idempotencyKey === opts.idempotencyKey && memo.inputHash !== hash) {
        throw idempotencyKeyReused(opts.idempotencyKey, `that started escalation '${id}'`);
      }
      if (memo?.inputHash !== hash) {
        throw problems.conflict('id-in-use', `escalation '${id}' already exists with a different playbook or input`);
      }
      const ref = escalationRef(id, def.name, existing.runId);
      return { created: false, ref, ...(opts.withState && { escalation: await this.view(existing, { stateRequired: false }) }) };
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
   * is still closing, 503 no-worker when no worker took it within `workerWaitMs` (it may still be
   * applied once a worker runs: the same request again applies once), and the Temporal errors.
   */
  async join(
    def: Playbook,
    id: string,
    input: unknown,
    settings: PlaybookEnvSettings,
    opts: { receivedAt: string; requestId: string; idempotencyKey?: string | undefined },
  ): Promise<{ result: JoinResult; runId: string }> {
    if (!def.join) throw new TypeError(`playbook ${def.name} does not join; use start()`);
    const startArgs = def.join.startArgs(input as never, settings as never);
    const { summary, typedSearchAttributes } = this.startRecord(def, input);
    // One operation per delivery: an operation can be executed once.
    const startOperation = () => new WithStartWorkflowOperation(def.workflowType, {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: startArgs,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: {
        playbook: def.name,
        join: true,
        summary,
        ...(def.access && { access: def.access.facts(input as never, this.playbookSettings(def.name)) }),
      } satisfies Memo,
      typedSearchAttributes,
      staticSummary: summary,
    });
    const ctx = { id, call: 'worker' as const, waitedMs: this.workerWaitMs, ...(opts.idempotencyKey && { idempotencyKey: opts.idempotencyKey }) };
    // With a key, the update id is the key's: the answer echoes the input digest it applied, so the
    // same key with another input is a 422, not the first request's answer.
    const tag = opts.idempotencyKey ? { key: opts.idempotencyKey, digest: inputHash(def.name, input) } : undefined;
    const deadline = Date.now() + this.workerWaitMs;
    const deliver = (until = deadline) =>
      this.client.withDeadline(until, async () => {
        const update = await this.client.workflow.startUpdateWithStart(joinUpdate, {
          args: [{ input, receivedAt: opts.receivedAt, ...(tag && { idempotency: tag }) }],
          updateId: opts.requestId,
          waitForStage: 'ACCEPTED',
          startWorkflowOperation: startOperation(),
        });
        return { result: sameRequest(await update.result(), tag, `to ${def.name} escalation '${id}'`), runId: update.workflowRunId ?? '' };
      });
    try {
      try {
        return await deliver();
      } catch (err) {
        // The escalation has its outcome, or passed a deadline closing it to requests, and is still
        // closing: the request belongs to the next run. Wait (within the same bound) for this one to
        // close, then deliver once more, which starts the next run (reuse policy ALLOW_DUPLICATE).
        if (!isOutOfOrder(err)) throw err;
        const closed = await this.client
          .withDeadline(deadline, () => this.client.workflow.getHandle(id).result())
          .then(() => true, (waitErr: unknown) => waitErr instanceof WorkflowFailedError);
        if (!closed) throw err;
        return await deliver(Date.now() + this.workerWaitMs);
      }
    } catch (err) {
      if (err instanceof HttpProblem) throw err;
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === EVENT_NOT_APPLICABLE) {
        throw problems.validation(cause.message, [{ in: 'body', field: '/input', message: cause.message }]);
      }
      if (cause instanceof ApplicationFailure && cause.type === EVENT_OUT_OF_ORDER) {
        throw problems.conflict('escalation-closing', `escalation '${id}': ${cause.message}; once it has closed, the next request opens a new one`);
      }
      if (err instanceof WorkflowUpdateFailedError) {
        // The id names a running escalation of another playbook (started with that id explicitly): it has no join update.
        const other = await this.describe(id).catch(() => undefined);
        const playbook = (other?.memo as Memo | undefined)?.playbook;
        if (playbook !== def.name) throw problems.conflict('id-in-use', `escalation '${id}' is a${playbook ? ` ${playbook}` : 'nother kind of'} escalation; it takes no ${def.name} requests`);
      }
      throw temporalProblem(err, ctx) ?? err;
    }
  }

  /** The escalation with its state; 503 no-worker when no worker answers the state query in time. */
  async get(id: string): Promise<EscalationView> {
    return this.read(id, { stateRequired: true });
  }

  async list(filter: { playbook?: string; status?: string; limit: number; where?: ListCondition[] }): Promise<EscalationListItem[]> {
    const clauses = [`${playbookKey.name} IS NOT NULL`];
    if (filter.playbook) clauses.push(`${playbookKey.name} = ${JSON.stringify(filter.playbook)}`);
    if (filter.status) clauses.push(`${statusKey.name} = ${JSON.stringify(filter.status)}`);
    // Playbook-declared filters (routes/list-filters.ts): values already matched their pattern.
    for (const c of filter.where ?? []) clauses.push(`${c.searchAttribute} = ${JSON.stringify(c.value)}`);
    return mapTemporal({ call: 'server' }, () =>
      this.client.withDeadline(Date.now() + SERVER_DEADLINE_MS, () => this.listPage(clauses.join(' AND '), filter.limit)),
    );
  }

  private async listPage(query: string, limit: number): Promise<EscalationListItem[]> {
    const out: EscalationListItem[] = [];
    const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
    for await (const wf of this.client.workflow.list({ query, pageSize: limit })) {
      const sa = wf.typedSearchAttributes;
      out.push({
        id: wf.workflowId,
        playbook: String(sa.get(playbookKey) ?? ''),
        status: sa.get(statusKey) ?? null,
        businessTime: iso(sa.get(businessTimeKey)),
        nextDeadline: iso(sa.get(nextDeadlineKey)),
        summary: (wf.memo as Memo | undefined)?.summary ?? null,
        execution: {
          status: wf.status.name,
          runId: wf.runId,
          startedAt: wf.startTime.toISOString(),
          closedAt: wf.closeTime?.toISOString() ?? null,
        },
      });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The playbook an escalation runs and whether it still takes events: one describe, no query. */
  async lookup(id: string): Promise<Found> {
    const d = await this.describe(id);
    const memo = d.memo as Memo;
    return {
      playbook: String(memo.playbook),
      running: d.status.name === 'RUNNING',
      status: d.status.name,
      runId: d.runId,
      workflowTaskAttempt: taskAttempt(d),
      access: memo.access,
    };
  }

  /**
   * The input the current run started with (its first history event), for escalations whose memo
   * predates the role rules' facts. One page of one event; decoded with the client's data converter.
   */
  async startInput(id: string, runId: string, index = 0): Promise<unknown> {
    const { history } = await mapTemporal({ id, call: 'server' }, () =>
      this.client.withDeadline(Date.now() + SERVER_DEADLINE_MS, () =>
        this.client.workflowService.getWorkflowExecutionHistory({
          namespace: this.client.options.namespace,
          execution: { workflowId: id, runId },
          maximumPageSize: 1,
        }),
      ),
    );
    const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    return decodeFromPayloadsAtIndex(this.client.options.loadedDataConverter, index, payloads);
  }

  /**
   * Records an attempt the role rules refused on the escalation's timeline (a signal, sent with the
   * attempt's actor as identity; nothing else changes).
   */
  async recordRefusal(id: string, attempt: RefusedAttempt): Promise<void> {
    await this.client.withDeadline(Date.now() + SERVER_DEADLINE_MS, () =>
      this.clientFor(attempt.actor).getHandle(id).signal(refusedEventSignal, attempt),
    );
  }

  /**
   * Delivers an event through the workflow's update; its validator decides if it makes sense now.
   * One call to Temporal: the update, whose compact result (status, outcome, waitingFor, deadlines,
   * open tasks, the timeline entries the event added) is the answer. `withState` reads the whole
   * state after it (a state query): what `Prefer: return=representation` asks for; the compact
   * result stands in for it when no worker answers the query in time (the event is applied).
   */
  async deliver(
    id: string,
    event: EscalationEvent,
    found?: Omit<Found, 'playbook'> & { playbook?: string },
    opts: DeliverOptions & { withState?: boolean; playbook?: string } = {},
  ): Promise<EventResult | EscalationState> {
    const result = await this.applyEvent(id, event, found, opts);
    if (!opts.withState) return result;
    try {
      return await this.client.withDeadline(Date.now() + this.workerWaitMs, () => this.client.workflow.getHandle(id).query(stateQuery));
    } catch {
      // The event is applied: answer what the update said (its timeline: the entries it added) rather than an error.
      const deciding = result.open && result.deadlines.some((d) => Date.parse(d.at) <= Date.now());
      return { ...result, deciding, playbook: found?.playbook ?? opts.playbook ?? '', messages: [], details: null };
    }
  }

  /**
   * The update alone: the event's compact result (status, outcome, waitingFor, deadlines, open tasks,
   * the timeline entries it added). Without `found` it goes straight to the update (the workflow's
   * validator refuses what makes no sense now, another playbook's event types included) and
   * describes the escalation only when the update does not find it running (404 unknown, 409
   * closed, or a retry's earlier outcome) or no worker answers (to tell a stalled workflow task).
   * Waits at most `workerWaitMs` for a worker, then answers 503 no-worker with the idempotency key
   * to retry with (the update stays admitted and may still apply; the same key applies it once).
   */
  async applyEvent(id: string, event: EscalationEvent, found?: Omit<Found, 'playbook'>, opts: DeliverOptions = {}): Promise<EventResult> {
    const idempotencyKey = opts.idempotencyKey ?? randomUUID();
    const updateId = eventUpdateId(event, idempotencyKey);
    const workflows = this.clientFor(event.actor);
    // The caller's key is bound to this body: the workflow refuses the key with another body (another
    // event type included), and a repeated update id answers the first body's result, compared here.
    const tag = opts.idempotencyKey ? { key: opts.idempotencyKey, digest: eventDigest(event) } : undefined;
    const what = `to escalation '${id}'`;
    const notRunning = async (status: string, runId: string): Promise<EventResult> => {
      // A retry of an event that closed the escalation (or arrived just before it closed) answers
      // that event's outcome; so does one an earlier run applied (the last run carried its key in);
      // any other event on a closed escalation is a conflict.
      if (opts.idempotencyKey) {
        const earlier =
          (await this.earlierOutcome(workflows, id, updateId)) ?? (await this.carriedOutcome(workflows, id, runId, event, updateId, tag!, what));
        if (earlier) return sameRequest(earlier, tag, what);
      }
      throw problems.conflict('escalation-closed', `escalation '${id}' is closed (${status.toLowerCase()}); no more events`);
    };
    if (found && !found.running) return notRunning(found.status, found.runId);
    try {
      const result = await this.client.withDeadline(Date.now() + this.workerWaitMs, () =>
        workflows.getHandle(id).executeUpdate(eventUpdate, { args: [tag ? { ...event, idempotency: tag } : event], updateId }),
      );
      // A retry of an event an earlier run applied (the escalation continued as new since): that
      // run's answer, as a retry within one run gets; the current figures if it cannot be read.
      return sameRequest(await this.firstAnswer(workflows, id, updateId, result), tag, what);
    } catch (err) {
      if (err instanceof HttpProblem) throw err;
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === IDEMPOTENCY_KEY_REUSED) throw idempotencyKeyReused(idempotencyKey, what);
      if (cause instanceof ApplicationFailure && cause.type === EVENT_NOT_APPLICABLE) {
        throw problems.validation(cause.message, [{ in: 'body', field: '/type', message: cause.message }]);
      }
      if (cause instanceof ApplicationFailure && cause.type === EVENT_OUT_OF_ORDER) {
        throw problems.conflict('event-out-of-order', cause.message);
      }
      if (cause instanceof ApplicationFailure && cause.type === EVENT_BUSY) {
        throw new HttpProblem(429, 'escalation-busy', 'Too many requests', cause.message, { headers: { 'retry-after': String(RETRY_AFTER_SECONDS.busy) } });
      }
      if (err instanceof WorkflowNotFoundError) {
        const now = await this.lookup(id); // 404 when there is no such escalation
        if (!now.running) return notRunning(now.status, now.runId);
      }
      const ctx = { id, call: 'worker' as const, waitedMs: this.workerWaitMs, idempotencyKey, workflowTaskAttempt: found?.workflowTaskAttempt };
      const problem = temporalProblem(err, ctx);
      if (problem?.slug === 'no-worker' && !found) {
        // No worker answered: a describe tells a failing workflow task (stalled) from a missing worker.
        const attempt = (await this.lookup(id).catch(() => undefined))?.workflowTaskAttempt;
        throw temporalProblem(err, { ...ctx, workflowTaskAttempt: attempt }) ?? err;
      }
      throw problem ?? err;
    }
  }

  /**
   * An update's answer as the client gets it: when it was a retry of an event an earlier run applied
   * (the escalation continued as new since), that run's answer, as a retry within one run gets; the
   * current figures if it cannot be read. Never carries `appliedInRun`.
   */
  private async firstAnswer(workflows: WorkflowClient, id: string, updateId: string, result: EventResult): Promise<EventResult> {
    if (!result.appliedInRun) return result;
    const { appliedInRun, ...now } = result;
    const first = await this.earlierOutcome(workflows, id, updateId, appliedInRun, false);
    return first && !first.appliedInRun ? first : now;
  }

  /** The outcome of an update that already completed (in the latest run, or in `runId`), or undefined when there was none. */
  private async earlierOutcome(workflows: WorkflowClient, id: string, updateId: string, runId?: string, follow = true): Promise<EventResult | undefined> {
    let result: EventResult;
    try {
      result = await this.client.withDeadline(Date.now() + SERVER_DEADLINE_MS, () =>
        workflows.getHandle(id).getUpdateHandle<EventResult>(updateId, runId ? { workflowRunId: runId } : undefined).result(),
      );
    } catch {
      return undefined;
    }
    return follow ? this.firstAnswer(workflows, id, updateId, result) : result;
  }

  /**
   * For a closed escalation whose last run never saw this update: the answer of the earlier run that
   * applied the same request, found by the keys the last run was started with (CarriedEscalation.requests);
   * 422 when the key came with another body. Undefined when the key was not carried or its run cannot be read.
   */
  private async carriedOutcome(
    workflows: WorkflowClient,
    id: string,
    runId: string,
    event: EscalationEvent,
    updateId: string,
    tag: IdempotencyTag,
    what: string,
  ): Promise<EventResult | undefined> {
    let carried: { requests?: AppliedRequest[] } | undefined;
    try {
      carried = (await this.startInput(id, runId, 1)) as typeof carried;
    } catch {
      return undefined;
    }
    const actor = event.actor ?? 'unknown';
    const applied = carried?.requests?.find((r) => r.actor === actor && r.key === tag.key);
    if (!applied) return undefined;
    if (applied.digest !== tag.digest) throw idempotencyKeyReused(tag.key, what);
    return this.earlierOutcome(workflows, id, updateId, applied.runId, false);
  }

  /**
   * A workflow client whose identity is the event's actor, so the update's history row in the Web
   * UI says who sent it. The connection is shared; the clients are kept per identity (a client is
   * a few objects and holds no state of an escalation), at most CLIENTS_KEPT of them, the least
   * recently used going first.
   */
  private clientFor(actor: string | undefined): WorkflowClient {
    const identity = `${actor ?? 'unknown'} (escalation-engine API)`;
    let client = this.clients.get(identity);
    if (!client) {
      const { loadedDataConverter: _loaded, ...options } = this.client.workflow.options;
      client = new WorkflowClient({ ...options, identity });
      this.clients.set(identity, client);
    }
    return client;
  }

  /** Workflow clients by identity (clientFor). */
  private readonly clients = new LRUCache<string, WorkflowClient>({ max: CLIENTS_KEPT });

  private async describe(id: string): Promise<WorkflowExecutionDescription> {
    const d = await mapTemporal({ id, call: 'server' }, () =>
      this.client.withDeadline(Date.now() + SERVER_DEADLINE_MS, () => this.client.workflow.getHandle(id).describe()),
    );
    if (!(d.memo as Memo | undefined)?.playbook) throw problems.notFound(`no escalation '${id}'`);
    return d;
  }

  /**
   * The escalation `id` names now: describe and the run-state query sent together, so a read takes
   * the longer of the two calls, not their sum. The query names no run (the describe's answer is
   * not there yet); when its answer comes from another run than the described one (a
   * continue-as-new or the id's next run fell between the two), or from a worker without the
   * run-state query (a rolling deploy), the state is queried again from the described run, as
   * `view` does alone. Errors: those of `describe` (the query is then cancelled) and of `view`.
   */
  private async read(id: string, opts: { stateRequired: boolean }): Promise<EscalationView> {
    const abort = new AbortController();
    const runState = this.client.withAbortSignal(abort.signal, () =>
      this.client.withDeadline(Date.now() + this.workerWaitMs, () => this.client.workflow.getHandle(id).query(runStateQuery)),
    );
    // Settled below; when the describe fails it is cancelled and its outcome is not wanted.
    runState.catch(() => undefined);
    let d: WorkflowExecutionDescription;
    try {
      d = await this.describe(id);
    } catch (err) {
      abort.abort();
      throw err;
    }
    return this.view(d, opts, runState);
  }

  /**
   * The execution facts and the workflow's state. The state query waits at most `workerWaitMs`
   * for a worker: then a read answers 503 no-worker (`stateRequired`); a start gets `state: null`, which the route answers as 202 Accepted.
   * `sent`: a run-state query already under way (read); used when it answers for the described run.
   */
  private async view(d: WorkflowExecutionDescription, opts: { stateRequired: boolean }, sent?: Promise<RunState>): Promise<EscalationView> {
    let state: EscalationState | null = null;
    try {
      const early = await sent?.catch((err: unknown) => {
        // An old worker has no run-state query: ask the described run below. Anything else (no
        // worker within the wait, Temporal unavailable) is this read's answer.
        if (err instanceof QueryNotRegisteredError) return undefined;
        throw err;
      });
      state =
        early?.runId === d.runId
          ? early.state
          : await this.client.withDeadline(Date.now() + this.workerWaitMs, () =>
              this.client.workflow.getHandle(d.workflowId, d.runId).query(stateQuery),
            );
    } catch (err) {
      const problem = temporalProblem(err, { id: d.workflowId, call: 'worker', waitedMs: this.workerWaitMs, workflowTaskAttempt: taskAttempt(d) });
      if (opts.stateRequired) throw problem ?? err;
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
