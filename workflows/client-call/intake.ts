// Intake and the team post (SOP: "Notify the usual contact person's team and let them know the
// details of the call"; "Has this problem occurred before?"): the opening state and deadlines, the
// usual contact's team from the directory, earlier escalations of the same client from Temporal
// visibility, and the post in the team's channel asking who takes it.
import { workflowInfo } from '@temporalio/workflow';
import { lookups } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { postSlack } from '../kit/notify.js';
import { join, lines, link, mention, slack, type SlackText } from '../kit/slack-text.js';
import { minutes } from '../kit/time.js';
import type { Issue } from './contract.js';
import type { ClientCall } from './escalation.js';
import { EARLIER_LISTED } from './sop.js';
import { armUpdateReminder } from './client-updates.js';

/** What is in place before anything is sent: the opening entry, the status, the deadlines, what it waits for. */
export function prepareIntake(c: ClientCall): void {
  const { esc, d, input } = c;
  // Dated at the start instant like every playbook's opening (issue 17 item 3), not when a worker got to it.
  esc.recordOpening(
    `Call from ${d.client.callerName} (${d.client.accountName}) at ${c.local(d.callAt)}: ${d.issues.length} issue(s), severity ${d.severity}` +
      `${d.criticalToBusiness ? ', critical to their business' : ''}; usual contact ${d.usualContact} is away` +
      `${input.takenBy ? `; taken by ${input.takenBy}` : ''}`,
    // Who opened it, as the credential says (the API sets reportedBy); the taker when started otherwise.
    input.reportedBy ?? input.takenBy ?? 'desk',
    { workflowStartedAt: workflowInfo().startTime.toISOString(), callAt: d.callAt },
  );
  esc.deadlines.add(
    'take-by',
    d.callAt,
    minutes(d.policy.takeWithinMinutes),
    `Someone takes the call within ${d.policy.takeWithinMinutes} minutes, else the team's managers are asked`,
  );
  armUpdateReminder(c);
  c.setStatus('awaiting-assignee');
  c.refreshWaitingFor();
}

/** The team, the earlier escalations and the team post. */
export async function openIntake(c: ClientCall): Promise<void> {
  await findTeam(c);
  await findEarlier(c);
  await postToTeam(c);
}

async function findTeam(c: ClientCall): Promise<void> {
  const { d, esc, input } = c;
  try {
    const team = await lookups.findTeam({ person: d.usualContact, team: input.team });
    d.team = { key: team.key, name: team.name, channel: team.channel, managers: team.managers, mentionable: team.mentionable };
    esc.timeline.add('team', `Team ${team.name}: channel ${team.channel}, managers ${team.managers.join(', ') || '(none)'}`);
  } catch (err) {
    d.teamProblem = failureReason(err);
    esc.timeline.add('step-failed', `The usual contact's team was not found: ${d.teamProblem}`);
  }
}

async function findEarlier(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  try {
    d.earlier = await lookups.findEscalations({
      playbook: 'client-call',
      match: { attribute: 'EscalationClient', value: d.client.accountId },
      excludeId: esc.escalationId,
      limit: EARLIER_LISTED,
    });
    esc.timeline.add(
      'earlier-escalations',
      d.earlier.total === 0
        ? `No earlier client-call escalations of ${d.client.accountId}`
        : `${d.earlier.total} earlier client-call escalation(s) of ${d.client.accountId}: ${d.earlier.escalations.map((e) => e.id).join(', ')}`,
      'engine',
      { total: d.earlier.total },
    );
  } catch (err) {
    d.earlierProblem = failureReason(err);
    esc.timeline.add('step-failed', `Earlier escalations of ${d.client.accountId} not looked up: ${d.earlierProblem}`);
  }
}

/** One issue as the team reads it. */
export function issueLines(c: ClientCall, issue: Issue, n: number): SlackText {
  const flags = [issue.severity, issue.criticalToBusiness && 'critical to their business', issue.timeSensitive && 'time-sensitive'].filter(Boolean).join(', ');
  return lines(
    slack`*${n}. ${issue.summary}* (${flags})`,
    slack`    What happened: ${issue.description}`,
    slack`    What the fix looks like to them: ${issue.desiredFix}`,
    slack`    Impact: ${issue.impact}`,
    (issue.timeframe || issue.neededBy) &&
      slack`    Their timeframe: ${join([issue.timeframe ? slack`${issue.timeframe}` : null, issue.neededBy ? slack`needed by ${c.local(issue.neededBy)}` : null], ', ')}`,
  );
}

/** How the client wants to hear from us. */
export function contactLine(c: ClientCall): SlackText {
  const { preferredContact: p } = c.d;
  const other = p.method === 'email' ? p.phone && slack`, phone ${p.phone}` : p.email && slack`, email ${p.email}`;
  return slack`Preferred contact: *${p.method}* ${p.method === 'email' ? p.email : p.phone}${other || ''}`;
}

function earlierLines(c: ClientCall): SlackText {
  const { d } = c;
  if (!d.earlier) return slack`*Has this happened before?* Could not look it up (${d.earlierProblem ?? 'unknown'}): search the Web UI for EscalationClient = "${d.client.accountId}".`;
  if (d.earlier.total === 0) return slack`*Has this happened before?* No earlier client-call escalations of ${d.client.accountId}.`;
  return lines(
    slack`*Has this happened before?* ${d.earlier.total} earlier client-call escalation(s) of ${d.client.accountId}${d.earlier.total > d.earlier.escalations.length ? ` (latest ${d.earlier.escalations.length})` : ''}: check their documentation.`,
    ...d.earlier.escalations.map((e) =>
      lines(
        slack`• ${e.id}: ${e.summary ?? '(no summary)'}; opened ${c.local(e.startedAt)}, ${e.status ?? e.execution.toLowerCase()}`,
        e.lessons?.rootCause && slack`    Root cause: ${e.lessons.rootCause}`,
        e.lessons?.recurrence &&
          slack`    Documented (${e.lessons.recurrence}): ${e.lessons.steps ?? ''}${e.lessons.link ? slack` ${link(e.lessons.link, 'documentation')}` : ''}`,
      ),
    ),
  );
}

async function postToTeam(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  if (!d.team) return;
  const takeBy = esc.deadlines.list().find((x) => x.name === 'take-by');
  const posted = await postSlack(esc, {
    step: 'team-post',
    target: { channel: d.team.channel },
    text: lines(
      slack`:telephone_receiver: *Client call: ${d.client.accountName}* (${d.client.accountId}), severity *${d.severity}*${d.criticalToBusiness ? ', critical to their business' : ''}`,
      slack`${d.client.callerName} called at ${c.local(d.callAt)} while their usual contact ${mention.person(d.usualContact)} is away${d.usualContactBackAt ? ` (back ${c.local(d.usualContactBackAt)})` : ''}.`,
      slack`${d.team.mentionable ? mention.group(d.team.key) : slack`Team ${d.team.name}`}: who is the next available person with the most context? Take it with the button${takeBy ? slack` by ${c.local(takeBy.at)}` : ''}, or the managers are asked. Do we need any further information before we start investigating?`,
      slack`*Issues*`,
      ...d.issues.map((issue, i) => issueLines(c, issue, i + 1)),
      contactLine(c),
      d.notes && slack`Notes: ${d.notes}`,
      earlierLines(c),
    ),
    buttons: [{ event: 'assigned', label: "I'll take it", style: 'primary' }],
  });
  if (posted) d.thread = posted;
}
