// The engine cannot dial a phone: a call task asks a person (the assignee) to call someone and waits
// for the outcome event. It is a ladder whose rungs are the callees: unanswered, the assignee is
// asked again every interval; after a callee's attempt limit (or when the directory marks them away)
// the next callee is called, e.g. "phone the lead; on vacation or two unanswered calls: the backup".
// Like every ladder it is capped (ladder.ts, LADDER_LIMITS): nobody is asked for ever.
// Each callee is an open task in the state, with how often the assignee was asked and when next.
import type { AnyEscalation } from './escalation.js';
import { runLadder, type LadderResult, type Rung } from './ladder.js';
import type { Task } from './state.js';
import { nowIso } from './time.js';

export interface Callee {
  name: string;
  phone?: string | undefined;
  /** The callee's directory key: skipped when the directory marks them away. */
  person?: string | undefined;
  /** How often the assignee is asked to call before the next callee is tried (default: until reached). */
  attempts?: number | undefined;
}

export interface CallTaskOptions {
  /** The first callee's task id; the next callees' are `<id>-2`, `<id>-3`, ... */
  id: string;
  /** Who makes the calls (role or directory key). */
  assignee: string;
  /** In order; the last one is called until reached unless it has an attempt limit (or the task's cap). */
  callees: Callee[];
  /** How long the assignee has to report an outcome before being asked again, in milliseconds (at least LADDER_LIMITS.minTimeoutMs). */
  intervalMs: number;
  /** How often the assignee is asked in all (default LADDER_LIMITS.maxAttempts, at most LADDER_LIMITS.hardMax): then the task ends `exhausted`. */
  maxAttempts?: number | undefined;
  /** True once the call is no longer needed (callee reached, escalation decided). */
  finished: () => boolean;
  /** The call got its outcome event (not merely no longer needed): the task is done even after the escalation's outcome. */
  answered?: () => boolean;
  /** How many "no answer" outcomes were reported so far: each ends the current attempt at once. */
  noAnswers?: () => number;
  /**
   * Asks the assignee (Slack post, DM) to make call `attempt` (from 1, per callee); answer with the
   * post(s) (`postSlack`/`dm`'s result) so their buttons are closed once answered or asked again.
   */
  ask: (attempt: number, request: string, callee: Callee) => Promise<unknown>;
}

interface CallRung extends Rung {
  callee: Callee;
  request: string;
  taskId: string;
}

/** "Phone Alex on +1 555 0142": what the assignee is asked to do. */
const callRequest = (callee: Callee) => `Phone ${callee.name}${callee.phone ? ` on ${callee.phone}` : ' (no number on file)'}`;

export async function callTask(esc: AnyEscalation, opts: CallTaskOptions): Promise<LadderResult<CallRung>> {
  // A deadline that has passed decides before the first callee's task opens (kit/ladder.ts).
  const firing = esc.dueDeadlinesBeforeFirstRequest();
  if (firing) await firing;
  const rungs: CallRung[] = opts.callees.map((callee, i) => ({
    target: callee.name,
    person: callee.person,
    attempts: callee.attempts ?? Number.POSITIVE_INFINITY,
    timeoutMs: opts.intervalMs,
    callee,
    request: callRequest(callee),
    taskId: i === 0 ? opts.id : `${opts.id}-${i + 1}`,
  }));
  let task: Task | undefined;
  const closeTask = (status?: 'cancelled' | 'done') => {
    if (!task) return;
    delete task.nextAttemptAt;
    if (task.status === 'open') {
      task.status = status ?? (esc.outcome === null ? 'done' : 'cancelled');
      task.closedAt = nowIso();
    }
  };
  // The first callee's task is open before anything is sent (the first read sees it), unless the
  // directory may skip them or the call was over (e.g. decided by a passed deadline) by the time the
  // wait for that deadline ended.
  const moot = firing !== undefined && opts.finished();
  if (!moot && rungs[0] && rungs[0].person === undefined) task = esc.openTask(rungs[0].taskId, opts.assignee, rungs[0].request);
  const result = await runLadder(esc, {
    id: opts.id,
    rungs,
    maxAttempts: opts.maxAttempts,
    acknowledged: () => opts.finished() || (task !== undefined && task.status !== 'open'),
    ...(opts.noAnswers && { unanswered: opts.noAnswers }),
    onRung: (rung) => {
      if (task?.id === rung.taskId) return;
      closeTask();
      task = esc.openTask(rung.taskId, opts.assignee, rung.request);
    },
    onAttempt: (_rung, attempt, dueAt) => {
      task!.attempts = attempt;
      task!.nextAttemptAt = new Date(dueAt).toISOString();
    },
    notify: (rung, attempt) => opts.ask(attempt, rung.request, rung.callee),
    onUnanswered: (rung, attempt, next) => {
      const then = next === 'again' ? 'asking again' : next ? `calling ${next.callee.name} next` : 'no one left to call';
      esc.timeline.add('call-unanswered', `No outcome reported for "${rung.request}" (attempt ${attempt}); ${then}`);
    },
    summary: (rung) => `${rung.request}: ask again`,
  });
  // Nobody reached (every callee tried, or the cap): the task did not get done. Answered: it did,
  // even when the escalation was decided before (e.g. the call telling the client about it).
  closeTask(result.outcome === 'exhausted' ? 'cancelled' : opts.answered?.() ? 'done' : undefined);
  return result;
}
