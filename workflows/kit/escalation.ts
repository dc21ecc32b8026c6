// The bookkeeping every playbook shares: state, timeline, deadlines, tasks, search attributes and
// the event handlers. A playbook supplies how events are checked and applied; the kit keeps the
// rules that hold for all of them (no events after the outcome unless the playbook still expects a
// follow-up, none that a passed deadline closes, every event on the timeline).
//
// A deadline that has passed wins, whatever the worker's latency (issue 17 item 1): an event that a
// deadline closes is refused from the deadline's instant on (deadlines.ts), and any other event that
// arrives after a deadline's instant is applied once the agenda has fired that deadline, so the
// deadline's effect comes first however late the worker got to both.
//
// "Arrives" is when the API received the event (its `receivedAt`, the API's clock; clients cannot
// set it), not when a worker got to it: an event received before a deadline's instant is applied
// first, and the deadline's handler sees it, even when the worker applies it after the instant. An
// event without the stamp (recorded histories, a client of the update that predates it) is judged
// at the workflow's time, as before. Playbooks date an event's business facts with `eventInstant()`.
import {
  ApplicationFailure,
  condition,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Deadlines, JOIN_REQUEST } from './deadlines.js';
import { countTimelineEntry } from './metrics.js';
import {
  EVENT_SIGNAL_DESCRIPTION,
  EVENT_UPDATE_DESCRIPTION,
  eventSignal,
  eventUpdate,
  IDEMPOTENCY_KEY_REUSED,
  joinUpdate,
  outOfOrder,
  refusedEventSignal,
  RUN_STATE_QUERY_DESCRIPTION,
  runStateQuery,
  STATE_QUERY_DESCRIPTION,
  stateQuery,
} from './messages.js';
import { statusKey } from './search-attributes.js';
import type {
  AppliedRequest,
  EscalationEvent,
  EscalationState,
  EventResult,
  IdempotencyTag,
  JoinRequest,
  JoinResult,
  LivePost,
  PendingDeadline,
  SentMessage,
  Task,
  TimelineEntry,
} from './state.js';
import { localTime, nowIso } from './time.js';
import { Timeline } from './timeline.js';

/** Idempotency-Keys an escalation remembers per run (a few dozen bytes each). */
const MAX_REMEMBERED_KEYS = 1000;
/**
 * Idempotency-Keys carried into the next run (about 150 bytes each in its input): the latest ones,
 * which is where a client's retry of an event that straddled the continue-as-new can be.
 */
export const CARRIED_KEYS = 250;

/**
 * patched() id: an event that arrives after a deadline's instant, before the agenda fired it (the
 * worker was down or busy), is applied after the deadline's handler started; before, it was applied
 * first. Only consulted when such a deadline exists, so histories without that race replay as they are.
 */
export const EVENTS_AFTER_DUE_DEADLINES = 'kit-events-after-due-deadlines';
/**
 * patched() id: code that acts when a timer of its own fires (a ladder asking again, live-delivery's
 * calls at the session start) first lets the agenda fire the deadlines with a handler that are due
 * at that workflow task's time and not fired yet (a worker that was down or late got both at once):
 * what has already passed decides first, even a deadline a little after the timer's own instant.
 * Before, it acted first: e.g. a fourth request to phone the facilitator in the task that cancelled
 * the session, an @group reminder after a gameday event's end had stopped the reminders. Only
 * consulted when such a deadline exists, so other histories replay as they are.
 */
export const DUE_DEADLINES_FIRST = 'kit-due-deadlines-first';

/**
 * patched() id: a ladder or call task about to send its first request (and live-delivery's e-mail
 * asking a client with no phone number) first lets the agenda fire the deadlines with a handler that
 * have already passed, also before the agenda's first round (an escalation opened after its cutoff).
 * Before, an escalation opened (or first run by a worker) after its cutoff asked first: e.g. a request
 * to phone the facilitator of a session the cutoff cancelled in the same task, closed at once; a
 * client e-mailed "are participants still expected?" just before the e-mail saying the session is
 * off. Only consulted when such a deadline has passed, so other histories replay as they are.
 */
