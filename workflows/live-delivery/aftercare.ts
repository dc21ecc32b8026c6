// After every outcome: the emergencies thread gets the outcome and the original post is marked,
// the booking owner gets the whole timeline, and a provider-caused cancellation raises a
// service-recovery ticket.
import { tickets } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { postSlack, updateSlack } from '../kit/notify.js';
import { lines, slack } from '../kit/slack-text.js';
import type { LiveSession } from './session.js';

const outcomeText: Record<string, string> = {
  delivered: 'the session is going ahead',
  'delivered-adapted': 'participants arrived: the facilitator runs an adapted session',
  'cancelled-provider': 'the session did not go ahead (delivery issue on our side)',
  'cancelled-client': 'the client called the session off',
  'cancelled-no-show': 'nobody joined within 30 minutes: the session will be rescheduled',
};

export async function aftercare(s: LiveSession): Promise<void> {
  const { esc, input } = s;
  const outcome = esc.outcome ?? 'unknown';
  const summary = slack`"${input.booking.sessionTitle}" (booking ${input.booking.id}): ${outcomeText[outcome] ?? outcome}.`;
  const thread = s.details.thread;

  await s.announce('outcome', slack`${outcome.startsWith('delivered') ? ':white_check_mark:' : ':x:'} Resolved: ${summary}`);
  if (thread) {
    await updateSlack(esc, 'mark-resolved', thread.channel, thread.ts, slack`[resolved: ${outcome}] ${input.issueType} for ${summary}`);
  }

  if (outcome === 'cancelled-provider') {
    try {
      const ticket = await tickets.raiseTicket({
        escalationId: esc.escalationId,
        kind: 'service-recovery',
        title: `Service recovery: "${input.booking.sessionTitle}" (booking ${input.booking.id}) did not go ahead`,
        description: `${input.issueType} on ${s.local(input.booking.startTime)}. ${esc.timeline.entries.find((e) => e.kind === 'outcome')?.detail ?? ''}`,
        data: { bookingId: input.booking.id, issueType: input.issueType, outcome, bookingOwner: input.bookingOwner },
      });
      s.details.ticketId = ticket.ticketId;
      esc.timeline.add('ticket-raised', `Service-recovery ticket ${ticket.ticketId} raised`, 'engine');
    } catch (err) {
      esc.timeline.add('step-failed', `Service-recovery ticket not raised: ${failureReason(err)}`, 'engine');
    }
  }

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
