// Small workflows that run the kit's ladder, call task, deadlines and join update on their own (the
// playbooks use them the same way: tech-incident's phone ladder and reports, client-call's
// managers), for the kit's tests.
import { condition, continueAsNew, sleep } from '@temporalio/workflow';
import { Agenda } from '../../../workflows/kit/agenda.js';
import { callTask, type Callee } from '../../../workflows/kit/call-task.js';
import { Escalation } from '../../../workflows/kit/escalation.js';
import { runLadder, type LadderResult, type Rung } from '../../../workflows/kit/ladder.js';
import { notApplicable } from '../../../workflows/kit/messages.js';
import { postSlack } from '../../../workflows/kit/notify.js';
import type { EscalationState } from '../../../workflows/kit/state.js';
import { minutes } from '../../../workflows/kit/time.js';
import { slack } from '../../../workflows/kit/slack-text.js';

type ProbeEvent = { type: 'reached' | 'no-answer' | 'ack'; actor?: string };
interface ProbeDetails {
  reached: boolean;
  noAnswers: number;
  acknowledged: boolean;
  result: Omit<LadderResult<Rung>, 'rung' | 'skipped'> & { rung: string | null; skipped: string[] } | null;
}

function probe(): Escalation<'running' | 'done', ProbeDetails> {
  const esc = new Escalation<'running' | 'done', ProbeDetails>('kit-probe', 'running', { reached: false, noAnswers: 0, acknowledged: false, result: null });
  esc.handleEvents<ProbeEvent>({
    validate: () => undefined,
    apply: (event) => {
      if (event.type === 'reached') esc.details.reached = true;
      if (event.type === 'no-answer') esc.details.noAnswers += 1;
      if (event.type === 'ack') esc.details.acknowledged = true;
    },
  });
  return esc;
}

const summarise = <R extends Rung>(r: LadderResult<R>): ProbeDetails['result'] => ({
  outcome: r.outcome,
  attempts: r.attempts,
  rung: r.rung?.target ?? null,
  skipped: r.skipped.map((s) => s.target),
});

/** The desk is asked (DM) to phone the callees in order; "reached" ends it, "no-answer" ends an attempt. */
export async function callLadderProbe(callees: Callee[], intervalMinutes: number): Promise<EscalationState> {
  const esc = probe();
  const result = await callTask(esc, {
    id: 'call-on-call',
    assignee: 'desk-agent',
    callees,
    intervalMs: minutes(intervalMinutes),
    finished: () => esc.details.reached,
    noAnswers: () => esc.details.noAnswers,
    ask: (attempt, request, callee) => postSlack(esc, { step: `call-${callee.person ?? callee.name}-${attempt}`, target: { dm: 'desk-agent' }, text: slack`${request}` }),
  });
  esc.details.result = summarise(result);
  esc.decide('done', 'done', 'probe finished');
  return esc.state();
}

/** Each person is DMed in order and has `timeoutMinutes` to acknowledge ("ack"). */
export async function notifyLadderProbe(people: string[], timeoutMinutes: number): Promise<EscalationState> {
  const esc = probe();
  const result = await runLadder(esc, {
    id: 'notify',
    rungs: people.map((person) => ({ target: person, person, timeoutMs: minutes(timeoutMinutes) })),
    acknowledged: () => esc.details.acknowledged,
    notify: (rung, attempt) => postSlack(esc, { step: `notify-${rung.person}-${attempt}`, target: { dm: rung.person! }, text: slack`Please acknowledge` }),
    summary: (rung) => `Acknowledgement from ${rung.target}`,
  });
  esc.details.result = summarise(result);
  esc.decide('done', 'done', 'probe finished');
  return esc.state();
}

/**
 * Start-or-join on its own: every request arrives through the kit's join update and counts; after
 * `closeAfter` requests the escalation decides, and stays open one more minute (closing) before it ends.
 */
export async function joinProbe(opening: { closeAfter: number }): Promise<EscalationState> {
  const esc = new Escalation<'open' | 'done', { requests: { n: number; receivedAt: string }[] }>('kit-join-probe', 'open', { requests: [] });
  esc.handleJoins<{ n: number }, { count: number }>({
    validate: ({ input }) => {
      if (input.n < 0) notApplicable('n must not be negative');
    },
    apply: ({ input, receivedAt }) => {
      esc.details.requests.push({ n: input.n, receivedAt });
      const count = esc.details.requests.length;
      if (count >= opening.closeAfter) esc.decide('done', 'done', `${count} requests`);
      return { opened: count === 1, result: { count } };
    },
  });
  await condition(() => esc.outcome !== null);
  await sleep(minutes(1));
  return esc.state();
}

