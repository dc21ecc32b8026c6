// After the resolution (SOP: "After resolution"): the client follow-up (are they satisfied? what we
// changed so it does not happen again; an email asking, or a call task), the team's root-cause review
// (what went wrong, how to prevent it, why the client noticed before we did) and the documentation
// (steps to the resolution, recurring or one-off), each with a deadline and capped reminders. The
// escalation closes once the review, the documentation and the handover are done.
import { callTask } from '../kit/call-task.js';
import { outOfOrder } from '../kit/messages.js';
import { sendEmail } from '../kit/notify.js';
import { recordReminderCapped, reminderIntervalMs, reminderStep, type ReminderPolicy } from '../kit/reminders.js';
import { condition, patched, upsertMemo } from '@temporalio/workflow';
import type { EscalationLessons } from '../../activities/index.js';
import { join, lines, link, mention, slack } from '../kit/slack-text.js';
import { issueSummary } from './client-updates.js';
import type { ClientCallEvent } from './contract.js';
import type { ClientCall } from './escalation.js';
import { armHandover } from './handover.js';
import {
  DOCUMENTATION_WITHIN,
  FOLLOW_UP_CALL_ATTEMPTS,
  FOLLOW_UP_CALL_RETRY,
  REVIEW_WITHIN,
  TASK_REMINDER_EVERY,
  TASK_REMINDERS_MAX,
} from './sop.js';

type Event<T extends ClientCallEvent['type']> = Extract<ClientCallEvent, { type: T }>;

/** Mentions of each person once. */
const mentions = (people: (string | null)[]) => join([...new Set(people.filter((p): p is string => p !== null))].map((p) => mention.person(p)), ' ');

export const REVIEW_QUESTIONS = [
  'What went wrong: what is the root cause?',
  'How do we prevent it from happening again?',
  'Why did the client notice before we did, and how do we notice first next time?',
] as const;

export function validateAftercare(c: ClientCall, event: ClientCallEvent): void {
  const { d } = c;
  switch (event.type) {
    case 'resolved':
      if (d.resolution) outOfOrder(`already resolved at ${d.resolution.at}`);
      if (!d.assignee) outOfOrder('nobody has taken the call yet: send assigned first');
      break;
    case 'client-feedback':
      if (!d.followUp) outOfOrder('the client has not been asked yet: send resolved first');
      if (d.followUp?.answer) outOfOrder(`the client's answer is already recorded (${d.followUp.answer.satisfied ? 'satisfied' : 'not satisfied'})`);
      break;
    case 'review-done':
      if (!d.review) outOfOrder('the root-cause review starts after the resolution: send resolved first');
      if (d.review?.done) outOfOrder(`the review is already recorded (${d.review.done.at})`);
      break;
    case 'documented':
      if (!d.documentation) outOfOrder('the documentation starts after the resolution: send resolved first');
      if (d.documentation?.done) outOfOrder(`the documentation is already recorded (${d.documentation.done.at})`);
      break;
    default:
      break;
  }
}

export function resolved(c: ClientCall, event: Event<'resolved'>, by: string, at: string): void {
  const { d, esc } = c;
  d.resolution = { at, by, resolution: event.resolution, measures: event.measures };
  for (const name of ['take-by', 'update-due', 'eta-passed']) esc.deadlines.clear(name);
  const reviewDue = esc.deadlines.add('review-due', at, REVIEW_WITHIN, 'The root-cause review is due');
  const docsDue = esc.deadlines.add('documentation-due', at, DOCUMENTATION_WITHIN, 'The documentation is due');
  d.review = { dueAt: reviewDue.at, reminders: 0, done: null };
  d.documentation = { dueAt: docsDue.at, reminders: 0, done: null };
  const team = d.team?.key ?? d.assignee!;
  esc.openTask('root-cause-review', team, `Root-cause review by ${c.local(reviewDue.at)}: ${REVIEW_QUESTIONS.join(' ')}`);
  esc.openTask('documentation', d.assignee!, `Document the issue and the steps to its resolution (recurring or one-off) by ${c.local(docsDue.at)}`);
  d.followUp = { via: d.preferredContact.method, delivery: d.preferredContact.method === 'email' ? 'sent' : 'calling', answer: null };
  esc.openTask('client-follow-up', d.assignee!, `Follow up with ${d.client.callerName}: are they satisfied with the solution? Record client-feedback`);
  armHandover(c);
  c.setStatus('resolved');
  c.agenda.later(() => announceResolution(c));
  if (d.followUp.via === 'email') c.agenda.later(() => followUpEmail(c));
  else
    c.agenda.later(async () => {
      c.spawn(() => followUpCall(c));
    });
}

