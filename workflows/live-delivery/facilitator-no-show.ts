// Facilitator no-show (seed 000): phone the facilitator to get them online, dial into the session,
// and "if the facilitator doesn't arrive by 15 mins past the session start time and is not responding
// to phone calls", the session cannot go ahead: participants are told, the client is phoned and gets
// template 1 (as the call's written record, or instead of it when unreachable).
//
// A facilitator who was reached is responding: the cutoff does not cancel by itself. The desk decides
// (late-facilitator: wait, or call-off), asked in the thread when the facilitator is reached and
// reminded (capped) until it answers; while the decision is pending nothing is cancelled
// automatically, and the state says so (status awaiting-decision once the cutoff has passed).
import { runLadder } from '../kit/ladder.js';
import type { PendingDeadline } from '../kit/state.js';
import { minutes } from '../kit/time.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import type { LiveDeliveryEvent } from './contract.js';
import { closedByCutoff } from './events.js';
import type { LiveSession } from './session.js';

export const FACILITATOR_CUTOFF = minutes(15);
/** How often the desk is asked for its decision on a reached facilitator (every callRetryMinutes) before the reminders stop. */
export const DECISION_REMINDERS = 6;
const CUTOFF_DESCRIPTION = 'Facilitator online by session start + 15 minutes';

export function facilitatorNoShowAlert(s: LiveSession): SlackText {
  return slack`facilitator no-show. The desk is phoning ${s.input.facilitator.name} and dialling into the session.`;
}

export function prepareFacilitatorNoShow(s: LiveSession): PendingDeadline {
  const { esc, input } = s;
  const cutoff = esc.deadlines.add('facilitator-cutoff', input.booking.startTime, FACILITATOR_CUTOFF, CUTOFF_DESCRIPTION, {
    closes: closedByCutoff['facilitator-no-show'],
  });
  esc.waitingFor = ['facilitator-arrived', 'facilitator-reached'];
  esc.setStatus('awaiting-facilitator', `Waiting for the facilitator until ${cutoff.at}`);
  esc.openTask('dial-in', 'desk', `Dial into the session${input.booking.sessionLink ? ` (${input.booking.sessionLink})` : ''} so someone is online when participants arrive`);
  return cutoff;
}

/** facilitator-reached. v2: the cutoff closes nothing and cancels nothing from here on: the desk decides. */
export function facilitatorReached(s: LiveSession, event: Extract<LiveDeliveryEvent, { type: 'facilitator-reached' }>, at: string): void {
  const { esc, details: d, input } = s;
  d.facilitatorReachedAt = at;
  d.facilitatorEta = event.eta ?? null;
  if (!s.v2 || s.decided) return;
  const cutoff = esc.deadlines.list().find((x) => x.name === 'facilitator-cutoff');
  if (cutoff) esc.deadlines.add(cutoff.name, cutoff.at, 0, `${CUTOFF_DESCRIPTION}; the facilitator was reached: the desk decides, nothing is cancelled automatically`);
  esc.waitingFor = ['facilitator-arrived', 'late-facilitator'];
  esc.openTask(
    'decide-late-facilitator',
    'desk',
    `${input.facilitator.name} was reached${d.facilitatorEta ? ` (eta: ${d.facilitatorEta})` : ''}: decide whether the session waits for them or is called off (late-facilitator)`,
  );
  s.agenda.later(async () => s.spawn(() => decisionReminders(s)));
}

/** late-facilitator (v2). */
export function lateFacilitator(s: LiveSession, event: Extract<LiveDeliveryEvent, { type: 'late-facilitator' }>): void {
  const { esc, details: d, input } = s;
  d.lateFacilitatorDecision = event.decision;
  if (event.decision === 'call-off') {
    s.decide('cancelled-provider', `The desk called the session off: ${input.facilitator.name} was reached but could not be online in time`);
    return;
  }
  esc.closeTask('decide-late-facilitator');
  esc.timeline.add('decision', `The desk decided to wait for ${input.facilitator.name}${d.facilitatorEta ? ` (eta: ${d.facilitatorEta})` : ''}`, event.actor ?? 'desk');
  esc.setStatus('awaiting-facilitator', `Waiting for ${input.facilitator.name} (the desk decided to wait)`);
}

