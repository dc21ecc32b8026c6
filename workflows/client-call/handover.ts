// The handover (SOP: "Debrief/handover back to the usual client contact when they become available
// again"): after the resolution, a durable timer until the usual contact is back (the time given at
// intake, then the directory: a vacation ends on its last day, so they get it at 09:00 local on the
// day after; marked away without a date, they are checked again every 4 hours for 14 days, then the
// team's managers get it), then a DM with the whole timeline and the open items.
import { atLocalTime } from '../kit/calendar.js';
import { lookups } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { outOfOrder } from '../kit/messages.js';
import { join, lines, mention, slack, type SlackText } from '../kit/slack-text.js';
import { nowIso } from '../kit/time.js';
import type { ClientCall } from './escalation.js';
import { AWAY_RECHECK_EVERY, AWAY_RECHECK_FOR, HANDOVER_TIME, HANDOVER_TIMELINE_MAX } from './sop.js';

/** At the resolution: the handover waits until the usual contact is back. */
export function armHandover(c: ClientCall): void {
  const { d, esc } = c;
  const now = Date.now();
  const first = d.usualContactBack || !d.usualContactBackAt ? now : Math.max(now, Date.parse(d.usualContactBackAt));
  d.handover = { state: 'waiting', expectedAt: first > now ? new Date(first).toISOString() : null, since: nowIso(), checks: 0, to: [], detail: null, doneAt: null };
  esc.openTask('handover', 'engine', `Hand the escalation over to ${d.usualContact} when they are back`);
  esc.deadlines.add('handover-check', first, 0, `Hand over to ${d.usualContact} once they are back`);
}

export function validateUsualContactBack(c: ClientCall): void {
  if (c.d.handover?.state === 'done') outOfOrder(`the handover went out at ${c.d.handover.doneAt}`);
  if (c.d.usualContactBack) outOfOrder(`the usual contact was reported back at ${c.d.usualContactBack}`);
}

/** usual-contact-back: after the resolution the handover goes out now; before it, at the resolution. */
export function usualContactBack(c: ClientCall, by: string, at: string): void {
  const { d, esc } = c;
  d.usualContactBack = at;
  if (d.handover) {
    d.handover.expectedAt = null;
    esc.deadlines.add('handover-check', at, 0, `Hand over to ${d.usualContact}: reported back`);
  } else {
    c.agenda.later(() => c.toTeam('usual-contact-back', slack`:wave: ${mention.person(d.usualContact)} is back (reported by ${by}); the handover goes to them once the issues are resolved.`));
  }
}

/** Deadline `handover-check`: hand over if they are back, else wait for their return. */
export async function handoverCheck(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  const h = d.handover;
  if (!h || h.state === 'done' || c.closed) return;
  if (d.assignee === d.usualContact) {
    complete(c, [], 'The usual contact worked the call themselves: nothing to hand over');
    return;
  }
  if (d.usualContactBack) {
    await handOver(c, [d.usualContact], `${d.usualContact} was reported back`);
    return;
  }
  let availability;
  try {
    [availability] = await lookups.checkAvailability({ people: [d.usualContact], at: nowIso() });
  } catch (err) {
    esc.timeline.add('step-failed', `Availability of ${d.usualContact} not checked: ${failureReason(err)}; trying again in 4 hours`);
    esc.deadlines.add('handover-check', Date.now(), AWAY_RECHECK_EVERY, `Check whether ${d.usualContact} is back`);
    return;
  }
  h.checks += 1;
  if (!availability || availability.available) {
    // Available at the first check, with no return time to wait for: they were never away for it.
    const waited = h.checks > 1 || h.expectedAt !== null;
    await handOver(c, [d.usualContact], waited ? `${d.usualContact} is back` : `${d.usualContact} is available`);
    return;
  }
  if (availability.returnsAt) {
    const back = atLocalTime(Date.parse(availability.returnsAt), availability.timeZone ?? 'UTC', HANDOVER_TIME);
    h.expectedAt = new Date(back).toISOString();
    esc.deadlines.add('handover-check', back, 0, `Hand over to ${d.usualContact} when they are back`);
    esc.timeline.add('handover-waits', `${availability.reason}: the handover goes out ${c.local(back)}`);
    return;
  }
  if (Date.now() - Date.parse(h.since) >= AWAY_RECHECK_FOR) {
    const managers = d.team?.managers ?? [];
    await handOver(c, managers, `${d.usualContact} is still away after 14 days (${availability.reason}): handed over to the team's managers`);
    return;
  }
  h.expectedAt = null;
  esc.deadlines.add('handover-check', Date.now(), AWAY_RECHECK_EVERY, `Check whether ${d.usualContact} is back`);
  if (h.checks === 1) esc.timeline.add('handover-waits', `${availability.reason}: checked again every 4 hours`);
}

