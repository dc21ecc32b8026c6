// Deadlines relative to a business time (a session's start, a report's time), not to when the
// workflow started: an escalation opened late fires its already-past deadlines at once.
import { condition } from '@temporalio/workflow';
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

/**
 * Waits until `done()` holds or the deadline passes; true when `done()` won.
 * A deadline already in the past is decided at once, without a timer.
 */
export async function beforeDeadline(done: () => boolean, deadline: PendingDeadline): Promise<boolean> {
  const remaining = Date.parse(deadline.at) - Date.now();
  if (remaining <= 0) return done();
  return condition(done, remaining, { summary: deadline.description });
}