type DeadlineEvent = { type: 'arrived' | 'note'; actor?: string };
interface DeadlineDetails {
  reminded: boolean;
  /** Whether each note saw the reminder's handler run before it. */
  notesAfterReminder: boolean[];
  /** The instant each note was judged at (esc.eventInstant(), ISO). */
  noteInstants: string[];
}

/**
 * A deadline that closes an event and one that does not, `reminderAfterMs` and `cutoffAfterMs` from
 * the start: "arrived" before the cutoff decides 'on-time', the cutoff decides 'late' and closes
 * "arrived"; a "note" records whether the reminder had fired before it.
 */
export async function deadlineProbe(reminderAfterMs: number, cutoffAfterMs: number): Promise<EscalationState> {
  const esc = new Escalation<'running' | 'done', DeadlineDetails>('kit-probe', 'running', { reminded: false, notesAfterReminder: [], noteInstants: [] });
  const agenda = new Agenda(esc);
  esc.handleEvents<DeadlineEvent>({
    validate: () => undefined,
    apply: (event) => {
      if (event.type === 'arrived') esc.decide('on-time', 'done', 'arrived before the cutoff');
      if (event.type === 'note') {
        esc.details.notesAfterReminder.push(esc.details.reminded);
        esc.details.noteInstants.push(new Date(esc.eventInstant()).toISOString());
      }
    },
  });
  const start = Date.now();
  esc.deadlines.add('reminder', start, reminderAfterMs, 'Reminder (closes nothing)');
  esc.deadlines.add('cutoff', start, cutoffAfterMs, 'Arrival by the cutoff', { closes: ['arrived'] });
  agenda
    .on('reminder', async () => {
      esc.details.reminded = true;
      esc.timeline.add('reminder', 'reminder fired');
      await postSlack(esc, { step: 'reminder', target: { dm: 'desk-agent' }, text: slack`Reminder` });
    })
    .on('cutoff', async () => {
      esc.timeline.add('deadline-passed', 'cutoff passed', 'engine', { deadline: 'cutoff' });
      esc.decide('late', 'done', 'nobody arrived by the cutoff');
    });
  await agenda.run();
  return esc.state();
}

interface SameInstantDetails {
  /** When each deadline's handler ran (ISO). */
  fired: Record<string, string>;
}

/**
 * Two deadlines at one instant, `afterMs` from the start, as client-call's take-by and update-due of
 * a non-critical call: the first one's handler moves the second `moveByMs` on (clearing it would do
 * the same to its timer); the second decides when it comes. `secondAfterMs` (ms) puts the second's
 * first instant a little after the first's instead (a timer that fires while the first's task runs).
 */
export async function sameInstantProbe(afterMs: number, moveByMs: number, secondAfterMs = afterMs): Promise<EscalationState> {
  const esc = new Escalation<'running' | 'done', SameInstantDetails>('kit-probe', 'running', { fired: {} });
  const agenda = new Agenda(esc);
  const start = Date.now();
  esc.deadlines.add('first', start, afterMs, 'First deadline');
  esc.deadlines.add('second', start, secondAfterMs, 'Second deadline, same instant');
  agenda
    .on('first', async () => {
      esc.details.fired.first = new Date().toISOString();
      esc.deadlines.add('second', Date.now(), moveByMs, 'Second deadline, moved by the first');
    })
    .on('second', async () => {
      esc.details.fired.second = new Date().toISOString();
      esc.decide('done', 'done', 'the second deadline came');
    });
  await agenda.run();
  return esc.state();
}

/**
 * A ladder attempt that waits `timeoutMs` for its acknowledgement, which comes `leadMs` before the
 * timeout's instant (another timer of the same workflow, as a deadline's handler would): with a small
 * lead the ladder's timer fires while the acknowledging task runs, and must not be cancelled then.
 */
