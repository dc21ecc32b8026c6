// Keeping the client in the loop (SOP: "Let the client know when we have identified the cause and
// what our plan is, when we have an estimate, if we hit any roadblocks; let the team know when the
// client provides any new information"). Each client update goes out by the client's preferred
// channel: an email from a template, or a call task for the assignee (asked again every 30 minutes,
// three times, then emailed when there is an address). Without an update for the severity's interval
// the assignee is reminded, at most UPDATE_REMINDERS_MAX times in a row.
import { callTask } from '../kit/call-task.js';
import { outOfOrder, notApplicable } from '../kit/messages.js';
import { sendEmail } from '../kit/notify.js';
import { lines, mention, slack, type SlackText } from '../kit/slack-text.js';
import { localTime, minutes, nowIso } from '../kit/time.js';
import type { ClientUpdateKind } from './codes.js';
import type { ClientCallEvent, ClientCallTemplate, ClientUpdate } from './contract.js';
import type { ClientCall } from './escalation.js';
import { CLIENT_CALL_ATTEMPTS, CLIENT_CALL_RETRY, UPDATE_REMINDERS_MAX } from './sop.js';

type UpdateEvent = Extract<ClientCallEvent, { type: ClientUpdateKind }>;

const TEMPLATE: Record<ClientUpdateKind, ClientCallTemplate> = {
  'cause-identified': 'client-call-cause',
  eta: 'client-call-eta',
  roadblock: 'client-call-roadblock',
};
const WHAT: Record<ClientUpdateKind, string> = { 'cause-identified': 'cause and plan', eta: 'estimate', roadblock: 'roadblock' };

/** The issues in a few words, for the client's emails. */
export const issueSummary = (c: ClientCall) => c.d.issues.map((i) => i.summary).join('; ');

/** "Mon 23 Nov, 17:00 CET" / "Mo., 23. Nov., 17:00 MEZ" in the client's zone and language. */
export const clientTime = (c: ClientCall, iso: string) => localTime(iso, c.d.client.timeZone, c.locale === 'de' ? 'de-DE' : 'en-GB');

/** The `update-due` deadline: the interval after the last update (or the call). */
export function armUpdateReminder(c: ClientCall, from: string | number = c.d.lastUpdateAt ?? c.d.callAt): void {
  c.esc.deadlines.add(
    'update-due',
    from,
    minutes(c.d.policy.updateEveryMinutes),
    `A client update is due (every ${c.d.policy.updateEveryMinutes} minutes); otherwise the assignee is reminded`,
  );
}

export function validateClientUpdate(c: ClientCall, event: UpdateEvent): void {
  if (c.d.resolution) outOfOrder('the issues are resolved: the client gets the follow-up instead');
  if (!c.d.assignee) outOfOrder('nobody has taken the call yet: send assigned first');
  if (event.type === 'eta' && Date.parse(event.eta) <= c.esc.eventInstant()) notApplicable(`/eta: ${event.eta} is not in the future`);
}

export function clientUpdate(c: ClientCall, event: UpdateEvent, by: string, at: string): void {
  const { d, esc } = c;
  const fields: Record<string, string> =
    event.type === 'cause-identified'
      ? { cause: event.cause, plan: event.plan }
      : event.type === 'eta'
        ? { eta: new Date(event.eta).toISOString() }
        : { roadblock: event.roadblock };
  const update: ClientUpdate = {
    n: d.updates.length + 1,
    kind: event.type,
    at,
    by,
    fields,
    via: d.preferredContact.method,
    delivery: 'pending',
    deliveredAt: null,
  };
  d.updates.push(update);
  d.lastUpdateAt = at;
  d.updateReminders = 0;
  armUpdateReminder(c, at);
  if (event.type === 'eta') {
    d.eta = fields.eta!;
    esc.deadlines.add('eta-passed', d.eta, 0, 'The estimate given to the client passes');
  }
  c.agenda.later(() => c.toTeam(`update-${update.n}`, slack`:speech_balloon: Update ${update.n} for the client (${WHAT[update.kind]}) by ${by}, by ${update.via}:\n${updateText(c, update)}`));
  if (update.via === 'email') c.agenda.later(() => emailUpdate(c, update));
  // After the work queued before it (e.g. the assignee's brief); an open call task takes the update along.
  else
    c.agenda.later(async () => {
      if (c.calling === null) c.spawn(() => phoneUpdates(c));
    });
}