export const DUE_DEADLINES_BEFORE_FIRST_REQUEST = 'kit-due-deadlines-before-first-request';

/**
 * patched() id: an event stamped with `receivedAt` is judged (deadlines, business dates) at that
 * instant instead of the workflow's time. Consulted only for stamped events, so the recorded
 * histories (no stamp) replay as they are, and one recorded by a worker that ignored the stamp too.
 */
export const EVENTS_JUDGED_AT_RECEIPT = 'kit-events-judged-at-receipt';

/** What fires an escalation's deadlines (its agenda), while it does. */
export interface DeadlineFirer {
  /** True while deadlines that come due will be fired (the agenda has not finished). */
  firesDeadlines(): boolean;
  /** True when coming deadline `name` runs a handler (not just passes). */
  handles(name: string): boolean;
  /** True while it waits for its next round: no handler or queued work of it is running (none is waiting on the caller). */
  idle(): boolean;
  /** True while it runs and none of its handlers or queued work is under way, also before its first round fired anything. */
  free(): boolean;
}

/**
 * A playbook's event rules. "Now" for an event is `esc.eventInstant()` (when the API received it),
 * never `Date.now()`: a worker that got to it late must not move it to a later day or past a time.
 */
export interface EventRules<E extends EscalationEvent> {
  /** Throws notApplicable/outOfOrder for an event that makes no sense now. Synchronous, no side effects. */
  validate(event: E): void;
  /** Applies a validated event to the playbook's state. */
  apply(event: E): void;
}

/**
 * How the Web UI's "current details" show an escalation (issue 16 item 4): refreshed whenever what
 * they show changes (status, deadlines, tasks, timeline), with times in the escalation's own zone.
 */
export interface Presentation {
  /** IANA zone of the people working it (the session's, the team's), as Slack and email show times. */
  timeZone: string;
  /** The first line: where the escalation stands (default: the summary given with the status). */
  headline?: () => string;
  /** Facts worth a glance, one per line (case number, Slack channel, who handles the client). */
  facts?: () => string[];
}

/** How a start-or-join playbook takes the requests its business key gathers (the kit's `join` update). */
export interface JoinRules<Input, Result> {
  /** Throws notApplicable/outOfOrder for a request the escalation cannot take now. Synchronous, no side effects. */
  validate?(request: JoinRequest<Input>): void;
  /** Adds the request to the playbook's state; `opened`: it is the request that opened the escalation. */
  apply(request: JoinRequest<Input>): { opened: boolean; result: Result };
}

export class Escalation<Status extends string, Details> {
  readonly timeline = new Timeline((entry) => {
    countTimelineEntry(this.playbook, entry);
    this.refreshDetails();
  });
  readonly deadlines = new Deadlines(() => this.refreshDetails());
  readonly tasks: Task[] = [];
  readonly messages: SentMessage[] = [];
  /** Posts whose buttons still work, oldest first (kit/notify.ts registers and closes them). */
  readonly livePosts: LivePost[] = [];
  readonly escalationId = workflowInfo().workflowId;
  outcome: string | null = null;
  waitingFor: string[] = [];
  /** Events still accepted after the outcome (e.g. the result of a call telling the client). */
  private followUps: readonly string[] = [];
  /** Events (and code acting on its own timer) waiting for a due deadline to fire before they go on. */
  private waitingForDeadlines = 0;
  private firer: DeadlineFirer | null = null;
  /** The instant the event being validated or applied is judged at (ms), while it is. */
  private judging: number | undefined;
  private currentStatus: Status;
  private statusSummary: string | undefined;
  private presentation: Presentation = { timeZone: 'UTC' };
  private shownDetails = '';