/** The decision request in the thread, repeated every callRetryMinutes until the desk decides (at most DECISION_REMINDERS). */
async function decisionReminders(s: LiveSession): Promise<void> {
  const { esc, details: d, input } = s;
  const cutoff = s.local(Date.parse(input.booking.startTime) + FACILITATOR_CUTOFF);
  const decided = () => d.lateFacilitatorDecision !== null || d.facilitatorArrivedAt !== null || s.decided;
  await runLadder(esc, {
    id: 'late-facilitator-decision',
    rungs: [{ target: 'the desk', attempts: Number.POSITIVE_INFINITY, timeoutMs: minutes(input.callRetryMinutes) }],
    maxAttempts: DECISION_REMINDERS,
    acknowledged: decided,
    notify: (_rung, attempt) =>
      s.announce(
        `late-facilitator-decision-${attempt}`,
        slack`:hourglass: ${input.facilitator.name} was reached${d.facilitatorEta ? ` (eta: ${d.facilitatorEta})` : ''} but is not online yet. Decide${attempt > 1 ? ` (reminder ${attempt} of ${DECISION_REMINDERS})` : ''}: wait for them, or call the session off. The cutoff is ${cutoff}; nothing is cancelled automatically while this decision is pending.`,
        [
          { event: 'late-facilitator', label: 'Wait for them', extra: { decision: 'wait' } },
          { event: 'late-facilitator', label: 'Call the session off', extra: { decision: 'call-off' }, style: 'danger' },
        ],
      ),
    summary: () => 'Desk decision on the late facilitator',
  });
}

export async function facilitatorNoShow(s: LiveSession, cutoff: PendingDeadline): Promise<void> {
  const { esc, input, agenda, details: d } = s;
  agenda.on(cutoff.name, async () => {
    if (s.v2 && d.facilitatorReachedAt) {
      // Reached, so responding: the seed cancels only a facilitator who has not arrived *and* is not responding.
      const pending = d.lateFacilitatorDecision === null;
      esc.timeline.add(
        'deadline-passed',
        `No facilitator by ${s.local(cutoff.at)}, but ${input.facilitator.name} was reached${d.facilitatorEta ? ` (eta: ${d.facilitatorEta})` : ''}: ${pending ? 'no automatic cancel while the desk decides' : 'the desk decided to wait'}`,
        'engine',
        { deadline: cutoff.name },
      );
      if (pending) esc.setStatus('awaiting-decision', `Cutoff passed: the desk decides whether to wait for ${input.facilitator.name} or call the session off`);
      return;
    }
    esc.timeline.add('deadline-passed', `No facilitator by ${s.local(cutoff.at)}`, 'engine', { deadline: cutoff.name });
    s.decide('cancelled-provider', 'The facilitator was not online by start + 15 minutes: the session cannot go ahead');
    if (s.v2) return; // participants and the client: afterFacilitatorNoShow
    esc.openTask('notify-participants', 'desk', 'Tell participants the session cannot go ahead due to a delivery issue and will be rescheduled with the client');
    await s.clientEmail('facilitator-no-show', 'the facilitator could not deliver the session; it will be rescheduled');
  });
  const outcomes = [
    { event: 'facilitator-reached', label: 'Reached' },
    { event: 'facilitator-no-answer', label: 'No answer' },
    { event: 'facilitator-arrived', label: 'Facilitator is online', style: 'primary' as const },
  ];
  const reached = () => d.facilitatorReachedAt !== null;
  const callFacilitator = () => s.call('call-facilitator', input.facilitator.name, input.facilitator.phone, outcomes, reached);
  const calling = s.v2
    ? (async () => {
        if (await s.untilSessionStart()) await callFacilitator();
      })()
    : callFacilitator();
  await agenda.run();
  await s.windDown(() => calling, () => s.settle());
}

/** v2, once cancelled: participants are told, and the client is phoned, then emailed template 1. */
export async function afterFacilitatorNoShow(s: LiveSession): Promise<void> {
  if (s.esc.outcome !== 'cancelled-provider') return;
  s.esc.openTask('notify-participants', 'desk', 'Tell participants the session cannot go ahead due to a delivery issue and will be rescheduled with the client');
  await s.informClient('facilitator-no-show', 'the session cannot go ahead: the facilitator cannot deliver it; it will be rescheduled');
}