/** What the client is told, for Slack. */
function updateText(c: ClientCall, u: ClientUpdate): SlackText {
  switch (u.kind) {
    case 'cause-identified':
      return lines(slack`• Cause: ${u.fields.cause}`, slack`• Plan: ${u.fields.plan}`);
    case 'eta':
      return slack`• Estimate: fixed by ${c.local(u.fields.eta!)}`;
    case 'roadblock':
      return slack`• Roadblock: ${u.fields.roadblock}`;
  }
}

async function emailUpdate(c: ClientCall, u: ClientUpdate, fallback = false): Promise<void> {
  const { d } = c;
  const values: Record<string, string> = { clientName: d.client.callerName, accountName: d.client.accountName, issueSummary: issueSummary(c) };
  if (u.kind === 'cause-identified') Object.assign(values, { cause: u.fields.cause, plan: u.fields.plan });
  if (u.kind === 'eta') values.etaLabel = clientTime(c, u.fields.eta!);
  if (u.kind === 'roadblock') values.roadblock = u.fields.roadblock!;
  const sent = await sendEmail(c.esc, {
    step: `client-update-${u.n}`,
    template: TEMPLATE[u.kind],
    locale: c.locale,
    to: { name: d.client.callerName, email: d.preferredContact.email! },
    ccPeople: d.assignee ? [d.assignee] : [],
    values,
    signedBy: c.signers(),
  }, {
    tell: (reason) =>
      c.toTeam(
        `update-${u.n}-not-emailed`,
        slack`:warning: Update ${u.n} was *not* emailed to the client (${reason}): ${c.d.assignee ? mention.person(c.d.assignee) : 'the team'}, tell them another way and record it.`,
      ),
  });
  u.delivery = sent ? (fallback ? 'emailed-after-no-answer' : 'sent') : 'not-delivered';
  u.deliveredAt = sent ? nowIso() : null;
}

const pendingCalls = (c: ClientCall) => c.d.updates.filter((u) => u.via === 'phone' && u.delivery === 'pending');

/**
 * Phone updates: one call task at a time covers every update not yet told (an update that arrives
 * while the assignee is being asked joins the next ask). Reached: all told. Unanswered three times:
 * emailed when there is an address, else recorded as not delivered.
 */
async function phoneUpdates(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  c.calling = 'updates';
  while (pendingCalls(c).length > 0 && !c.closed && !d.resolution) {
    const id = `call-client-${pendingCalls(c)[0]!.n}`;
    const result = await callTask(esc, {
      id,
      assignee: d.assignee!,
      callees: [{ name: d.client.callerName, phone: d.preferredContact.phone ?? undefined, attempts: CLIENT_CALL_ATTEMPTS }],
      intervalMs: CLIENT_CALL_RETRY,
      finished: () => pendingCalls(c).length === 0 || c.closed || d.resolution !== null,
      noAnswers: () => c.noAnswers,
      ask: (attempt, request) =>
        c.dm(
          `${id}-${attempt}`,
          [d.assignee!],
          lines(
            slack`:telephone_receiver: ${request} (${d.client.accountName}) and tell them:${attempt > 1 ? ` (attempt ${attempt}, no outcome reported yet)` : ''}`,
            ...pendingCalls(c).map((u) => updateText(c, u)),
          ),
          [
            { event: 'client-called', label: 'Reached: told them', style: 'primary', extra: { outcome: 'reached' } },
            { event: 'client-called', label: 'No answer', extra: { outcome: 'no-answer' } },
          ],
        ),
    });
    if (result.outcome !== 'exhausted') continue;
    const missed = pendingCalls(c);
    esc.timeline.add('call-unanswered', `${d.client.callerName} not reached by phone after ${CLIENT_CALL_ATTEMPTS} attempts (update(s) ${missed.map((u) => u.n).join(', ')})`);
    if (d.preferredContact.email) {
      for (const u of missed) await emailUpdate(c, u, true);
    } else {
      for (const u of missed) u.delivery = 'not-delivered';
      await c.toTeam(`call-unanswered-${missed[0]!.n}`, slack`:warning: ${d.client.callerName} did not answer ${CLIENT_CALL_ATTEMPTS} calls and has no email address on file: update(s) ${missed.map((u) => u.n).join(', ')} did not reach them.`);
    }
  }
  for (const u of pendingCalls(c)) u.delivery = 'superseded';
  c.calling = null;
}

