// After every outcome: the emergencies thread gets the outcome and the original post is marked
// (announceOutcome), a provider-caused cancellation raises a service-recovery ticket and the booking
// owner gets the whole timeline (followUp). Since patch live-delivery-sop-v2 the ticket is raised at
// once and the client is told (the call, then the email) before the owner's DM, so it includes that;
// since patch live-delivery-ticket-beside-client the client's call no longer waits for the ticket,
// and since live-delivery-aftercare-in-outcome-task not for the outcome post either.
import { summary as activitySummary, tickets } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { postSlack, updateSlack } from '../kit/notify.js';
import { lines, slack } from '../kit/slack-text.js';
import { sessionFate, type LiveSession } from './session.js';

const outcomeText: Record<string, string> = {
  delivered: 'the session is going ahead',
  'delivered-adapted': 'participants arrived: the facilitator runs an adapted session',
  'cancelled-client': 'the client called the session off',
  'cancelled-no-show': 'nobody joined within 30 minutes: the session will be rescheduled',
};

/** Whose side it failed on, for a cancellation through a delivery or technical issue. */
function causeText(s: LiveSession): string {
  if (s.esc.outcome === 'cancelled-client-side') return "technical issue on the client's side";
  if (s.input.issueType !== 'tech-issue') return 'delivery issue on our side';
  return s.details.techCause === null ? 'technical issue, cause not recorded: counted as ours' : 'technical issue on our side';
}

/** What happened, in words (issue 17 item 7): did not go ahead, ended early or failed part-way; our side or the client's. */
export function outcomeWords(s: LiveSession): string {
  const outcome = s.esc.outcome ?? 'unknown';
  if (outcome === 'cancelled-provider' || outcome === 'cancelled-client-side') return `${sessionFate(s)} (${causeText(s)})`;
  return outcomeText[outcome] ?? outcome;
}

const summaryOf = (s: LiveSession) => slack`"${s.input.booking.sessionTitle}" (booking ${s.input.booking.id}): ${outcomeWords(s)}.`;

/** Every step after the outcome, in the order before patch live-delivery-sop-v2. */
export async function aftercare(s: LiveSession): Promise<void> {
  await announceOutcome(s);
  await followUp(s);
}

/**
 * The thread gets the outcome; the alert is marked resolved, after the outcome post or, with
 * `markAlongside` (patch live-delivery-ticket-beside-client), beside it.
 */
export async function announceOutcome(s: LiveSession, opts: { markAlongside?: boolean } = {}): Promise<void> {
  const { esc, input } = s;
  const outcome = esc.outcome ?? 'unknown';
  const summary = summaryOf(s);
  const thread = s.details.thread;
  const post = () => s.announce('outcome', slack`${outcome.startsWith('delivered') ? ':white_check_mark:' : ':x:'} Resolved: ${summary}`);
  const mark = async () => {
    if (thread) await updateSlack(esc, 'mark-resolved', thread.channel, thread.ts, slack`[resolved: ${outcome}] ${input.issueType} for ${summary}`);
  };
  if (opts.markAlongside) {
    await Promise.all([post(), mark()]);
    return;
  }
  await post();
  await mark();
}

/** A service-recovery ticket when the session failed through our side; the owner's DM with the whole timeline. */
export async function followUp(s: LiveSession): Promise<void> {
  await raiseServiceRecovery(s);
  await ownerFollowUp(s);
}

/** The service-recovery ticket, when the session failed through our side (seed 000: "if session did not go ahead due to MG issue"). */
export async function raiseServiceRecovery(s: LiveSession): Promise<void> {
  const { esc, input } = s;
  const outcome = esc.outcome ?? 'unknown';
  if (outcome === 'cancelled-provider') {
    try {
      const ticket = await tickets.raiseTicket.executeWithOptions(activitySummary(`Service-recovery ticket for booking ${input.booking.id}`), [{
        escalationId: esc.escalationId,
        kind: 'service-recovery',
        title: `Service recovery: "${input.booking.sessionTitle}" (booking ${input.booking.id}) ${sessionFate(s).replace(/^the session /, '')}`,
        description: `${input.issueType} on ${s.local(input.booking.startTime)}: ${outcomeWords(s)}. ${esc.timeline.entries.find((e) => e.kind === 'outcome')?.detail ?? ''}`,
        data: {
          bookingId: input.booking.id,
          issueType: input.issueType,
          outcome,
          bookingOwner: input.bookingOwner,
          ...(input.issueType === 'tech-issue' && s.v2 && { cause: s.details.techCause ?? 'not recorded' }),
        },
      }]);
      s.details.ticketId = ticket.ticketId;
      esc.timeline.add('ticket-raised', `Service-recovery ticket ${ticket.ticketId} raised`, 'engine');
    } catch (err) {
      esc.timeline.add('step-failed', `Service-recovery ticket not raised: ${failureReason(err)}`, 'engine');
    }
  }
}

/** The booking owner's DM: the outcome, the ticket and the whole timeline (seed 000: "follow up with booking owner after the instance"). */
export async function ownerFollowUp(s: LiveSession): Promise<void> {
  const { esc, input } = s;
  const summary = summaryOf(s);
  // Timeline details quote what people typed: each entry is data in the DM.
  const happened = esc.timeline.entries.map((e) => slack`• ${s.local(e.at)} ${e.detail}`);
  await postSlack(esc, {
    step: 'owner-follow-up',
    target: { dm: input.bookingOwner },
    text: lines(
      slack`Follow-up on ${input.issueType} for ${summary}${s.details.ticketId ? ` Service-recovery ticket ${s.details.ticketId}.` : ''}`,
      slack`What happened:`,
      ...happened,
    ),
  });
}
