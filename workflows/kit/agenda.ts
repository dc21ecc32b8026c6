// The agenda: the one event loop every playbook runs on. Its deadlines are named and visible in the
// state (`esc.deadlines`); each name has a handler, fired when the deadline comes. Events change the
// state at once (in the update handler) and queue their side effects here (`later`), which the loop
// runs in order. Everything the loop needs is data, so a long escalation can continue as new at a
// quiet moment and carry its state over.
//
// One round: run the queued work; fire every deadline that is due (earliest first); run the work
// that queued; then wait until the earliest pending deadline, new work, a change (`changed()`) or the
// outcome. An escalation opened after a deadline passed decides at once: nothing waits for a time
// already gone.
//
// The commands the loop issues are fixed by the escalations already in flight (test/replay): the wait
// is one `condition` whose timeout is the earliest deadline, restarted whenever the loop goes round.
// `waitForNextRound` is the one place that decides how the loop waits: a later version ("a deadline
// is one timer for its whole life unless it moves") replaces it behind `patched()`, arming a timer
// per deadline when `Deadlines.add` registers it and cancelling it when the deadline is cleared.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { historyIsLong } from './carry-over.js';
import type { AnyEscalation, DeadlineFirer } from './escalation.js';

export interface AgendaOptions {
  /** Runs after every fired deadline (e.g. recompute what the escalation waits for). */
  afterDue?: () => void;
  /** Runs after the queued work, every round (e.g. send notes that wait for another system). */
  afterDrain?: () => Promise<void>;
  /**
   * Continue as new at a quiet moment once this run's history has `maxEvents` events or `maxBytes`
   * (or the server suggests it); `next()` continues as new with the state to carry.
   */
  continueAsNew?: { maxEvents: number; maxBytes: number; next: () => Promise<never> };
}

export class Agenda implements DeadlineFirer {
  private readonly handlers = new Map<string, () => Promise<void>>();
  /** Side effects queued by events, run by the loop in order. */
  private readonly work: (() => Promise<void>)[] = [];
  private changes = 0;
  private finished = false;

  constructor(
    private readonly esc: AnyEscalation,
    private readonly options: AgendaOptions = {},
  ) {
    esc.firedBy(this);
  }

  /** Until `run` returns, every deadline that comes due is fired (events after a due deadline wait for it). */
  firesDeadlines(): boolean {
    return !this.finished;
  }

  /** What happens when the deadline `name` comes (a deadline without a handler just passes). */
  on(name: string, handler: () => Promise<void>): this {
    this.handlers.set(name, handler);
    return this;
  }

  /** Queues a side effect of an event (an activity): the loop runs it next, in order. */
  later(job: () => Promise<unknown>): void {
    this.work.push(async () => {
      await job();
    });
  }

  /** An event changed what the loop waits for (deadlines, status): it goes round again before waiting. */
  changed(): void {
    this.changes++;
  }

  /** Runs until the escalation has its outcome (then runs the work that queued), or continues as new. */
  async run(): Promise<void> {
    try {
      await this.loop();
    } finally {
      this.finished = true;
    }
  }

  private async loop(): Promise<void> {
    const { esc } = this;
    for (;;) {
      // Any event from here on (even one that arrives while an activity runs) makes the loop go round again.
      const seen = this.changes;
      await this.drain();
      if (esc.outcome !== null) break;
      await this.fireDue();
      await this.drain();
      if (esc.outcome !== null) break;
      if (this.changes !== seen) continue;
      const can = this.options.continueAsNew;
      if (can && historyIsLong(can.maxEvents, can.maxBytes)) {
        // An event waiting for a due deadline needs the loop to fire it first: go round instead of waiting on it.
        await condition(() => allHandlersFinished() || esc.eventsWaitingForDeadlines);
        if (this.work.length === 0 && esc.outcome === null && this.changes === seen && allHandlersFinished()) return can.next();
        continue;
      }
      await this.waitForNextRound(seen);
    }
    await this.drain();
  }

  private async drain(): Promise<void> {
    for (let job = this.work.shift(); job; job = this.work.shift()) await job();
    if (this.options.afterDrain) await this.options.afterDrain();
  }

  /** Fires every deadline that is due, earliest first (a handler may clear or add deadlines). */
  private async fireDue(): Promise<void> {
    const { esc } = this;
    for (let due = esc.deadlines.list()[0]; due && Date.parse(due.at) <= Date.now(); due = esc.deadlines.list()[0]) {
      esc.deadlines.fire(due.name);
      const handler = this.handlers.get(due.name);
      if (handler) await handler();
      this.options.afterDue?.();
      if (esc.outcome !== null) return;
    }
  }

  /** Until the earliest deadline, new work, a change or the outcome (one timer, named after the deadline for the Web UI). */
  private async waitForNextRound(seen: number): Promise<void> {
    const woken = () => this.work.length > 0 || this.esc.outcome !== null || this.changes !== seen;
    const next = this.esc.deadlines.list()[0];
    if (next) {
      await condition(woken, Math.max(1, Date.parse(next.at) - Date.now()), { summary: next.description });
    } else {
      await condition(woken);
    }
  }
}