  constructor(
    readonly playbook: string,
    status: Status,
    readonly details: Details,
  ) {
    this.currentStatus = status;
  }

  get status(): Status {
    return this.currentStatus;
  }

  /** The `opened` entry, at the instant the escalation was started (not when a worker got to it). */
  recordOpening(detail: string, actor: string, data?: Record<string, unknown>): void {
    this.timeline.add('opened', detail, actor, data, workflowInfo().startTime);
  }

  /**
   * Registers the event update/signal and the state query: after the opening state is in place (an
   * event that arrived before the first workflow task is applied right here, so it must come after
   * `opened`) and before the workflow's first await, so no event is refused.
   */
  handleEvents<E extends EscalationEvent>(rules: EventRules<E>): void {
    // `at`: the instant the event is judged at (eventAt); every check and the playbook's rules use it.
    const validate = (event: E, at: number) => {
      // A retry of an event an earlier run applied is answered, not judged again (it may no longer fit).
      if (this.appliedBefore(event)) return;
      // An event the escalation asks for after its outcome (expectAfterOutcome) is open, whatever a
      // passed deadline closed: e.g. the client call after a participant no-show's cutoff.
      const closedBy = this.expectsNow(event.type) ? undefined : this.deadlines.closing(event.type, at);
      if (closedBy) {
        outOfOrder(`the deadline '${closedBy.name}' passed at ${closedBy.at} (${closedBy.description}); '${event.type}' comes too late`, {
          deadline: closedBy.name,
          at: closedBy.at,
        });
      }
      if (this.outcome !== null && !this.followUps.includes(event.type)) {
        outOfOrder(`the escalation already has its outcome (${this.outcome}); '${event.type}' changes nothing`);
      }
      this.judgingAt(at, () => rules.validate(event));
    };
    const accept = (tagged: E, at: number) => {
      // The Idempotency-Key is about the request, not the event: kept off the timeline and the playbook.
      const { idempotency, ...event } = tagged as EscalationEvent;
      if (idempotency) this.rememberRequest(event.actor, idempotency);
      const { type, actor, ...fields } = event;
      this.timeline.add(`event:${type}`, `${type} reported`, actor ?? 'unknown', Object.keys(fields).length ? fields : undefined);
      this.judgingAt(at, () => rules.apply(event as E));
      this.refreshDetails();
    };
    setHandler(stateQuery, () => this.state(), { description: STATE_QUERY_DESCRIPTION });
    setHandler(runStateQuery, () => ({ runId: workflowInfo().runId, state: this.state() }), { description: RUN_STATE_QUERY_DESCRIPTION });
    // Synchronous unless the event must wait for a due deadline: an event buffered before the handler
    // was registered is applied inside setHandler, before the workflow's next command (histories rely on it).
    setHandler(
      eventUpdate,
      (event) => {
        const repeat = () => {
          const earlier = this.appliedBefore(event);
          return earlier && { ...this.eventResult([]), idempotency: event.idempotency!, appliedInRun: earlier.runId };
        };
        const answered = repeat();
        if (answered) return answered;
        const at = this.eventAt(event, true);
        const apply = () => {
          const before = this.timeline.entries.length;
          accept(event as E, at);
          const result = this.eventResult(this.timeline.entries.slice(before));
          return event.idempotency ? { ...result, idempotency: event.idempotency } : result;
        };
        const due = this.dueDeadlinesToWaitFor(at);
        if (!due) return apply();
        return this.untilFired(due).then(() => {
          // The same request may have been applied while this one waited (the event signal): answered,
          // not applied twice. The deadline's handler may have decided the outcome or closed the event:
          // the update then fails with its 409.
          const meanwhile = repeat();
          if (meanwhile) return meanwhile;
          validate(event as E, at);
          return apply();
        });
      },
      // The validator never runs on replay and leaves no trace when it refuses: it reads the stamp without a patch marker.
      { validator: (event) => validate(event as E, this.eventAt(event, false)), description: EVENT_UPDATE_DESCRIPTION },
    );
    setHandler(refusedEventSignal, (attempt) => {
      this.timeline.add('event-refused', `${attempt.type} refused: ${attempt.reason}`, attempt.actor, { rule: attempt.rule, event: attempt.type });
    });
    setHandler(
      eventSignal,
      (event) => {
        const at = this.eventAt(event, true);
        const check = () => {
          try {
            if (this.appliedBefore(event)) return false; // a repeat of an applied request: nothing to do
            validate(event as E, at);
            return true;
          } catch (err) {
            const reason = err instanceof ApplicationFailure ? err.message : String(err);
            this.timeline.add('event-rejected', `${event.type} rejected: ${reason}`, event.actor ?? 'unknown');
            return false;
          }
        };
        if (!check()) return;
        const due = this.dueDeadlinesToWaitFor(at);
        if (!due) return accept(event as E, at);
        return this.untilFired(due).then(() => {
          if (check()) accept(event as E, at);
        });
      },
      { description: EVENT_SIGNAL_DESCRIPTION },
    );
  }

