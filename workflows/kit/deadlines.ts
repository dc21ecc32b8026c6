// Deadlines relative to a business time (a session's start, a report's time), not to when the
// workflow started: an escalation opened late fires its already-past deadlines at once (the agenda
// fires every deadline that is due before it waits).
import type { PendingDeadline } from './state.js';

export class Deadlines {
  private readonly pending = new Map<string, PendingDeadline>();

  /** Registers `name` at `anchor + offsetMs`; visible in the state until cleared. */
  add(name: string, anchor: string | number, offsetMs: number, description: string): PendingDeadline {
    const anchorMs = typeof anchor === 'number' ? anchor : Date.parse(anchor);
    const deadline = { name, at: new Date(anchorMs + offsetMs).toISOString(), description };
    this.pending.set(name, deadline);
    return deadline;
  }

  clear(name: string): void {
    this.pending.delete(name);
  }

  list(): PendingDeadline[] {
    return [...this.pending.values()].sort((a, b) => a.at.localeCompare(b.at));
  }
}