/** client-called: the outcome of a phone update or of the phone follow-up. */
export function validateClientCalled(c: ClientCall): void {
  if (c.calling === null) outOfOrder('no call to the client is open');
}

export function clientCalled(c: ClientCall, event: Extract<ClientCallEvent, { type: 'client-called' }>, at: string): void {
  const { d } = c;
  if (event.outcome === 'no-answer') {
    c.noAnswers += 1;
    return;
  }
  if (c.calling === 'follow-up' && d.followUp) {
    d.followUp.delivery = 'called';
    return;
  }
  for (const u of pendingCalls(c)) {
    u.delivery = 'called';
    u.deliveredAt = at;
  }
}

/** Deadline `update-due`: no client update for the interval. */
export async function updateDue(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  if (d.resolution) return;
  if (!d.assignee) {
    // Nobody to remind yet: the take-by deadline and the managers see to it first.
    armUpdateReminder(c, Date.now());
    return;
  }
  d.updateReminders += 1;
  const since = d.lastUpdateAt ?? d.callAt;
  esc.timeline.add('reminder', `No client update since ${c.local(since)}: reminded ${d.assignee} (${d.updateReminders} of ${UPDATE_REMINDERS_MAX})`, 'engine', {
    deadline: 'update-due',
  });
  await c.dm(
    `update-reminder-${d.updateReminders}-${d.updates.length}`,
    [d.assignee],
    slack`:alarm_clock: ${d.client.accountName} has not heard from us since ${c.local(since)}. Let ${d.client.callerName} know where things stand: cause-identified (with the plan), eta or roadblock; it goes to them by ${d.preferredContact.method}.`,
  );
  if (d.updateReminders < UPDATE_REMINDERS_MAX) {
    armUpdateReminder(c, Date.now());
    return;
  }
  esc.timeline.add('reminders-stopped', `${d.assignee} was reminded ${UPDATE_REMINDERS_MAX} times without a client update: the managers are told and the reminders stop`);
  await c.dm(
    `update-reminders-exhausted-${d.updates.length}`,
    d.team?.managers ?? [],
    slack`:warning: ${d.client.accountName} (${d.severity}) has not had an update since ${c.local(since)}; ${mention.person(d.assignee)} was reminded ${UPDATE_REMINDERS_MAX} times.`,
  );
}

/** Deadline `eta-passed`: the estimate the client was given has passed without a resolution. */
export async function etaPassed(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  if (d.resolution || !d.eta || !d.assignee) return;
  esc.timeline.add('deadline-passed', `The estimate given to the client (${c.local(d.eta)}) passed without a resolution`, 'engine', { deadline: 'eta-passed' });
  await c.dm(
    `eta-passed-${d.updates.length}`,
    [d.assignee],
    slack`:hourglass: The estimate ${d.client.accountName} was given (${c.local(d.eta)}) has passed. Send resolved, or a new eta or a roadblock so they know.`,
  );
}

/** client-info: posted to the team thread. */
export function clientInfo(c: ClientCall, info: string, by: string, at: string): void {
  const { d } = c;
  d.clientInfo.push({ at, by, info });
  const n = d.clientInfo.length;
  c.agenda.later(() =>
    c.toTeam(`client-info-${n}`, slack`:incoming_envelope: New information from ${d.client.callerName} (recorded by ${by})${d.assignee ? slack` for ${mention.person(d.assignee)}` : ''}: ${info}`),
  );
}
