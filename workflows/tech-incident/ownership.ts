// Ownership (seed: "Du hast den #Ownership für den jeweiligen Fall und stellst sicher, dass die Kunden
// zeitnah eine Lösung erhalten + in Kenntnis gesetzt werden, wenn sich die Lösung verzögert"): every
// reporting agent is reminded, with their own tickets, to tell their customers the fix is delayed
// (`delayReminderMinutes` after the report that made it critical, then again, at most
// DELAY_REMINDERS_MAX times) and to inform them once it is resolved. A single case that gets no new
// report for the quiet period closes; its agents keep their open questions.
import { recordReminderCapped, reminderStep, type ReminderPolicy } from '../kit/reminders.js';
import { minutes } from '../kit/time.js';
import type { Incident } from './incident.js';
import { DELAY_REMINDERS_MAX } from './sop.js';

/** The delay reminders (kit/reminders.ts): DELAY_REMINDERS_MAX in all, the last one the final step (to the same agents), then nothing. */
const delayReminders = (inc: Incident): ReminderPolicy => ({
  id: 'delay-reminder',
  maxCount: DELAY_REMINDERS_MAX - 1,
  minIntervalMs: minutes(inc.d.policy.delayReminderMinutes),
  finalTo: 'the reporting agents, a last time',
});

/** The delay reminder is due: each reporting agent is DMed their tickets; the next one is armed (capped). */
export async function delayReminder(inc: Incident): Promise<void> {
  const { d, esc } = inc;
  const policy = delayReminders(inc);
  const step = reminderStep(d.delayReminders + 1, policy);
  if (step === 'silent') return;
  d.delayReminders += 1;
  const n = d.delayReminders;
  esc.timeline.add(
    'deadline-passed',
    `Not resolved ${n * d.policy.delayReminderMinutes} minutes after it became critical: reporting agents reminded to tell their customers the fix is delayed (${n} of at most ${DELAY_REMINDERS_MAX})`,
    'engine',
    { deadline: 'delay-reminder', reminder: n },
  );
  if (step === 'final') recordReminderCapped(esc, policy, 'delay-reminder', n - 1);
  else {
    esc.deadlines.add(
      'delay-reminder',
      d.criticalAt!,
      minutes((n + 1) * d.policy.delayReminderMinutes),
      `Still not resolved: reporting agents remind their customers again (${n + 1} of at most ${DELAY_REMINDERS_MAX})`,
    );
  }
  for (const agent of inc.agents()) {
    if (esc.outcome !== null) return;
    await inc.dm(
      `delay-reminder-${n}`,
      [agent],
      inc.texts.delayReminder({ problemKey: d.problemKey, since: d.criticalAt!, timeZone: d.policy.timeZone, now: Date.now(), tickets: inc.ticketsOf(agent) }),
    );
  }
}

/** A single case without a new report for the quiet period closes. */
export function quietPeriodOver(inc: Incident): void {
  const { d, esc } = inc;
  esc.timeline.add('deadline-passed', `No new report for ${d.policy.quietDays} days: the single case closes`, 'engine', { deadline: 'quiet-close' });
  esc.decide('lapsed', 'lapsed', `${d.problemKey}: single case closed after ${d.policy.quietDays} days without a new report`);
}

/** After the outcome: the siren marked, the info channel told, every reporting agent reminded with their tickets. */
export async function aftercare(inc: Incident): Promise<void> {
  const { d, esc } = inc;
  if (esc.outcome === 'resolved') {
    const r = d.resolution!;
    if (inc.critical) {
      await inc.updateSiren();
      const what = d.facts?.what ?? d.problemKey;
      await inc.reply('resolved', inc.texts.resolvedPost({ problemKey: d.problemKey, what, by: r.by, summary: r.summary }));
      await inc.postInfo('resolved-info', inc.texts.resolvedPost({ problemKey: d.problemKey, what, by: r.by, summary: r.summary }));
    }
    for (const agent of inc.agents()) {
      await inc.dm('resolved', [agent], inc.texts.resolvedReminder({ problemKey: d.problemKey, summary: r.summary, tickets: inc.ticketsOf(agent) }));
    }
  } else if (esc.outcome === 'lapsed') {
    for (const agent of inc.agents()) {
      await inc.dm('lapsed', [agent], inc.texts.lapsed({ problemKey: d.problemKey, days: d.policy.quietDays, tickets: inc.ticketsOf(agent) }));
    }
  }
}
