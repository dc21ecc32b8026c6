// Deadlines relative to a business time (a session's start, a report's time), not to when the
// workflow started: an escalation opened late fires its already-past deadlines at once (the agenda
// fires every deadline that is due before it waits).
//
// A deadline that has passed wins, whatever the worker's latency (issue 17 item 1). A deadline may
// declare the events it closes (`closes`): from its instant on, the kit's event validator refuses
// them with a 409 naming the deadline, even when the worker was down and the timer's handler has not
// run yet (an update and the timer that fired before it arrive in one workflow task, and the SDK
// hands the update to the validator first). Events a deadline does not close wait until the agenda
// has fired every deadline whose instant had passed when they arrived (escalation.ts). "From its
// instant on" and "arrived" are compared with when the API received the event (its receivedAt):
// an event received before the instant is neither closed nor made to wait, however late applied.
import type { PendingDeadline } from './state.js';

/** What a deadline lists in `closes` to close a start-or-join escalation to further requests (the kit's join update). */
export const JOIN_REQUEST = 'join';

export interface DeadlineOptions {
  /** Event types this deadline closes: refused from its instant on (409 naming it). */
  closes?: readonly string[] | undefined;
}

export class Deadlines {
  private readonly pending = new Map<string, PendingDeadline>();
  /** Fired deadlines that close events, by name: what they close stays closed. */
  private readonly passed = new Map<string, PendingDeadline>();

  /** `onChange` runs after every add, clear and fire (the Web UI's details list the pending deadlines). */
  constructor(private readonly onChange?: () => void) {}

  /**
   * Registers `name` at `anchor + offsetMs` (replacing a pending one of that name); visible in the
   * state until it fires or is cleared. Registering a name again reopens what its last firing closed.
   */
  add(name: string, anchor: string | number, offsetMs: number, description: string, options: DeadlineOptions = {}): PendingDeadline {
    const anchorMs = typeof anchor === 'number' ? anchor : Date.parse(anchor);
    const deadline: PendingDeadline = {
      name,
      at: new Date(anchorMs + offsetMs).toISOString(),
      description,
      ...(options.closes && options.closes.length > 0 && { closes: [...options.closes] }),
    };
    this.pending.set(name, deadline);
    this.passed.delete(name);
    this.onChange?.();
    return deadline;
  }

  /** Removes a pending deadline that will not come (what it waited for happened). */
  clear(name: string): void {
    if (this.pending.delete(name)) this.onChange?.();
  }

  /** The agenda fires `name`: it is no longer pending, and what it closes stays closed. */
  fire(name: string): PendingDeadline | undefined {
    const deadline = this.pending.get(name);
    this.pending.delete(name);
    if (deadline?.closes) this.passed.set(name, deadline);
    if (deadline) this.onChange?.();
    return deadline;
  }

  /** Pending, earliest first. */
  list(): PendingDeadline[] {
    return [...this.pending.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** True while exactly this deadline (same name and instant) is still pending. */
  isPending(deadline: PendingDeadline): boolean {
    return this.pending.get(deadline.name)?.at === deadline.at;
  }

  /** Pending deadlines whose instant is at or before `nowMs` (due, their handler not run yet). */
  overdue(nowMs: number): PendingDeadline[] {
    return this.list().filter((d) => Date.parse(d.at) <= nowMs);
  }

  /** The deadline that closes events of `type` at `nowMs`: a pending one past its instant, or one that fired. */
  closing(type: string, nowMs: number): PendingDeadline | undefined {
    return (
      this.overdue(nowMs).find((d) => d.closes?.includes(type)) ?? [...this.passed.values()].find((d) => d.closes?.includes(type))
    );
  }

  /** Fired deadlines that close events (carried over when an escalation continues as new). */
  closed(): PendingDeadline[] {
    return [...this.passed.values()];
  }

  /** Puts carried closed deadlines back. */
  restoreClosed(deadlines: readonly PendingDeadline[]): void {
    for (const d of deadlines) if (d.closes) this.passed.set(d.name, d);
  }
}