async function announceResolution(c: ClientCall): Promise<void> {
  const { d } = c;
  const r = d.resolution!;
  await c.toTeam(
    'resolved',
    lines(
      slack`:white_check_mark: Resolved (${r.by}): ${r.resolution}`,
      slack`What we changed so it does not happen again: ${r.measures}`,
      slack`Next: the client is asked whether they are satisfied (${d.followUp!.via === 'email' ? 'email sent' : slack`${mention.person(d.assignee!)} phones them`}); the handover to ${mention.person(d.usualContact)} goes out when they are back.`,
      slack`*Root-cause review* by ${c.local(d.review!.dueAt)} (send review-done):`,
      ...REVIEW_QUESTIONS.map((q) => slack`• ${q}`),
      slack`*Documentation* by ${c.local(d.documentation!.dueAt)}: the steps to the resolution, and whether it is recurring or a one-off (send documented).`,
    ),
  );
}

const followUpValues = (c: ClientCall) => ({
  clientName: c.d.client.callerName,
  accountName: c.d.client.accountName,
  issueSummary: issueSummary(c),
  resolution: c.d.resolution!.resolution,
  measures: c.d.resolution!.measures,
});

async function followUpEmail(c: ClientCall, fallback = false): Promise<void> {
  const { d } = c;
  const sent = await sendEmail(c.esc, {
    step: 'client-follow-up',
    template: 'client-call-follow-up',
    locale: c.locale,
    to: { name: d.client.callerName, email: d.preferredContact.email! },
    ccPeople: d.assignee ? [d.assignee] : [],
    values: followUpValues(c),
    signedBy: c.signers(),
  }, {
    tell: (reason) =>
      c.toTeam(
        'follow-up-not-emailed',
        slack`:warning: The follow-up was *not* emailed to the client (${reason}): ${d.assignee ? mention.person(d.assignee) : 'the team'}, ask them another way whether they are satisfied.`,
      ),
  });
  d.followUp!.delivery = sent ? (fallback ? 'emailed-after-no-answer' : 'sent') : 'not-delivered';
}

/** The phone follow-up: a call task for the assignee until the client's answer is recorded. */
async function followUpCall(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  // An update call still open ends (its updates are superseded by the resolution) before this one starts.
  await condition(() => c.calling === null);
  c.calling = 'follow-up';
  const r = d.resolution!;
  const result = await callTask(esc, {
    id: 'follow-up-call',
    assignee: d.assignee!,
    callees: [{ name: d.client.callerName, phone: d.preferredContact.phone ?? undefined, attempts: FOLLOW_UP_CALL_ATTEMPTS }],
    intervalMs: FOLLOW_UP_CALL_RETRY,
    finished: () => d.followUp!.answer !== null || d.followUp!.delivery === 'called' || c.closed,
    noAnswers: () => c.noAnswers,
    ask: (attempt, request) =>
      c.dm(
        `follow-up-call-${attempt}`,
        [d.assignee!],
        lines(
          slack`:telephone_receiver: Follow-up: ${request} (${d.client.accountName})${attempt > 1 ? ` (attempt ${attempt})` : ''}. Tell them what was done and what we changed so it does not happen again, and ask whether they are satisfied with the solution.`,
          slack`• Resolution: ${r.resolution}`,
          slack`• What we changed: ${r.measures}`,
        ),
        [
          { event: 'client-feedback', label: 'Satisfied', style: 'primary', extra: { satisfied: true } },
          { event: 'client-feedback', label: 'Not satisfied', extra: { satisfied: false } },
          { event: 'client-called', label: 'No answer', extra: { outcome: 'no-answer' } },
        ],
      ),
  });
  c.calling = null;
  if (result.outcome !== 'exhausted') return;
  esc.timeline.add('call-unanswered', `${d.client.callerName} not reached for the follow-up after ${FOLLOW_UP_CALL_ATTEMPTS} attempts`);
  if (d.preferredContact.email) await followUpEmail(c, true);
  else d.followUp!.delivery = 'not-delivered';
}

export function clientFeedback(c: ClientCall, event: Event<'client-feedback'>, by: string, at: string): void {
  const { d, esc } = c;
  d.followUp!.answer = { satisfied: event.satisfied, comment: event.comment ?? null, at, by };
  esc.closeTask('client-follow-up');
  const managers = d.team?.managers ?? [];
  c.agenda.later(() =>
    c.toTeam(
      'client-feedback',
      event.satisfied
        ? slack`:relieved: ${d.client.callerName} is satisfied with the solution${event.comment ? `: ${event.comment}` : '.'}`
        : slack`:disappointed: ${d.client.callerName} is *not* satisfied with the solution${event.comment ? `: ${event.comment}` : '.'} ${mentions([d.assignee, ...managers])}`,
    ),
  );
}

