// The bookkeeping every playbook shares: state, timeline, deadlines, tasks, search attributes and
// the event handlers. A playbook supplies how events are checked and applied; the kit keeps the
// rules that hold for all of them (no events after the outcome, every event on the timeline).
import {
  ApplicationFailure,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Deadlines } from './deadlines.js';
import { countTimelineEntry } from './metrics.js';
import { eventSignal, eventUpdate, outOfOrder, stateQuery } from './messages.js';
import { statusKey } from './search-attributes.js';
import type { EscalationEvent, EscalationState, EventResult, SentMessage, Task, TimelineEntry } from './state.js';
import { nowIso } from './time.js';
import { Timeline } from './timeline.js';

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
      if (this.outcome !== null) outOfOrder(`the escalation already has its outcome (${this.outcome}); '${event.type}' changes nothing`);
      rules.validate(event);
    };
    const accept = (event: E) => {
      const { type, actor, ...fields } = event;
      this.timeline.add(`event:${type}`, `${type} reported`, actor ?? 'unknown', Object.keys(fields).length ? fields : undefined);
      rules.apply(event);
    };
    setHandler(stateQuery, () => this.state());
    setHandler(
      eventUpdate,
      (event) => {
        const before = this.timeline.entries.length;
        accept(event as E);
        return this.eventResult(this.timeline.entries.slice(before));
      },
      { validator: (event) => validate(event as E) },
    );
    setHandler(eventSignal, (event) => {
      try {
        validate(event as E);
      } catch (err) {
        const reason = err instanceof ApplicationFailure ? err.message : String(err);
        this.timeline.add('event-rejected', `${event.type} rejected: ${reason}`, event.actor ?? 'unknown');
        return;
      }
      accept(event as E);
    });
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
