// live-delivery (seed 000): the support desk's process when a live session goes wrong.
// Deadlines count from the session's start (or a mid-session report), never from when the
// escalation was opened; every decision point is an event a person or a Slack button sends.
//
// Patch live-delivery-sop-v2 (issue 17 items 4, 5, 8, 19) makes new escalations follow the seed
// more closely: calls wait for the session start, a facilitator who was reached is the desk's
// decision (no automatic cancel), the client is phoned before the cancellation email, and a tech
// issue on the client's side raises no ticket. Escalations opened before it replay as recorded.
import { patched, workflowInfo } from '@temporalio/workflow';
import { notApplicable, outOfOrder } from '../kit/messages.js';
import { closeRemainingPosts, postSlack } from '../kit/notify.js';
import { mention, slack, type SlackText } from '../kit/slack-text.js';
import type { PendingDeadline } from '../kit/state.js';
import { aftercare, announceOutcome, ownerFollowUp, raiseServiceRecovery } from './aftercare.js';
import { LIVE_DELIVERY_DIRECTORY } from './codes.js';
import type { LiveDeliveryDetails, LiveDeliveryEvent, LiveDeliveryInput, LiveDeliveryState } from './contract.js';
import { eventsByIssueType, V2_EVENTS } from './events.js';
import {
  afterFacilitatorNoShow,
  facilitatorNoShow,
  facilitatorNoShowAlert,
  facilitatorReached,
  lateFacilitator,
  prepareFacilitatorNoShow,
} from './facilitator-no-show.js';
import {
  afterParticipantNoShow,
  participantNoShow,
  participantNoShowAlert,
  participantNoShowReacts,
  prepareParticipantNoShow,
} from './participant-no-show.js';
import { LiveSession } from './session.js';
import { afterTechIssue, prepareTechIssue, techCancelled, techIssue, techIssueAlert } from './tech-issue.js';

/** One issue type's section of the SOP. */
interface Procedure {
  /** Deadlines, status and first tasks: in place before anything else, so the first read sees them. */
  prepare(s: LiveSession): PendingDeadline;
  alert(s: LiveSession): SlackText;
  /** Runs to the outcome on the session's agenda; `cutoff` is the deadline prepare set. */
  run(s: LiveSession, cutoff: PendingDeadline): Promise<void>;
  /** Queues what an applied event sets going (on the agenda), if anything. */
  react?(s: LiveSession, event: LiveDeliveryEvent): void;
  /** v2: what follows the outcome (beside the ticket), before the owner's DM (participants, the client). */
  afterOutcome?(s: LiveSession): Promise<void>;
}

const procedures: Record<LiveDeliveryInput['issueType'], Procedure> = {
  'facilitator-no-show': { prepare: prepareFacilitatorNoShow, alert: facilitatorNoShowAlert, run: facilitatorNoShow, afterOutcome: afterFacilitatorNoShow },
  'participant-no-show': {
    prepare: prepareParticipantNoShow,
    alert: participantNoShowAlert,
    run: participantNoShow,
    react: participantNoShowReacts,
    afterOutcome: afterParticipantNoShow,
  },
  'tech-issue': { prepare: prepareTechIssue, alert: techIssueAlert, run: techIssue, afterOutcome: afterTechIssue },
};

/** patched() id: see the header. */
export const LIVE_DELIVERY_SOP_V2 = 'live-delivery-sop-v2';

/**
 * patched() id: after the outcome the service-recovery ticket is raised beside the thread's outcome
 * and the call to the client, not before them. Before it, the client's call waited for the ticket
 * system: two round trips more at every cutoff (about 40 ms on an idle machine, more under load), and
 * up to an hour (ACTIVITY_PROFILES.ticket) while the ticket system is down. The alert is marked
 * resolved beside the outcome post for the same reason.
 */
const TICKET_BESIDE_CLIENT = 'live-delivery-ticket-beside-client';

/** patched() id: events are applied after the opening state is in place (issue 17 item 3). */
const EVENTS_AFTER_OPENING = 'live-delivery-events-after-opening';

export async function liveDelivery(input: LiveDeliveryInput): Promise<LiveDeliveryState> {
  const s = new LiveSession(input, patched(LIVE_DELIVERY_SOP_V2));
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
  if (s.v2 && patched(TICKET_BESIDE_CLIENT)) {
    // Patch AFTERCARE_IN_OUTCOME_TASK (session.ts): the client's call no longer waits for the outcome post.
    const client = s.aftercareInOutcomeTask
      ? Promise.all([announceOutcome(s, { markAlongside: true }), procedure.afterOutcome?.(s)])
      : (async () => {
          await announceOutcome(s, { markAlongside: true });
          await procedure.afterOutcome?.(s);
        })();
    await Promise.all([client, raiseServiceRecovery(s), s.woundDown()]);
    await ownerFollowUp(s);
  } else if (s.v2) {
    await announceOutcome(s);
    await raiseServiceRecovery(s);
    await procedure.afterOutcome?.(s);
    await ownerFollowUp(s);
  } else {
    await aftercare(s);
  }
  await s.woundDown(); // awaited above under TICKET_BESIDE_CLIENT; nothing winds down without AFTERCARE_IN_OUTCOME_TASK
  // Every post whose buttons still work says how the escalation ended (issue 16 item 9).
  await closeRemainingPosts(esc);
  return esc.state();
}

