// The bookkeeping every playbook shares: state, timeline, deadlines, tasks, search attributes and
// the event handlers. A playbook supplies how events are checked and applied; the kit keeps the
// rules that hold for all of them (no events after the outcome unless the playbook still expects a
// follow-up, none that a passed deadline closes, every event on the timeline).
//
// A deadline that has passed wins, whatever the worker's latency (issue 17 item 1): an event that a
// deadline closes is refused from the deadline's instant on (deadlines.ts), and any other event that
// arrives after a deadline's instant is applied once the agenda has fired that deadline, so the
// deadline's effect comes first however late the worker got to both.
import {
  ApplicationFailure,
  condition,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Deadlines } from './deadlines.js';
import { countTimelineEntry } from './metrics.js';
import { eventSignal, eventUpdate, outOfOrder, refusedEventSignal, stateQuery } from './messages.js';
import { statusKey } from './search-attributes.js';
import type { EscalationEvent, EscalationState, EventResult, PendingDeadline, SentMessage, Task, TimelineEntry } from './state.js';
import { nowIso } from './time.js';
import { Timeline } from './timeline.js';

/**
 * patched() id: an event that arrives after a deadline's instant, before the agenda fired it (the
 * worker was down or busy), is applied after the deadline's handler started; before, it was applied
 * first. Only consulted when such a deadline exists, so histories without that race replay as they are.
 */
export const EVENTS_AFTER_DUE_DEADLINES = 'kit-events-after-due-deadlines';

/** What fires an escalation's deadlines (its agenda), while it does. */
export interface DeadlineFirer {
  /** True while deadlines that come due will be fired (the agenda has not finished). */
  firesDeadlines(): boolean;
}

export interface EventRules<E extends EscalationEvent> {
  /** Throws notApplicable/outOfOrder for an event that makes no sense now. Synchronous, no side effects. */
  validate(event: E): void;
  /** Applies a validated event to the playbook's state. */
  apply(event: E): void;
}

export class Escalation<Status extends string, Details> {
  readonly timeline = new Timeline((entry) => countTimelineEntry(this.playbook, entry));
  readonly deadlines = new Deadlines();
  readonly tasks: Task[] = [];
  readonly messages: SentMessage[] = [];
  readonly escalationId = workflowInfo().workflowId;
  outcome: string | null = null;
  waitingFor: string[] = [];
  /** Events still accepted after the outcome (e.g. the result of a call telling the client). */
  private followUps: readonly string[] = [];
  /** Events waiting for a due deadline to fire before they are applied. */
  private waitingForDeadlines = 0;
  private firer: DeadlineFirer | null = null;
  private currentStatus: Status;

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
    const validate = (event: E) => {
      const closedBy = this.deadlines.closing(event.type, Date.now());
      if (closedBy) {
        outOfOrder(`the deadline '${closedBy.name}' passed at ${closedBy.at} (${closedBy.description}); '${event.type}' comes too late`, {
          deadline: closedBy.name,
          at: closedBy.at,
        });
      }
      if (this.outcome !== null && !this.followUps.includes(event.type)) {
        outOfOrder(`the escalation already has its outcome (${this.outcome}); '${event.type}' changes nothing`);
      }
      rules.validate(event);
    };
    const accept = (event: E) => {
      const { type, actor, ...fields } = event;
      this.timeline.add(`event:${type}`, `${type} reported`, actor ?? 'unknown', Object.keys(fields).length ? fields : undefined);
      rules.apply(event);
    };
    setHandler(stateQuery, () => this.state());
    // Synchronous unless the event must wait for a due deadline: an event buffered before the handler
    // was registered is applied inside setHandler, before the workflow's next command (histories rely on it).
    setHandler(
      eventUpdate,
      (event) => {
        const apply = () => {
          const before = this.timeline.entries.length;
          accept(event as E);
          return this.eventResult(this.timeline.entries.slice(before));
        };
        const due = this.dueDeadlinesToWaitFor();
        if (!due) return apply();
        return this.untilFired(due).then(() => {
          // The deadline's handler may have decided the outcome or closed the event: the update then fails with its 409.
          validate(event as E);
          return apply();
        });
      },
      { validator: (event) => validate(event as E) },
    );
    setHandler(refusedEventSignal, (attempt) => {
      this.timeline.add('event-refused', `${attempt.type} refused: ${attempt.reason}`, attempt.actor, { rule: attempt.rule, event: attempt.type });
    });
    setHandler(eventSignal, (event) => {
      const check = () => {
        try {
          validate(event as E);
          return true;
        } catch (err) {
          const reason = err instanceof ApplicationFailure ? err.message : String(err);
          this.timeline.add('event-rejected', `${event.type} rejected: ${reason}`, event.actor ?? 'unknown');
          return false;
        }
      };
      if (!check()) return;
      const due = this.dueDeadlinesToWaitFor();
      if (!due) return accept(event as E);
      return this.untilFired(due).then(() => {
        if (check()) accept(event as E);
      });
    });
  }

  /**
   * The deadlines whose instant has passed but which the agenda has not fired yet, when an event
   * must wait for them (their handlers make their changes first); undefined when there is nothing
   * to wait for (the usual case) or no agenda fires deadlines.
   */
  private dueDeadlinesToWaitFor(): PendingDeadline[] | undefined {
    const due = this.deadlines.overdue(Date.now());
    if (due.length === 0 || !this.firer?.firesDeadlines() || !patched(EVENTS_AFTER_DUE_DEADLINES)) return undefined;
    return due;
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

  /** True while an event waits for a due deadline to fire (the agenda must not continue as new meanwhile). */
  get eventsWaitingForDeadlines(): boolean {
    return this.waitingForDeadlines > 0;
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
    if (summary) setCurrentDetails(summary);
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
