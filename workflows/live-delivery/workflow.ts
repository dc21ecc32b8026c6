// live-delivery (seed 000): the support desk's process when a live session goes wrong.
// Deadlines count from the session's start (or a mid-session report), never from when the
// escalation was opened; every decision point is an event a person or a Slack button sends.
import { patched, workflowInfo } from '@temporalio/workflow';
import { notApplicable, outOfOrder } from '../kit/messages.js';
import { postSlack } from '../kit/notify.js';
import { mention, slack, type SlackText } from '../kit/slack-text.js';
import type { PendingDeadline } from '../kit/state.js';
import { nowIso } from '../kit/time.js';
import { aftercare } from './aftercare.js';
import { LIVE_DELIVERY_DIRECTORY } from './codes.js';
import type { LiveDeliveryEvent, LiveDeliveryInput, LiveDeliveryState } from './contract.js';
import { eventsByIssueType } from './events.js';
import { facilitatorNoShow, facilitatorNoShowAlert, prepareFacilitatorNoShow } from './facilitator-no-show.js';
import { participantNoShow, participantNoShowAlert, participantNoShowReacts, prepareParticipantNoShow } from './participant-no-show.js';
import { LiveSession } from './session.js';
import { prepareTechIssue, techIssue, techIssueAlert } from './tech-issue.js';

/** One issue type's section of the SOP. */
interface Procedure {
  /** Deadlines, status and first tasks: in place before anything else, so the first read sees them. */
  prepare(s: LiveSession): PendingDeadline;
  alert(s: LiveSession): SlackText;
  /** Runs to the outcome on the session's agenda; `cutoff` is the deadline prepare set. */
  run(s: LiveSession, cutoff: PendingDeadline): Promise<void>;
  /** Queues what an applied event sets going (on the agenda), if anything. */
  react?(s: LiveSession, event: LiveDeliveryEvent): void;
}

const procedures: Record<LiveDeliveryInput['issueType'], Procedure> = {
  'facilitator-no-show': { prepare: prepareFacilitatorNoShow, alert: facilitatorNoShowAlert, run: facilitatorNoShow },
  'participant-no-show': { prepare: prepareParticipantNoShow, alert: participantNoShowAlert, run: participantNoShow, react: participantNoShowReacts },
  'tech-issue': { prepare: prepareTechIssue, alert: techIssueAlert, run: techIssue },
};

/** patched() id: events are applied after the opening state is in place (issue 17 item 3). */
const EVENTS_AFTER_OPENING = 'live-delivery-events-after-opening';

export async function liveDelivery(input: LiveDeliveryInput): Promise<LiveDeliveryState> {
  const s = new LiveSession(input);
  const { esc } = s;
  const procedure = procedures[input.issueType];
  const listen = () =>
    esc.handleEvents<LiveDeliveryEvent>({
      validate: (event) => validate(s, event),
      apply: (event) => {
        apply(s, event);
        procedure.react?.(s, event);
      },
    });
  // An event that reached the escalation before its first workflow task (no worker was running) is
  // applied once the opening is in place (issue 17 item 3); before this patch it was applied first.
  const openingFirst = patched(EVENTS_AFTER_OPENING);
  if (!openingFirst) listen();
  esc.recordOpening(`Escalation opened: ${input.issueType} for "${input.booking.sessionTitle}"`, input.reportedBy ?? 'desk', {
    workflowStartedAt: workflowInfo().startTime.toISOString(),
  });

  const cutoff = procedure.prepare(s);
  if (openingFirst) listen();
  const posted = await postSlack(esc, {
    step: 'alert',
    target: { channel: LIVE_DELIVERY_DIRECTORY.emergencyChannel },
    text: slack`:rotating_light: ${mention.person(input.bookingOwner)} please respond: "${input.booking.sessionTitle}" (booking ${input.booking.id}, ${input.booking.sessionFormat}, start ${s.local(input.booking.startTime)}) has a problem: ${procedure.alert(s)}`,
    buttons: [{ event: 'owner-acknowledged', label: "I'm on it: I'll handle the client", style: 'primary' }],
  });
  if (posted) s.details.thread = posted;

  await procedure.run(s, cutoff);
  await aftercare(s);
  return esc.state();
}

function validate(s: LiveSession, event: LiveDeliveryEvent): void {
  if (!eventsByIssueType[s.input.issueType].includes(event.type)) {
    notApplicable(`'${event.type}' does not apply to a ${s.input.issueType} escalation; expected one of: ${eventsByIssueType[s.input.issueType].join(', ')}`);
  }
  const d = s.details;
  if (event.type === 'owner-acknowledged' && d.handledBy === 'owner') outOfOrder('the booking owner has already taken over');
  if (event.type === 'facilitator-reached' && d.facilitatorReachedAt) outOfOrder('the facilitator has already been reached');
  if (event.type === 'client-unreachable' && d.clientReached) outOfOrder('the client has already been reached');
}

function apply(s: LiveSession, event: LiveDeliveryEvent): void {
  const d = s.details;
  const at = nowIso();
  switch (event.type) {
    case 'owner-acknowledged':
      if (event.takeOver !== false) {
        d.handledBy = 'owner';
        s.esc.timeline.add('handover', 'The booking owner took over: the owner handles the client from here', event.actor ?? s.input.bookingOwner);
      }
      break;
    case 'facilitator-reached':
      d.facilitatorReachedAt = at;
      break;
    case 'facilitator-no-answer':
      break;
    case 'facilitator-arrived':
      d.facilitatorArrivedAt = at;
      s.decide('delivered', 'The facilitator is online before the cutoff: the session goes ahead');
      break;
    case 'client-reached':
      d.clientReached = event.participants;
      if (event.participants !== 'still-expected') {
        s.decide('cancelled-client', `The client confirmed on the phone that the session is off (${event.participants})`);
      }
      break;
    case 'client-unreachable':
      d.clientUnreachableAt = at;
      break;
    case 'details-mismatch':
      if (event.clientStartTime) d.mismatches.push({ field: 'startTime', ours: s.input.booking.startTime, theirs: event.clientStartTime });
      if (event.clientSessionLink) d.mismatches.push({ field: 'sessionLink', ours: s.input.booking.sessionLink ?? null, theirs: event.clientSessionLink });
      s.esc.timeline.add(
        'details-mismatch',
        d.mismatches.map((m) => `${m.field}: ours ${m.ours ?? '(none)'}, client's ${m.theirs}`).join('; '),
        event.actor ?? 'desk',
      );
      break;
    case 'participants-arrived':
      d.participantsArrivedAt = at;
      s.decide('delivered-adapted', 'Participants joined within 30 minutes: the facilitator runs an adapted session');
      break;
    case 'tech-resolved':
      d.techResolvedAt = at;
      s.decide('delivered', 'The technical issue was resolved within 15 minutes: the session goes on');
      break;
    case 'session-ended-early':
      s.decide('cancelled-provider', `The session could not be delivered in full because of technical issues${event.reason ? `: ${event.reason}` : ''}`);
      break;
  }
}
