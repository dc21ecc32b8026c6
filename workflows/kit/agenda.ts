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
// How the loop waits (issue 16 item 3). Before the patch AGENDA_TIMER_PER_DEADLINE the wait was one
// `condition` whose timeout was the earliest deadline, restarted whenever the loop went round: every
// event cancelled the deadline's timer and started it again ("Timer Canceled: Participants by session
// start + 30 minutes" in the Web UI, as if the deadline were gone), two history events per event.
// Since the patch each pending deadline has one timer for its whole life, started when the loop first
// waits with it, cancelled only when the deadline is cleared or moves; the loop itself waits on a
// `condition` without a timeout. The escalations already in flight (test/replay/histories) keep the
// old wait. With the patch the loop also keeps `EscalationNextDeadline` (the earliest pending
// deadline) up to date, for the list API and the Web UI's list.
//
// A timer whose instant has come is never cancelled (patch AGENDA_DUE_TIMERS_FIRE): it has fired or
// is firing, maybe while this very workflow task runs (two deadlines at one instant, e.g. client-call's
// take-by and update-due, where the first one's handler moves the second). The real server then
// swaps the buffered TimerFired for the TimerCanceled; the time-skipping test server rejects the whole
// task completion ("invalid history builder state for action", temporalio/sdk-java#2606) and the
// escalation stops. Left alone, such a timer only wakes the loop once more, which finds nothing due.
// Since patch TIMERS_NEAR_FIRE (kit/timers.ts) the same holds for a timer due within a few task
// timeouts of now: it may fire while this task runs, after the workflow clock was read.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { historyIsLong } from './carry-over.js';
import type { AnyEscalation, DeadlineFirer } from './escalation.js';
import { nextDeadlineKey } from './search-attributes.js';
import { conditionOrTimeout, mayCancelTimer } from './timers.js';

/** patched() id: one timer per deadline for its whole life, and the next-deadline search attribute (issue 16 item 3). */
export const AGENDA_TIMER_PER_DEADLINE = 'agenda-timer-per-deadline';
/** patched() id: a deadline's timer whose instant has come is left to fire when the deadline is cleared or moves (never cancelled). */
export const AGENDA_DUE_TIMERS_FIRE = 'agenda-due-timers-fire';
/**
 * patched() id: at a continue-as-new moment, once the due deadlines an event (or a ladder) waits for
 * have fired, the loop waits for it to go on; before, it went round at once, again and again in
 * microtasks, so the waiter never went on and the worker's thread failed (asked only in that state).
 */
export const AGENDA_LETS_WAITERS_GO = 'agenda-lets-waiters-go';