  /**
   * Registers the join update (start-or-join playbooks): every start request arrives here, the first
   * with the workflow's start. Call before the workflow's first await, so the request that came with
   * the start is taken in the first workflow task. Nothing joins after the outcome (409).
   */
  handleJoins<Input, Result>(rules: JoinRules<Input, Result>): void {
    setHandler(
      joinUpdate,
      (tagged): JoinResult => {
        const { idempotency, ...request } = tagged;
        const { opened, result } = rules.apply(request as JoinRequest<Input>);
        const answer = { escalationId: this.escalationId, opened, status: this.currentStatus, open: this.outcome === null, result: result as Record<string, unknown> };
        return idempotency ? { ...answer, idempotency } : answer;
      },
      {
        validator: (request) => {
          if (this.outcome !== null) outOfOrder(`the escalation already has its outcome (${this.outcome}); it takes no more requests`);
          // A request that arrived after a deadline closing joins (e.g. the quiet period's end) belongs to
          // the next escalation, even while this one has not fired the deadline yet (worker late or down).
          const closedBy = this.deadlines.closing(JOIN_REQUEST, Date.parse(request.receivedAt));
          if (closedBy) {
            outOfOrder(`the deadline '${closedBy.name}' passed at ${closedBy.at} (${closedBy.description}); this request opens the next escalation`, {
              deadline: closedBy.name,
              at: closedBy.at,
            });
          }
          rules.validate?.(request as JoinRequest<Input>);
        },
      },
    );
  }

  /**
   * Idempotency-Keys of the events applied (per actor), with their request digests and the run that
   * applied them, oldest first: the same key with another body is refused (HTTP 422), including
   * another event type, whose update id differs so Temporal's own deduplication does not see it.
   * The most recent ones are carried into the next run (CARRIED_KEYS), because Temporal deduplicates
   * update ids only within a run: a client retrying an event (after a 503, or a lost answer) that an
   * earlier run applied would otherwise have it applied twice. Oldest forgotten past the cap.
   */
  private readonly requestKeys = new Map<string, AppliedRequest>();

  private rememberRequest(actor: string | undefined, tag: IdempotencyTag): void {
    const record = { actor: actor ?? 'unknown', key: tag.key, digest: tag.digest, runId: workflowInfo().runId };
    const id = `${record.actor}\u0000${tag.key}`;
    this.requestKeys.delete(id);
    this.requestKeys.set(id, record);
    if (this.requestKeys.size > MAX_REMEMBERED_KEYS) this.requestKeys.delete(this.requestKeys.keys().next().value!);
  }

