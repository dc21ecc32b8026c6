// Daily escalation notes (SOP: "update the escalation notes every day"): a note is asked for at 16:00
// on the team's business days (Monday to Friday less its calendar's public holidays) when none was
// recorded that day; every note goes to the case. The reminders are capped (NOTES_REMINDERS_MAX
// business days in a row without a note, kit/reminders.ts): then the TL (and their manager) are told
// once and the CSM is not asked again until a note is recorded, which starts the count again. The
// check itself stays armed (one timer a business day, no post) so the reminders resume after a note.
import { localDateKey, nextBusinessDayAt } from '../kit/calendar.js';
import { caseNote } from './case-notes.js';
import type { AccountEscalation } from './escalation.js';
import { NOTES_KEPT, NOTES_REMINDER_TIME, NOTES_REMINDERS_MAX } from './sop.js';
import type { ReminderPolicy } from '../kit/reminders.js';
import { hours } from '../kit/time.js';

/** The CSM's reminders about a missing escalation note, counted over business days in a row without one. */
export const NOTES_REMINDERS: ReminderPolicy = {
  id: 'notes-reminder',
  maxCount: NOTES_REMINDERS_MAX,
  minIntervalMs: hours(12),
  finalTo: "the TL and the TL's manager",
};
import { slack } from '../kit/slack-text.js';

export function armNotesReminder(a: AccountEscalation): void {
  const at = nextBusinessDayAt(Date.now(), a.d.teamTimeZone, NOTES_REMINDER_TIME, a.teamHolidays());
  a.esc.deadlines.add('notes-reminder', at, 0, `Daily escalation note check (${a.local(at, a.d.teamTimeZone)})`);
}

/** Deadline `notes-reminder`: re-armed for the next business day; the CSM is asked when today has no note. */
export async function notesReminder(a: AccountEscalation): Promise<void> {
  const { d, esc } = a;
  const day = localDateKey(Date.now(), d.teamTimeZone);
  armNotesReminder(a);
  if (d.lastNoteDay === day) return;
  const turn = a.reminderTurn(NOTES_REMINDERS);
  if (turn.step === 'silent') return;
  for (const t of esc.tasks) if (t.status === 'open' && t.id.startsWith('notes-')) esc.closeTask(t.id, 'cancelled');
  esc.openTask(`notes-${day}`, d.csm, `Record today's escalation note for ${d.account.name} (${day})`);
  if (turn.step === 'final') {
    await a.dm(
      `notes-final-${day}`,
      a.leads(),
      slack`:rotating_light: ${d.account.name}: no escalation note has been recorded for ${turn.n} business days in a row (the CSM ${d.csm} was reminded ${turn.n - 1} times). The SOP asks for a note every day; the CSM is not reminded again until a note is recorded.`,
    );
    return;
  }
  esc.timeline.add('reminder', `No escalation note recorded on ${day}: reminded the CSM (${turn.n} of ${turn.of} in a row)`, 'engine', { day });
  await a.dm(
    `notes-${day}`,
    [d.csm],
    slack`:memo: ${d.account.name}: no escalation note recorded today (${day}). Please update the case${d.case.number ? ` ${d.case.number}` : ''} with today's escalation note (send a note event).`,
  );
}

/** note: kept in the state (the latest ones), closes today's task, goes to the case. */
export function recordNote(a: AccountEscalation, text: string, by: string, at: string): void {
  const { d, esc } = a;
  const day = localDateKey(Date.parse(at), d.teamTimeZone);
  d.notes.push({ at, day, by, text });
  if (d.notes.length > NOTES_KEPT) {
    d.notes.shift();
    d.notesDropped += 1;
  }
  d.lastNoteDay = day;
  a.resetReminder(NOTES_REMINDERS.id);
  esc.closeTask(`notes-${day}`);
  caseNote(a, 'escalation-note', text, by);
}
