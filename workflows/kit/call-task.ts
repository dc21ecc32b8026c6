// The engine cannot dial a phone: a call task asks a person to call someone and waits for the
// outcome event. Unanswered, it asks again every interval until the call is no longer needed.
import { condition } from '@temporalio/workflow';
import type { Escalation } from './escalation.js';
import { nowIso } from './time.js';

export interface CallTaskOptions {
  id: string;
  /** Who makes the call (role or directory key). */
  assignee: string;
  callee: string;
  phone?: string | undefined;
  intervalMs: number;
  /** True once the call is no longer needed (callee reached, escalation decided). */
  finished: () => boolean;
  /** Asks the assignee (Slack post, DM); `attempt` counts from 1. */
  ask: (attempt: number, request: string) => Promise<unknown>;
}

export async function callTask(esc: Escalation<string, unknown>, opts: CallTaskOptions): Promise<void> {
  const request = `Phone ${opts.callee}${opts.phone ? ` on ${opts.phone}` : ' (no number on file)'}`;
  const task = esc.openTask(opts.id, opts.assignee, request);
  for (let attempt = 1; !opts.finished() && task.status === 'open'; attempt++) {
    task.attempts = attempt;
    task.nextAttemptAt = new Date(Date.now() + opts.intervalMs).toISOString();
    await opts.ask(attempt, request);
    if (await condition(() => opts.finished() || task.status !== 'open', opts.intervalMs, { summary: `${request}: ask again` })) break;
    esc.timeline.add('call-unanswered', `No outcome reported for "${request}" (attempt ${attempt}); asking again`);
  }
  delete task.nextAttemptAt;
  if (task.status === 'open') {
    task.status = esc.outcome === null ? 'done' : 'cancelled';
    task.closedAt = nowIso();
  }
}