  /**
   * The record of this event's Idempotency-Key when the same request (same body) was applied already
   * (in practice by an earlier run: within a run Temporal answers a repeated update id itself);
   * throws IdempotencyKeyReused when the key was used with another body.
   */
  private appliedBefore(event: EscalationEvent): AppliedRequest | undefined {
    const tag = event.idempotency;
    if (!tag) return undefined;
    const record = this.requestKeys.get(`${event.actor ?? 'unknown'}\u0000${tag.key}`);
    if (record === undefined) return undefined;
    if (record.digest !== tag.digest) {
      throw ApplicationFailure.create({
        type: IDEMPOTENCY_KEY_REUSED,
        nonRetryable: true,
        message: `Idempotency-Key '${tag.key}' was already used for another request to this escalation; use a new key for a new event`,
      });
    }
    return record;
  }

  /** The most recently applied requests' keys, for the next run (continue-as-new). */
  appliedRequests(limit = CARRIED_KEYS): AppliedRequest[] {
    const all = [...this.requestKeys.values()];
    return all.slice(Math.max(0, all.length - limit));
  }

  /** The keys an earlier run applied (carried over), before any event of this run is taken. */
  restoreAppliedRequests(requests: AppliedRequest[]): void {
    for (const r of requests) this.requestKeys.set(`${r.actor}\u0000${r.key}`, r);
  }

  /**
   * The instant (ms) an event is judged at: when the API received it (`receivedAt`), never later
   * than the workflow's time (a clock ahead of the server's changes nothing); the workflow's time
   * for an event without the stamp. `recorded`: in a handler, where the choice is recorded with a
   * patch marker (a history whose worker ignored the stamp replays as it ran); a validator reads
   * the stamp as is (it does not run on replay).
   */
  private eventAt(event: EscalationEvent, recorded: boolean): number {
    const now = Date.now();
    const received = typeof event.receivedAt === 'string' ? Date.parse(event.receivedAt) : NaN;
    if (Number.isNaN(received)) return now;
    if (recorded && !patched(EVENTS_JUDGED_AT_RECEIPT)) return now;
    return Math.min(received, now);
  }

  private judgingAt<T>(at: number, fn: () => T): T {
    const outer = this.judging;
    this.judging = at;
    try {
      return fn();
    } finally {
      this.judging = outer;
    }
  }

  /**
   * "Now" for the event being validated or applied: the instant the API received it (ms), so a
   * playbook dates it (a contact day, a late meeting) by when it happened, not by when a worker got
   * to it; the workflow's time outside an event's rules and for an event without the stamp.
   */
  eventInstant(): number {
    return this.judging ?? Date.now();
  }

  /**
   * The deadlines whose instant had passed when the event arrived (`at`) but which the agenda has
   * not fired yet: the event waits for them (their handlers make their changes first); undefined
   * when there is nothing to wait for (the usual case) or no agenda fires deadlines. A deadline due
   * after the event's instant does not make it wait, even if its instant has passed since: the event
   * happened first and is applied first.
   */
  private dueDeadlinesToWaitFor(at: number): PendingDeadline[] | undefined {
    const due = this.deadlines.overdue(at);
    if (due.length === 0 || !this.firer?.firesDeadlines() || !patched(EVENTS_AFTER_DUE_DEADLINES)) return undefined;
    return due;
  }

  /**
   * For code about to act on a timer of its own that fired: a promise that resolves once the agenda
   * fired the deadlines with a handler that are due at this workflow task's time and still pending,
   * so a cutoff that has passed decides before anyone is asked again; undefined when there are none
   * (awaited only then: histories from before the patch keep their microtask order). Only while the
   * agenda is idle: code inside its handler or queued work would wait on itself. Patch
   * DUE_DEADLINES_FIRST, asked only when there is such a deadline.
   */
  dueDeadlinesFirst(): Promise<void> | undefined {
    return this.handledDeadlinesFirst((firer) => firer.idle(), DUE_DEADLINES_FIRST);
  }

