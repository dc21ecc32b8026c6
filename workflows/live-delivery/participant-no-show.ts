// Participant no-show: the facilitator stays on while the desk phones the client. Unreachable:
// template 2. The client calls it off: template 3. Participants by start + 30 minutes: an adapted
// session. Nobody by then: the facilitator tells late arrivals and the client is phoned again
// (seed 000: "always aim to phone the client"), template 4 following as the written record of the
// call or as the notice to a client who cannot be reached.
import { patched } from '@temporalio/workflow';
import type { PendingDeadline } from '../kit/state.js';
import { minutes } from '../kit/time.js';
import type { LiveDeliveryEvent } from './contract.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import { closedByCutoff } from './events.js';
import type { LiveSession } from './session.js';

export const PARTICIPANT_CUTOFF = minutes(30);
/** patched() id: at the cutoff the client is phoned first and template 4 follows (issue 17 item 5); before, it was emailed at once. */
export const PARTICIPANT_CUTOFF_CALL = 'live-delivery-participant-cutoff-call';
/**
 * patched() id: client-unreachable answers the first call (call-client): its task is done, its post
 * says so, nobody is asked again and a second report is refused; a contact with no phone number gets
 * no call task, template 2 at once (issue 17 item 5: phone first, the email when phoning cannot work).
 * Before, the call was asked again until the cutoff and the repeated report changed nothing.
 */
export const UNREACHABLE_ANSWERS_CALL = 'live-delivery-unreachable-answers-call';
const STILL_EXPECTED = 'no participants have joined; are they still expected?';
const NOBODY_BY_CUTOFF = 'nobody joined within 30 minutes; the session will be rescheduled';

export function participantNoShowAlert(s: LiveSession): SlackText {
  return slack`no participants have joined. ${s.input.facilitator.name} stays on; the desk is phoning the client contact ${s.input.siteContact.name}.`;
}

export function prepareParticipantNoShow(s: LiveSession): PendingDeadline {
  const { esc, input } = s;
  const cutoff = esc.deadlines.add('participant-cutoff', input.booking.startTime, PARTICIPANT_CUTOFF, 'Participants by session start + 30 minutes', {
    closes: closedByCutoff['participant-no-show'],
  });
  esc.waitingFor = ['participants-arrived', 'client-reached', 'client-unreachable'];
  esc.setStatus('awaiting-participants', `Waiting for participants until ${cutoff.at}`);
  esc.openTask('facilitator-stay-on', 'desk', `Ask ${input.facilitator.name} to stay on the session while the client is contacted`);
  return cutoff;
}

/** What an event sets going before the cutoff: the check of our details once, the unreachable-client email once. */
export function participantNoShowReacts(s: LiveSession, event: LiveDeliveryEvent): void {
  const { esc, agenda } = s;
  if (event.type === 'client-reached' && event.participants === 'still-expected' && s.once('check-details')) {
    agenda.later(async () => {
      if (!s.decided) esc.openTask('check-details', 'desk', "Check our session time and link against the client's");
    });
  }
  if (event.type === 'client-unreachable' && s.once('unreachable-email')) {
    if (s.v2 && patched(UNREACHABLE_ANSWERS_CALL)) {
      s.unreachableAnswersCall = true;
      esc.waitingFor = esc.waitingFor.filter((e) => e !== 'client-unreachable');
    }
    agenda.later(async () => {
      if (!s.decided) await s.clientEmail('participant-no-show', STILL_EXPECTED);
    });
  }
}

export async function participantNoShow(s: LiveSession, cutoff: PendingDeadline): Promise<void> {
  const { esc, input, agenda } = s;
  agenda.on(cutoff.name, async () => {
    esc.timeline.add('deadline-passed', `No participants by ${s.local(cutoff.at)}`, 'engine', { deadline: cutoff.name });
    s.decide('cancelled-no-show', 'Nobody joined by start + 30 minutes: not enough time left to run the session');
    esc.openTask('tell-late-arrivals', 'desk', `Ask ${input.facilitator.name} to stay on and tell anyone who joins late that the session will be rescheduled`);
    // Phoned first, template 4 after (afterParticipantNoShow); before the patch it was emailed at once.
    if (s.v2) s.cutoffCall = patched(PARTICIPANT_CUTOFF_CALL);
    if (s.cutoffCall) return;
    await s.clientEmail('no-participants-cutoff', NOBODY_BY_CUTOFF);
  });
  const callClient = () =>
    s.call(
      'call-client',
      input.siteContact.name,
      input.siteContact.phone,
      [
        { event: 'client-reached', label: 'Reached: still expected', extra: { participants: 'still-expected' } },
        { event: 'client-reached', label: 'Reached: session off', extra: { participants: 'cancel' }, style: 'danger' },
        { event: 'client-unreachable', label: 'No answer: email the client' },
      ],
      () => s.details.clientReached !== null || s.unreachableAnswersCall,
    );
  // No number to phone: the email asks at once (the seed's fallback), and nobody is asked to call.
  const noNumber = async () => {
    // Opened after the cutoff: it decides first, and nobody is asked whether participants are still expected.
    const firing = esc.dueDeadlinesBeforeFirstRequest();
    if (firing) {
      await firing;
      if (s.decided) return;
    }
    if (!s.once('unreachable-email')) return;
    s.unreachableAnswersCall = true;
    esc.waitingFor = esc.waitingFor.filter((e) => e !== 'client-unreachable');
    esc.closeTask('call-client');
    esc.timeline.add('call-skipped', `No phone number on file for ${input.siteContact.name}: the client is asked by email`);
    await s.clientEmail('participant-no-show', STILL_EXPECTED);
  };
  const callOrEmail = async () => {
    if (!input.siteContact.phone && s.v2 && patched(UNREACHABLE_ANSWERS_CALL)) await noNumber();
    else await callClient();
  };
  // v2: participants are not missing before the start; the call waits for it.
  const calling = s.v2
    ? (async () => {
        if (await s.untilSessionStart()) await callOrEmail();
      })()
    : callClient();
  await agenda.run();
  if (esc.outcome === 'cancelled-client') {
    await s.clientEmail('session-cancelled-after-call', 'confirming the call: the session is not going ahead');
  }
  await s.windDown(() => calling);
}

/** Patched cutoff (nobody joined): the client is phoned about it, then template 4 (record or fallback). */
export async function afterParticipantNoShow(s: LiveSession): Promise<void> {
  if (s.esc.outcome !== 'cancelled-no-show' || !s.cutoffCall) return;
  // The first call (are they still expected?) is `call-client`; this one is about the cancellation.
  await s.informClient('no-participants-cutoff', NOBODY_BY_CUTOFF, {}, 'call-client-cutoff');
}
