// Tech issue, at the start or mid-session (seed 000): participants are told the team is on it;
// unresolved 15 minutes after the start (or after the report, mid-session) the session ends. A
// session that ends early for technical reasons ("e.g. session ends half way through as coach
// internet drops") is treated the same. The client is phoned, then gets template 5 worded for what
// happened (at the start, part-way through, ended early). The cause is recorded: a service-recovery
// ticket is raised only when the session failed through our side (seed: "if session did not go
// ahead due to MG issue"); an unrecorded cause counts as ours, so someone follows it up.
import type { PendingDeadline } from '../kit/state.js';
import { minutes } from '../kit/time.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import { closedByCutoff } from './events.js';
import { sessionFate, type LiveSession } from './session.js';

export const TECH_CUTOFF = minutes(15);

/** Reported after the start: a mid-session failure. */
export const midSession = (s: LiveSession) =>
  s.input.techIssueReportedAt !== undefined && Date.parse(s.input.techIssueReportedAt) > Date.parse(s.input.booking.startTime);

export function techIssueAlert(s: LiveSession): SlackText {
  return midSession(s)
    ? slack`technical issue mid-session (reported ${s.local(s.input.techIssueReportedAt!)}). The team is troubleshooting with ${s.input.facilitator.name}.`
    : slack`technical issue at the start. The team is troubleshooting with ${s.input.facilitator.name}.`;
}

/** Mid-session drops count from the report; issues at the start from the start. */
function techAnchor(s: LiveSession): string {
  return midSession(s) ? s.input.techIssueReportedAt! : s.input.booking.startTime;
}

export function prepareTechIssue(s: LiveSession): PendingDeadline {
  const { esc } = s;
  const cutoff = esc.deadlines.add('tech-cutoff', techAnchor(s), TECH_CUTOFF, 'Technical issue resolved within 15 minutes', {
    closes: closedByCutoff['tech-issue'],
  });
  esc.waitingFor = ['tech-resolved', 'session-ended-early'];
  esc.setStatus('troubleshooting', `Troubleshooting until ${cutoff.at}`);
  esc.openTask('tell-participants-working', 'desk', 'Tell participants the team is working through technical issues and hopes to start soon');
  return cutoff;
}

/** The session did not go ahead: v2 by its cause (client side: no ticket), before v2 always ours. */
export function techCancelled(s: LiveSession, why: string): void {
  const clientSide = s.v2 && s.details.techCause === 'client';
  s.decide(clientSide ? 'cancelled-client-side' : 'cancelled-provider', `${why}${clientSide ? " (the cause was on the client's side)" : ''}`);
}

export async function techIssue(s: LiveSession, cutoff: PendingDeadline): Promise<void> {
  const { esc, agenda } = s;
  agenda.on(cutoff.name, async () => {
    esc.timeline.add('deadline-passed', `Not resolved by ${s.local(cutoff.at)}`, 'engine', { deadline: cutoff.name });
    techCancelled(s, `The technical issue was not resolved within 15 minutes${midSession(s) ? ' of the report' : ''}: the session ends`);
  });
  await agenda.run();
  if (!s.v2 && esc.outcome === 'cancelled-provider') {
    esc.openTask('tell-participants-ending', 'desk', 'Tell participants the session ends and will be rescheduled with the client');
    await s.clientEmail('tech-issue-cancelled', 'the session could not go ahead because of technical issues; it will be rescheduled');
  }
}

/** v2, once the session has ended: participants are told, the client is phoned, then emailed template 5. */
export async function afterTechIssue(s: LiveSession): Promise<void> {
  const { esc, details: d } = s;
  if (esc.outcome !== 'cancelled-provider' && esc.outcome !== 'cancelled-client-side') return;
  if (d.techCause === null) esc.timeline.add('cause-unknown', 'No cause was recorded for the technical issue: it counts as ours (service-recovery ticket)');
  esc.openTask('tell-participants-ending', 'desk', 'Tell participants the session ends and will be rescheduled with the client');
  await s.informClient('tech-issue-cancelled', `${sessionFate(s)} because of technical issues; it will be rescheduled`, {
    midSession: midSession(s) && !s.endedEarly,
    endedEarly: s.endedEarly,
    clientSide: d.techCause === 'client',
  });
}