export async function nearTimeoutAckProbe(timeoutMs: number, leadMs: number): Promise<EscalationState> {
  const esc = probe();
  const result = await runLadder(esc, {
    id: 'near-timeout',
    rungs: [{ target: 'desk-agent', timeoutMs }],
    acknowledged: () => esc.details.acknowledged,
    // No activity between the two timers: both start in one workflow task, at one instant.
    onAttempt: () => void sleep(timeoutMs - leadMs, { summary: 'acknowledge' }).then(() => (esc.details.acknowledged = true)),
    notify: async () => undefined,
    summary: () => 'Acknowledgement from the desk',
  });
  esc.details.result = summarise(result);
  // The escalation goes on after the acknowledgement (a task that closed the workflow would be answered
  // "unhandled command" for the fired timer instead, and retried).
  await sleep(minutes(1), { summary: 'after the acknowledgement' });
  esc.decide('done', 'done', 'probe finished');
  return esc.state();
}

/**
 * An agenda that continues as new once its history has `maxEvents` events, a deadline `afterMs` from
 * the start whose handler awaits nothing, and "note" events (none closed by the deadline). A note that
 * arrives after the deadline's instant, before the agenda fired it, waits for it; the next run has no
 * event limit.
 */
export async function continueAsNewWaiterProbe(afterMs: number, maxEvents: number): Promise<EscalationState> {
  const esc = new Escalation<'running' | 'done', { ticked: boolean; notes: number }>('kit-probe', 'running', { ticked: false, notes: 0 });
  const agenda = new Agenda(esc, {
    continueAsNew: { maxEvents, maxBytes: Number.POSITIVE_INFINITY, next: () => continueAsNew<typeof continueAsNewWaiterProbe>(afterMs, Number.MAX_SAFE_INTEGER) },
  });
  esc.handleEvents<{ type: 'note'; actor?: string }>({
    validate: () => undefined,
    apply: () => {
      esc.details.notes++;
      agenda.changed();
    },
  });
  esc.deadlines.add('tick', Date.now(), afterMs, 'Tick (its handler awaits nothing)');
  agenda.on('tick', async () => {
    esc.details.ticked = true;
  });
  await agenda.run();
  return esc.state();
}

/**
 * Deadlines that passed before the probe opened, each with a handler: `cutoff` (a second before; its
 * handler decides) and `second` (half a second before; its handler notes the time). A ladder (one
 * rung of one minute, no directory person, so its first request goes out at once) asks the desk by DM:
 * - `beside`: it starts beside the agenda in the first workflow task, as live-delivery's call tasks do;
 *   the passed cutoff must decide first, and nobody is asked;
 * - `inside`: `cutoff`'s handler runs it and decides once it ended; `second` has passed but fires only
 *   after that handler: a ladder that waited for it would wait for ever;
 * - `before-run`: the workflow awaits it before the agenda runs at all; waiting would never end.
 */
export async function passedDeadlineLadderProbe(where: 'beside' | 'inside' | 'before-run'): Promise<EscalationState> {
  const esc = probe();
  const agenda = new Agenda(esc);
  esc.deadlines.add('cutoff', Date.now() - 1_000, 0, 'Cutoff (passed when the probe opened)');
  esc.deadlines.add('second', Date.now() - 500, 0, 'A second deadline (passed when the probe opened)');
  const ladder = () =>
    runLadder(esc, {
      id: 'ask-desk',
      rungs: [{ target: 'the desk', timeoutMs: minutes(1) }],
      acknowledged: () => esc.details.acknowledged,
      stopped: () => esc.outcome !== null,
      notify: (_rung, attempt) => postSlack(esc, { step: `ask-desk-${attempt}`, target: { dm: 'desk-agent' }, text: slack`Please act before the cutoff` }),
      summary: () => 'The desk acts',
    });
  agenda.on('cutoff', async () => {
    if (where === 'inside') esc.details.result = summarise(await ladder());
    esc.decide('done', 'done', 'the cutoff passed');
  });
  agenda.on('second', async () => {
    esc.timeline.add('deadline-passed', 'The second deadline passed');
  });
  if (where === 'before-run') esc.details.result = summarise(await ladder());
  // Started after agenda.run() was called, as a call task behind an `await` is.
  const beside = where === 'beside' ? Promise.resolve().then(ladder) : undefined;
  await agenda.run();
  if (beside) esc.details.result = summarise(await beside);
  return esc.state();
}