export function reviewDone(c: ClientCall, event: Event<'review-done'>, by: string, at: string): void {
  const { d, esc } = c;
  d.review!.done = { at, by, whatWentWrong: event.whatWentWrong, prevention: event.prevention, whyClientNoticedFirst: event.whyClientNoticedFirst };
  recordLessons(c);
  esc.deadlines.clear('review-due');
  esc.closeTask('root-cause-review');
  c.agenda.later(() =>
    c.toTeam(
      'review-done',
      lines(
        slack`:mag: Root-cause review (${by}):`,
        slack`• What went wrong: ${event.whatWentWrong}`,
        slack`• How we prevent it: ${event.prevention}`,
        slack`• Why the client noticed first: ${event.whyClientNoticedFirst}`,
      ),
    ),
  );
}

export function documented(c: ClientCall, event: Event<'documented'>, by: string, at: string): void {
  const { d, esc } = c;
  d.documentation!.done = { at, by, steps: event.steps, recurrence: event.recurrence, link: event.link ?? null };
  recordLessons(c);
  esc.deadlines.clear('documentation-due');
  esc.closeTask('documentation');
  c.agenda.later(() =>
    c.toTeam(
      'documented',
      slack`:books: Documented by ${by} (${event.recurrence === 'recurring' ? 'a recurring issue' : 'a one-off'})${event.link ? slack`: ${link(event.link, 'the documentation')}` : ''}.`,
    ),
  );
}

/** patched() id: the review and the documentation are recorded in the memo (escalations before it did not). */
export const LESSONS_MEMO = 'client-call-lessons-memo';

const LESSON_MAX = 500;
const clip = (text: string) => (text.length > LESSON_MAX ? `${text.slice(0, LESSON_MAX - 1)}…` : text);

/**
 * The memo `lessons` (encrypted like every payload): what the next call from this client shows under
 * "Has this happened before?" (the root cause, recurring or one-off, the steps, the documentation).
 * Behind a patch: the memo upsert is a command, and escalations recorded without it must replay.
 */
function recordLessons(c: ClientCall): void {
  if (!patched(LESSONS_MEMO)) return;
  const { review, documentation } = c.d;
  const lessons: EscalationLessons = {
    ...(review?.done && { rootCause: clip(review.done.whatWentWrong) }),
    ...(documentation?.done && { recurrence: documentation.done.recurrence, steps: clip(documentation.done.steps), link: documentation.done.link }),
  };
  upsertMemo({ lessons });
}

/**
 * Overdue review or documentation (kit/reminders.ts): the assignee is reminded every
 * TASK_REMINDER_EVERY; the last of TASK_REMINDERS_MAX reminders is the final step, which tags the
 * team's managers as well; then nothing.
 */
const TASK_OVERDUE_REMINDERS: ReminderPolicy = {
  id: 'task-overdue',
  maxCount: TASK_REMINDERS_MAX - 1,
  minIntervalMs: TASK_REMINDER_EVERY,
  finalTo: "the assignee and the team's managers",
};

/** Deadlines `review-due` and `documentation-due`: overdue, reminded (capped). */
export async function taskOverdue(c: ClientCall, which: 'review' | 'documentation'): Promise<void> {
  const { d, esc } = c;
  const item = which === 'review' ? d.review : d.documentation;
  if (!item || item.done || c.closed) return;
  const step = reminderStep(item.reminders + 1, TASK_OVERDUE_REMINDERS);
  if (step === 'silent') return;
  item.reminders += 1;
  const what = which === 'review' ? 'The root-cause review' : 'The documentation';
  esc.timeline.add(
    item.reminders === 1 ? 'deadline-missed' : 'reminder',
    `${what} was due ${c.local(item.dueAt)} (reminder ${item.reminders} of ${TASK_REMINDERS_MAX})`,
    'engine',
    { deadline: `${which}-due` },
  );
  if (step === 'final') recordReminderCapped(esc, TASK_OVERDUE_REMINDERS, `${which}-due`, item.reminders - 1);
  const who = [...new Set([d.assignee, ...(step === 'final' ? (d.team?.managers ?? []) : [])].filter((p): p is string => p !== null))];
  await c.toTeam(
    `${which}-overdue-${item.reminders}`,
    which === 'review'
      ? lines(slack`:alarm_clock: ${what} of the ${d.client.accountName} call is overdue (due ${c.local(item.dueAt)}). ${mentions(who)}`, ...REVIEW_QUESTIONS.map((q) => slack`• ${q}`))
      : slack`:alarm_clock: ${what} of the ${d.client.accountName} call is overdue (due ${c.local(item.dueAt)}): the steps to the resolution, recurring or one-off. ${mentions(who)}`,
  );
  if (step === 'remind') esc.deadlines.add(`${which}-due`, Date.now(), reminderIntervalMs(TASK_OVERDUE_REMINDERS), `${what} is overdue: reminder`);
}