function validate(s: LiveSession, event: LiveDeliveryEvent): void {
  if (!eventsByIssueType[s.input.issueType].includes(event.type)) {
    notApplicable(`'${event.type}' does not apply to a ${s.input.issueType} escalation; expected one of: ${eventsByIssueType[s.input.issueType].join(', ')}`);
  }
  if (!s.v2 && V2_EVENTS.includes(event.type)) outOfOrder(`'${event.type}' is not available for an escalation opened before it existed`);
  const d = s.details;
  const callingClient = s.input.issueType !== 'participant-no-show';
  switch (event.type) {
    case 'owner-acknowledged':
      if (d.handledBy === 'owner') outOfOrder('the booking owner has already taken over');
      break;
    case 'facilitator-reached':
      if (d.facilitatorReachedAt) outOfOrder('the facilitator has already been reached');
      break;
    case 'late-facilitator':
      if (!d.facilitatorReachedAt) outOfOrder('the facilitator has not been reached: report facilitator-reached first');
      if (event.decision === 'wait' && d.lateFacilitatorDecision === 'wait') outOfOrder('the desk has already decided to wait for the facilitator');
      break;
    case 'client-informed':
      if (!s.esc.waitingFor.includes('client-informed')) outOfOrder('no call to the client is open: the client is phoned once the session is called off');
      break;
    case 'client-unreachable': {
      // The call about the outcome (client-informed expected): a client reached earlier may not answer this time.
      const outcomeCall = s.esc.waitingFor.includes('client-informed');
      if (callingClient && !outcomeCall) outOfOrder('no call to the client is open: the client is phoned once the session is called off');
      if (d.clientReached && !outcomeCall) outOfOrder('the client has already been reached');
      if (s.unreachableAnswersCall && !outcomeCall) {
        outOfOrder('the client was already reported unreachable and emailed; the client is phoned again at the cutoff');
      }
      break;
    }
    default:
      break;
  }
}

function apply(s: LiveSession, event: LiveDeliveryEvent): void {
  const d = s.details;
  // When it happened (the API received it), not when a worker got to it.
  const at = new Date(s.esc.eventInstant()).toISOString();
  // The desk agent who handled it last signs the client emails (owner events are the owner's).
  if (event.type !== 'owner-acknowledged' && event.actor) d.deskAgent = event.actor;
  switch (event.type) {
    case 'owner-acknowledged':
      d.ownerAcknowledgedAt = at;
      if (event.takeOver !== false) {
        d.handledBy = 'owner';
        s.esc.timeline.add('handover', 'The booking owner took over: the owner handles the client from here', event.actor ?? s.input.bookingOwner);
      } else {
        s.esc.timeline.add('owner-online', 'The booking owner is online; the desk goes on handling the client (emails name the owner, copied)', event.actor ?? s.input.bookingOwner);
      }
      break;
    case 'facilitator-reached':
      facilitatorReached(s, event, at);
      break;
    case 'facilitator-no-answer':
      break;
    case 'facilitator-arrived': {
      d.facilitatorArrivedAt = at;
      const late = Date.parse(at) >= Date.parse(s.input.booking.startTime) + 15 * 60_000;
      s.decide('delivered', late ? 'The facilitator is online after the cutoff (the desk waited for them): the session goes ahead late' : 'The facilitator is online before the cutoff: the session goes ahead');
      break;
    }
    case 'late-facilitator':
      lateFacilitator(s, event);
      break;
    case 'client-reached':
      d.clientReached = event.participants;
      if (event.participants !== 'still-expected') {
        s.decide('cancelled-client', `The client confirmed on the phone that the session is off (${event.participants})`);
      }
      break;
    case 'client-informed':
      d.clientInformed = 'phone';
      break;
    case 'client-unreachable':
      d.clientUnreachableAt = at;
      s.unreachableReports += 1;
      break;
    case 'details-mismatch': {
      // This event's own values: an earlier mismatch is on the timeline already (issue 17 item 20).
      const found: LiveDeliveryDetails['mismatches'] = [];
      if (event.clientStartTime) found.push({ field: 'startTime', ours: s.input.booking.startTime, theirs: event.clientStartTime });
      if (event.clientSessionLink) found.push({ field: 'sessionLink', ours: s.input.booking.sessionLink ?? null, theirs: event.clientSessionLink });
      d.mismatches.push(...found);
      s.esc.timeline.add('details-mismatch', found.map((m) => `${m.field}: ours ${m.ours ?? '(none)'}, client's ${m.theirs}`).join('; '), event.actor ?? 'desk');
      break;
    }
    case 'participants-arrived':
      d.participantsArrivedAt = at;
      s.decide('delivered-adapted', 'Participants joined within 30 minutes: the facilitator runs an adapted session');
      break;
    case 'tech-issue-cause':
      d.techCause = event.cause;
      break;
    case 'tech-resolved':
      d.techResolvedAt = at;
      s.decide('delivered', 'The technical issue was resolved within 15 minutes: the session goes on');
      break;
    case 'session-ended-early':
      if (s.v2 && event.cause) d.techCause = event.cause;
      s.endedEarly = true;
      techCancelled(s, `The session could not be delivered in full because of technical issues${event.reason ? `: ${event.reason}` : ''}`);
      break;
  }
}
