// Facilitator no-show: phone the facilitator until reached, dial into the session, and cut off at
// start + 15 minutes: participants are told and the client gets template 1.
import type { PendingDeadline } from '../kit/state.js';
import { minutes } from '../kit/time.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import type { LiveSession } from './session.js';

export const FACILITATOR_CUTOFF = minutes(15);

export function facilitatorNoShowAlert(s: LiveSession): SlackText {
  return slack`facilitator no-show. The desk is phoning ${s.input.facilitator.name} and dialling into the session.`;
}

export function prepareFacilitatorNoShow(s: LiveSession): PendingDeadline {
  const { esc, input } = s;
  const cutoff = esc.deadlines.add('facilitator-cutoff', input.booking.startTime, FACILITATOR_CUTOFF, 'Facilitator online by session start + 15 minutes');
  esc.waitingFor = ['facilitator-arrived', 'facilitator-reached'];
  esc.setStatus('awaiting-facilitator', `Waiting for the facilitator until ${cutoff.at}`);
  esc.openTask('dial-in', 'desk', `Dial into the session${input.booking.sessionLink ? ` (${input.booking.sessionLink})` : ''} so someone is online when participants arrive`);
  return cutoff;
}

export async function facilitatorNoShow(s: LiveSession, cutoff: PendingDeadline): Promise<void> {
  const { esc, input, agenda } = s;
  agenda.on(cutoff.name, async () => {
    esc.timeline.add('deadline-passed', `No facilitator by ${s.local(cutoff.at)}`, 'engine', { deadline: cutoff.name });
    s.decide('cancelled-provider', 'The facilitator was not online by start + 15 minutes: the session cannot go ahead');
    esc.openTask('notify-participants', 'desk', 'Tell participants the session cannot go ahead due to a delivery issue and will be rescheduled with the client');
    await s.clientEmail('facilitator-no-show', 'the facilitator could not deliver the session; it will be rescheduled');
  });
  const calling = s.call(
    'call-facilitator',
    input.facilitator.name,
    input.facilitator.phone,
    [
      { event: 'facilitator-reached', label: 'Reached' },
      { event: 'facilitator-no-answer', label: 'No answer' },
      { event: 'facilitator-arrived', label: 'Facilitator is online', style: 'primary' },
    ],
    () => s.details.facilitatorReachedAt !== null,
  );
  await agenda.run();
  await calling;
}