  /**
   * For code about to send a first request to someone (a ladder's or call task's first attempt): like
   * `dueDeadlinesFirst`, a promise that resolves once the agenda fired the deadlines with a handler
   * that are due at this workflow task's time, i.e. started their handlers: a handler that decides
   * does so before its first await (every one does), so an escalation opened after its cutoff (or
   * first run by a worker after it) asks nobody about what the cutoff decided. Undefined when none is
   * due. Also before the agenda's first round, as long as it runs (`run` was called: code awaited
   * before that would wait for ever) and none of its handlers or queued work is under way (one of them
   * may be the caller, and the deadline would fire only after it). Patch
   * DUE_DEADLINES_BEFORE_FIRST_REQUEST, asked only when such a deadline is due.
   */
  dueDeadlinesBeforeFirstRequest(): Promise<void> | undefined {
    return this.handledDeadlinesFirst((firer) => firer.free(), DUE_DEADLINES_BEFORE_FIRST_REQUEST);
  }

  /** The wait of the two above: when the agenda `mayWait` and a handled deadline is due; `patch` asked only then. */
  private handledDeadlinesFirst(mayWait: (firer: DeadlineFirer) => boolean, patch: string): Promise<void> | undefined {
    const firer = this.firer;
    if (!firer?.firesDeadlines() || !mayWait(firer)) return undefined;
    const due = this.deadlines.overdue(Date.now()).filter((d) => firer.handles(d.name));
    if (due.length === 0 || !patched(patch)) return undefined;
    return this.untilFired(due);
  }

  private async untilFired(due: PendingDeadline[]): Promise<void> {
    this.waitingForDeadlines++;
    try {
      await condition(() => due.every((d) => !this.deadlines.isPending(d)) || !this.firer!.firesDeadlines());
    } finally {
      this.waitingForDeadlines--;
    }
  }

  /** The agenda that fires this escalation's deadlines (it registers itself). */
  firedBy(firer: DeadlineFirer): void {
    this.firer = firer;
  }

  /** True while an event, or code acting on its own timer, waits for a due deadline to fire (the agenda must not continue as new meanwhile). */
  get waitingForDueDeadlines(): boolean {
    return this.waitingForDeadlines > 0;
  }

  /** True while the outcome is decided and `type` is one of the follow-ups expectAfterOutcome asked for. */
  private expectsNow(type: string): boolean {
    return this.outcome !== null && this.followUps.includes(type);
  }

  /**
   * Events still accepted once the outcome is decided (e.g. how a call telling the client went);
   * listed in `waitingFor`. `[]` when nothing more is expected.
   */

  expectAfterOutcome(types: readonly string[]): void {
    this.followUps = [...types];
    if (this.outcome !== null) this.waitingFor = [...types];
  }

  /** A working status; once the outcome is decided the status is final and this does nothing. */
  setStatus(status: Status, summary?: string): void {
    if (this.outcome === null) this.writeStatus(status, summary);
  }

  private writeStatus(status: Status, summary?: string): void {
    this.currentStatus = status;
    upsertSearchAttributes([{ key: statusKey, value: status }]);
    if (summary) this.statusSummary = summary;
    this.refreshDetails();
  }

  /** The IANA zone people read this escalation's times in (set with `present`; default UTC). */
  get timeZone(): string {
    return this.presentation.timeZone;
  }

  /** Sets how the current details read (zone, headline, facts) and shows them. */
  present(presentation: Presentation): void {
    this.presentation = presentation;
    this.refreshDetails();
  }

  /**
   * The Web UI's current details (Markdown): status or outcome, every pending deadline in local
   * time, what the escalation waits for, open tasks, the playbook's facts and the latest step.
   * Not a command (the SDK answers it from memory to the metadata query), so it costs no history.
   */
  refreshDetails(): void {
    const text = this.renderDetails();
    if (text === this.shownDetails) return;
    this.shownDetails = text;
    setCurrentDetails(text);
  }