async function handOver(c: ClientCall, to: string[], detail: string): Promise<void> {
  await c.dm('handover', to, handoverText(c, detail));
  complete(c, to, detail);
}

function complete(c: ClientCall, to: string[], detail: string): void {
  const { d, esc } = c;
  const h = d.handover!;
  h.state = 'done';
  h.doneAt = nowIso();
  h.to = to;
  h.detail = detail;
  h.expectedAt = null;
  esc.deadlines.clear('handover-check');
  esc.closeTask('handover');
  esc.timeline.add('handover', to.length ? `Handed over to ${to.join(', ')}: ${detail}` : detail);
  c.closeIfDone();
}

/** The whole story for the usual contact: the call, who worked it, the resolution, open items, the timeline. */
function handoverText(c: ClientCall, detail: string): SlackText {
  const { d, esc } = c;
  const answer = d.followUp?.answer;
  const open = esc.tasks.filter((t) => t.status === 'open' && t.id !== 'handover');
  const entries = esc.timeline.entries;
  const shown = entries.slice(Math.max(0, entries.length - HANDOVER_TIMELINE_MAX));
  return lines(
    slack`:wave: *Handover: ${d.client.accountName}* (${d.client.accountId}) called while you were away (${c.local(d.callAt)}). ${detail}.`,
    slack`Caller: ${d.client.callerName}; preferred contact ${d.preferredContact.method} ${d.preferredContact.method === 'email' ? d.preferredContact.email : d.preferredContact.phone}.`,
    ...d.issues.map((i, n) => slack`${n + 1}. ${i.summary} (${i.severity}): ${i.description}`),
    d.assignee && slack`Worked by ${mention.person(d.assignee)}${d.takenInTime === false ? ' (not taken in time: the managers were asked)' : ''}.`,
    d.resolution && slack`Resolved ${c.local(d.resolution.at)}: ${d.resolution.resolution} What we changed: ${d.resolution.measures}`,
    slack`Client follow-up: ${answer ? `${answer.satisfied ? 'satisfied' : 'not satisfied'}${answer.comment ? ` (${answer.comment})` : ''}` : 'no answer yet'}.`,
    d.review?.done
      ? slack`Root-cause review: ${d.review.done.whatWentWrong} Prevention: ${d.review.done.prevention} Why the client noticed first: ${d.review.done.whyClientNoticedFirst}`
      : d.review && slack`Root-cause review: due ${c.local(d.review.dueAt)}.`,
    d.documentation?.done
      ? slack`Documentation: ${d.documentation.done.recurrence}${d.documentation.done.link ? `, ${d.documentation.done.link}` : ''}.`
      : d.documentation && slack`Documentation: due ${c.local(d.documentation.dueAt)}.`,
    slack`*Open items*: ${open.length === 0 ? 'none' : ''}`,
    ...open.map((t) => slack`• ${t.description} (${t.assignee})`),
    slack`*Timeline*${entries.length > shown.length ? ` (the latest ${shown.length} of ${entries.length})` : ''}:`,
    join(shown.map((e) => slack`• ${c.local(e.at)} ${e.detail}`)),
  );
}
