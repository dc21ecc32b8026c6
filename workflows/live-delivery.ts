// live-delivery (seed 000): the support desk's process when a live session goes wrong.
// Deadlines count from the session's start, never from when the escalation was opened.
import { workflowInfo } from '@temporalio/workflow';
import type { LiveDeliveryEvent, LiveDeliveryInput } from '../src/playbooks/live-delivery.js';
import { beforeDeadline } from './kit/deadlines.js';
import { Escalation } from './kit/escalation.js';
import { postSlack, sendEmail } from './kit/notify.js';
import type { EscalationState } from './kit/state.js';
import { localTime, minutes } from './kit/time.js';

export type LiveDeliveryStatus = 'awaiting-facilitator' | 'delivered' | 'cancelled';

export interface LiveDeliveryDetails {
  issueType: LiveDeliveryInput['issueType'];
  bookingId: string;
  sessionTitle: string;
  sessionStart: string;
  timeZone: string;
  handledBy: 'desk' | 'owner';
  facilitatorArrivedAt: string | null;
  /** The emergencies-channel post whose thread carries the updates. */
  thread: { channel: string; ts: string } | null;
}

export const FACILITATOR_CUTOFF = minutes(15);

export async function liveDelivery(input: LiveDeliveryInput): Promise<EscalationState> {
  const { booking } = input;
  const esc = new Escalation<LiveDeliveryStatus, LiveDeliveryDetails>('live-delivery', 'awaiting-facilitator', {
    issueType: input.issueType,
    bookingId: booking.id,
    sessionTitle: booking.sessionTitle,
    sessionStart: booking.startTime,
    timeZone: booking.timeZone,
    handledBy: 'desk',
    facilitatorArrivedAt: null,
    thread: null,
  });
  esc.handleEvents<LiveDeliveryEvent>({
    // The kit already rejects everything once the outcome is decided, and arrival decides it.
    validate() {},
    apply(event) {
      if (event.type === 'facilitator-arrived') {
        esc.details.facilitatorArrivedAt = new Date(Date.now()).toISOString();
        esc.decide('delivered', 'delivered', 'Facilitator arrived before the cutoff; the session goes ahead');
      }
    },
  });
  esc.timeline.add('opened', `Escalation opened: ${input.issueType} for "${booking.sessionTitle}"`, input.reportedBy ?? 'desk', {
    workflowStartedAt: workflowInfo().startTime.toISOString(),
  });

  const locale = input.locale ?? 'en';
  const start = localTime(booking.startTime, booking.timeZone);
  const cutoff = esc.deadlines.add(
    'facilitator-cutoff',
    booking.startTime,
    FACILITATOR_CUTOFF,
    'Facilitator must be online by session start + 15 minutes',
  );
  esc.waitingFor = ['facilitator-arrived'];
  esc.setStatus('awaiting-facilitator', `Waiting for the facilitator until ${cutoff.at}`);
  esc.openTask('call-facilitator', 'desk', `Phone the facilitator ${input.facilitator.name}${input.facilitator.phone ? ` on ${input.facilitator.phone}` : ''} until reached or online`);
  esc.openTask('dial-in', 'desk', `Dial into the session${booking.sessionLink ? ` (${booking.sessionLink})` : ''} so someone is online when participants arrive`);

  const posted = await postSlack(esc, {
    step: 'alert',
    target: { channel: 'bookings-emergencies' },
    text:
      `:rotating_light: @{${input.bookingOwner}} facilitator no-show for "${booking.sessionTitle}" (booking ${booking.id}), ` +
      `session start ${start}. The desk is phoning ${input.facilitator.name} and dialling into the session. ` +
      `If the facilitator is not online by ${localTime(cutoff.at, booking.timeZone)}, participants are told and the client is emailed. Please respond.`,
  });
  if (posted) esc.details.thread = posted;

  const arrived = await beforeDeadline(() => esc.outcome !== null, cutoff);
  if (!arrived) {
    esc.timeline.add('deadline-passed', `No facilitator by ${cutoff.at}`, 'engine', { deadline: cutoff.name });
    esc.decide('cancelled-provider', 'cancelled', 'Facilitator did not arrive by start + 15 minutes; session cancelled');
    esc.openTask(
      'notify-participants',
      'desk',
      'Tell participants the session cannot go ahead due to a delivery issue and will be rescheduled with the client',
    );
    await sendEmail(esc, {
      step: 'client-email-facilitator-no-show',
      template: 'facilitator-no-show',
      locale,
      to: input.siteContact,
      ccPeople: [input.bookingOwner, input.portfolioTeamLead],
      values: {
        clientName: input.siteContact.name,
        facilitatorName: input.facilitator.name,
        sessionTitle: booking.sessionTitle,
        sessionFormat: booking.sessionFormat,
      },
      times: { startTimeLabel: { iso: booking.startTime, timeZone: booking.timeZone } },
    });
  }

  if (esc.details.thread) {
    await postSlack(esc, {
      step: 'outcome',
      target: { channel: 'bookings-emergencies' },
      threadTs: esc.details.thread.ts,
      text: arrived
        ? `:white_check_mark: Facilitator online; "${booking.sessionTitle}" is going ahead.`
        : `:x: "${booking.sessionTitle}" did not go ahead: no facilitator by start + 15 minutes. Participants told, client emailed (template 1).`,
    });
  }
  return esc.state();
}