  private renderDetails(): string {
    const { timeZone, headline, facts } = this.presentation;
    const when = (iso: string) => localTime(iso, timeZone);
    const lines: string[] = [];
    const passed = this.outcome === null ? this.deadlines.overdue(Date.now()) : [];
    if (passed.length) lines.push(`**Deciding**: ${passed.map((d) => `${d.description} passed (${when(d.at)})`).join('; ')}`);
    lines.push(
      this.outcome !== null
        ? `**${this.currentStatus}**: outcome **${this.outcome}**`
        : `**${this.currentStatus}**${this.waitingFor.length ? `, waiting for ${this.waitingFor.join(', ')}` : ''}`,
    );
    const head = headline?.() ?? this.statusSummary;
    if (head) lines.push(head);
    const deadlines = this.deadlines.list();
    if (deadlines.length) {
      lines.push('', `**Next deadline${deadlines.length > 1 ? 's' : ''}**`);
      for (const d of deadlines) lines.push(`- ${when(d.at)}: ${d.description}`);
    } else if (this.outcome === null) {
      lines.push('', '**No deadline pending**');
    }
    const open = this.tasks.filter((t) => t.status === 'open');
    if (open.length) {
      lines.push('', '**Open tasks**');
      for (const t of open) lines.push(`- ${t.assignee}: ${t.description}${t.nextAttemptAt ? ` (asked again ${when(t.nextAttemptAt)})` : ''}`);
    }
    const more = facts?.() ?? [];
    if (more.length) lines.push('', ...more.map((f) => `- ${f}`));
    const last = this.timeline.entries.at(-1);
    if (last) lines.push('', `Last: ${when(last.at)}, ${last.actor}: ${last.detail}`);
    return lines.join('\n');
  }

  openTask(id: string, assignee: string, description: string): Task {
    const task: Task = { id, assignee, description, status: 'open', openedAt: nowIso() };
    this.tasks.push(task);
    this.timeline.add('task-opened', description, 'engine', { task: id, assignee });
    return task;
  }

  closeTask(id: string, status: 'done' | 'cancelled' = 'done'): void {
    const task = this.tasks.find((t) => t.id === id && t.status === 'open');
    if (!task) return;
    task.status = status;
    task.closedAt = nowIso();
    this.refreshDetails();
  }

  /** Decides the outcome: from here on every event is rejected. */
  decide(outcome: string, status: Status, detail: string): void {
    this.outcome = outcome;
    this.waitingFor = [];
    for (const d of this.deadlines.list()) this.deadlines.clear(d.name);
    for (const t of this.tasks) if (t.status === 'open') this.closeTask(t.id, 'cancelled');
    this.timeline.add('outcome', detail, 'engine', { outcome });
    this.writeStatus(status, detail);
  }

  /** A deadline has passed and the loop is acting on it: the outcome is being decided (issue 16 item 8). */
  deciding(): boolean {
    return this.outcome === null && this.deadlines.overdue(Date.now()).length > 0;
  }

  /** The update's compact answer: status, what it waits for, deadlines, open tasks and `added` (this event's timeline entries). */
  eventResult(added: TimelineEntry[]): EventResult<Status> {
    return {
      escalationId: this.escalationId,
      status: this.currentStatus,
      open: this.outcome === null,
      outcome: this.outcome,
      waitingFor: this.waitingFor,
      deadlines: this.deadlines.list(),
      tasks: this.tasks.filter((t) => t.status === 'open'),
      timeline: added,
    };
  }

  state(): EscalationState<Status, Details> {
    return {
      escalationId: this.escalationId,
      playbook: this.playbook,
      status: this.currentStatus,
      open: this.outcome === null,
      outcome: this.outcome,
      waitingFor: this.waitingFor,
      deciding: this.deciding(),
      deadlines: this.deadlines.list(),
      tasks: this.tasks,
      messages: this.messages,
      timeline: this.timeline.entries,
      details: this.details,
    };
  }
}

/** Any playbook's escalation, for kit code that does not look at the status or details. */
export type AnyEscalation = Escalation<string, unknown>;