/** A deadline's timer: armed for `at`, cancelled through its scope. */
interface ArmedTimer {
  at: string;
  scope: CancellationScope;
}

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
  /** Since AGENDA_TIMER_PER_DEADLINE: the timer of each pending deadline, by name. */
  private readonly timers = new Map<string, ArmedTimer>();
  /** Timers that fired since the loop last looked (each one wakes the loop). */
  private fired = 0;
  /** The `EscalationNextDeadline` last written ('' = none). */
  private nextDeadlineWritten: string | undefined;
  private timerPerDeadline: boolean | undefined;
  private dueTimersFire: boolean | undefined;
  private finished = false;
  /** `run` has been called. */
  private started = false;
  /** Handlers, queued jobs and `afterDrain` under way (code inside one of them must not wait for the agenda). */
  private busy = 0;
  /** In `waitForNextRound`: running no handler and no queued work. */
  private waiting = false;

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

  handles(name: string): boolean {
    return this.handlers.has(name);
  }

  idle(): boolean {
    return this.waiting;
  }

  /** Running (`run` called, not returned) with none of its handlers, queued jobs or `afterDrain` under way. */
  free(): boolean {
    return this.started && !this.finished && this.busy === 0;
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
    this.started = true;
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
        // Fired already: the waiters go on at the next check of conditions (each waits only for deadlines that were due).
        if (esc.waitingForDueDeadlines && esc.deadlines.overdue(Date.now()).length === 0 && patched(AGENDA_LETS_WAITERS_GO)) {
          await condition(() => !esc.waitingForDueDeadlines);
          continue;
        }
        // An event waiting for a due deadline needs the loop to fire it first: go round instead of waiting on it.
        await condition(() => allHandlersFinished() || esc.waitingForDueDeadlines);
        if (this.work.length === 0 && esc.outcome === null && this.changes === seen && allHandlersFinished()) return can.next();
        continue;
      }
      await this.waitForNextRound(seen);
    }
    await this.drain();
    if (this.timerPerDeadline) this.syncTimers();
  }

  // `busy` is counted around each await with try/finally, not through a wrapper function: a wrapper
  // would add microtasks, and the order of commands in recorded histories depends on them.
  private async drain(): Promise<void> {
    for (let job = this.work.shift(); job; job = this.work.shift()) {
      this.busy++;
      try {
        await job();
      } finally {
        this.busy--;
      }
    }
    if (this.options.afterDrain) {
      this.busy++;
      try {
        await this.options.afterDrain();
      } finally {
        this.busy--;
      }
    }
  }

  /** Fires every deadline that is due, earliest first (a handler may clear or add deadlines). */
  private async fireDue(): Promise<void> {
    const { esc } = this;
    for (let due = esc.deadlines.list()[0]; due && Date.parse(due.at) <= Date.now(); due = esc.deadlines.list()[0]) {
      esc.deadlines.fire(due.name);
      const handler = this.handlers.get(due.name);
      if (handler) {
        this.busy++;
        try {
          await handler();
        } finally {
          this.busy--;
        }
      }
      this.options.afterDue?.();
      if (esc.outcome !== null) return;
    }
  }

  /** Until the earliest deadline, new work, a change or the outcome. */
  private async waitForNextRound(seen: number): Promise<void> {
    this.timerPerDeadline ??= patched(AGENDA_TIMER_PER_DEADLINE);
    this.esc.refreshDetails(); // waitingFor and the playbook's facts change without a hook
    const woken = () => this.work.length > 0 || this.esc.outcome !== null || this.changes !== seen;
    this.waiting = true;
    try {
      if (this.timerPerDeadline) {
        const fired = this.fired;
        this.syncTimers();
        await condition(() => woken() || this.fired !== fired);
        return;
      }
      // Before the patch: one timer (named after the deadline for the Web UI), restarted every round.
      const next = this.esc.deadlines.list()[0];
      if (next) {
        await conditionOrTimeout(woken, Math.max(1, Date.parse(next.at) - Date.now()), { summary: next.description });
      } else {
        await condition(woken);
      }
    } finally {
      this.waiting = false;
    }
  }

  /**
   * One timer per pending deadline: arms the new ones, cancels those cleared or moved (a moved
   * deadline gets a new timer; since AGENDA_DUE_TIMERS_FIRE one whose instant has come is left to
   * fire instead), and writes `EscalationNextDeadline` when the earliest one changed.
   */
  private syncTimers(): void {
    const pending = new Map(this.esc.deadlines.list().map((d) => [d.name, d]));
    for (const [name, timer] of this.timers) {
      if (pending.get(name)?.at === timer.at) continue;
      this.timers.delete(name);
      // Due already: it has fired or is firing (see the top of the file), so it is left to fire; so is
      // one due within the margin (kit/timers.ts): it may fire before this task's completion is accepted.
      const at = Date.parse(timer.at);
      if (at <= Date.now() && (this.dueTimersFire ??= patched(AGENDA_DUE_TIMERS_FIRE))) continue;
      if (at > Date.now() && !mayCancelTimer(at)) continue;
      timer.scope.cancel();
    }
    for (const d of pending.values()) {
      if (this.timers.has(d.name)) continue;
      const scope = new CancellationScope();
      this.timers.set(d.name, { at: d.at, scope });
      const ms = Math.max(1, Date.parse(d.at) - Date.now());
      scope
        .run(() => sleep(ms, { summary: d.description }))
        .then(
          () => {
            if (this.timers.get(d.name)?.scope === scope) this.timers.delete(d.name);
            this.fired++;
          },
          (err: unknown) => {
            if (!isCancellation(err)) throw err;
          },
        );
    }
    const next = this.esc.outcome === null ? (this.esc.deadlines.list()[0]?.at ?? '') : '';
    if (next !== (this.nextDeadlineWritten ?? '')) {
      upsertSearchAttributes([{ key: nextDeadlineKey, value: next ? new Date(next) : null }]);
      this.nextDeadlineWritten = next;
    }
  }
}
