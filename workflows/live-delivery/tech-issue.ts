// Tech issue, at the start or mid-session: participants are told the team is on it; unresolved
// 15 minutes after the start (or after the report, mid-session) the session ends and the client
// gets template 5. A session that ends early for technical reasons is treated the same.
import type { PendingDeadline } from '../kit/state.js';
import { minutes } from '../kit/time.js';
import { slack, type SlackText } from '../kit/slack-text.js';
import type { LiveSession } from './session.js';

export const TECH_CUTOFF = minutes(15);

export function techIssueAlert(s: LiveSession): SlackText {
  return s.input.techIssueReportedAt && Date.parse(s.input.techIssueReportedAt) > Date.parse(s.input.booking.startTime)
    ? slack`technical issue mid-session (reported ${s.local(s.input.techIssueReportedAt)}). The team is troubleshooting with ${s.input.facilitator.name}.`
    : slack`technical issue at the start. The team is troubleshooting with ${s.input.facilitator.name}.`;
}

/** Mid-session drops count from the report; issues at the start from the start. */
function techAnchor(s: LiveSession): string {
  const { startTime } = s.input.booking;
  const reported = s.input.techIssueReportedAt;
  return reported && Date.parse(reported) > Date.parse(startTime) ? reported : startTime;
}

export function prepareTechIssue(s: LiveSession): PendingDeadline {
  const { esc } = s;
  const cutoff = esc.deadlines.add('tech-cutoff', techAnchor(s), TECH_CUTOFF, 'Technical issue resolved within 15 minutes');
  esc.waitingFor = ['tech-resolved', 'session-ended-early'];
  esc.setStatus('troubleshooting', `Troubleshooting until ${cutoff.at}`);
  esc.openTask('tell-participants-working', 'desk', 'Tell participants the team is working through technical issues and hopes to start soon');
  return cutoff;
}

export async function techIssue(s: LiveSession, cutoff: PendingDeadline): Promise<void> {
  const { esc, agenda } = s;
  agenda.on(cutoff.name, async () => {
    esc.timeline.add('deadline-passed', `Not resolved by ${s.local(cutoff.at)}`, 'engine', { deadline: cutoff.name });
    s.decide('cancelled-provider', 'The technical issue was not resolved within 15 minutes: the session ends');
  });
  await agenda.run();
  if (esc.outcome === 'cancelled-provider') {
    esc.openTask('tell-participants-ending', 'desk', 'Tell participants the session ends and will be rescheduled with the client');
    await s.clientEmail('tech-issue-cancelled', 'the session could not go ahead because of technical issues; it will be rescheduled');
  }
}
