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
import {
  EVENT_SIGNAL_DESCRIPTION,
  EVENT_UPDATE_DESCRIPTION,
  eventSignal,
  eventUpdate,
  outOfOrder,
  STATE_QUERY_DESCRIPTION,
  stateQuery,
} from './messages.js';
import { statusKey } from './search-attributes.js';
import type { EscalationEvent, EscalationState, EventResult, SentMessage, Task, TimelineEntry } from './state.js';
import { localTime, nowIso } from './time.js';
import { Timeline } from './timeline.js';

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

export class Escalation<Status extends string, Details> {
  readonly timeline = new Timeline((entry) => {
    countTimelineEntry(this.playbook, entry);
    this.refreshDetails();
  });
  readonly deadlines = new Deadlines(() => this.refreshDetails());
  readonly tasks: Task[] = [];
  readonly messages: SentMessage[] = [];
  readonly escalationId = workflowInfo().workflowId;
  outcome: string | null = null;
  waitingFor: string[] = [];
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
    const validate = (event: E) => {
      if (this.outcome !== null) outOfOrder(`the escalation already has its outcome (${this.outcome}); '${event.type}' changes nothing`);
      rules.validate(event);
    };
    const accept = (event: E) => {
      const { type, actor, ...fields } = event;
      this.timeline.add(`event:${type}`, `${type} reported`, actor ?? 'unknown', Object.keys(fields).length ? fields : undefined);
      rules.apply(event);
      this.refreshDetails();
    };
    setHandler(stateQuery, () => this.state(), { description: STATE_QUERY_DESCRIPTION });
    setHandler(
      eventUpdate,
      (event) => {
        const before = this.timeline.entries.length;
        accept(event as E);
        return this.eventResult(this.timeline.entries.slice(before));
      },
      { validator: (event) => validate(event as E), description: EVENT_UPDATE_DESCRIPTION },
    );
    setHandler(
      eventSignal,
      (event) => {
        try {
          validate(event as E);
        } catch (err) {
          const reason = err instanceof ApplicationFailure ? err.message : String(err);
          this.timeline.add('event-rejected', `${event.type} rejected: ${reason}`, event.actor ?? 'unknown');
          return;
        }
        accept(event as E);
      },
      { description: EVENT_SIGNAL_DESCRIPTION },
    );
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
    const passed = this.outcome === null ? this.deadlines.list().filter((d) => Date.parse(d.at) <= Date.now()) : [];
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
    return this.outcome === null && this.deadlines.list().some((d) => Date.parse(d.at) <= Date.now());
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
