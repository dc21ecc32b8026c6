// Who takes the call (SOP: "Who is the next available person with the most context to solve this
// issue?"; "If they are unavailable, escalate further up to managers"): `assigned` names them; when
// nobody has taken it by the take-by deadline (call + 15 minutes for critical issues, 2 hours
// otherwise), the team's managers are asked in order on the kit's ladder, skipping those the
// directory marks away.
//
// A deadline that passed wins over a late `assigned`: the call still gets its assignee (someone must
// work it), but it counts as not taken in time and the managers hear of it.
import { actorPerson } from '../kit/actor.js';
import { runLadder } from '../kit/ladder.js';
import { notApplicable, outOfOrder } from '../kit/messages.js';
import { lines, mention, slack } from '../kit/slack-text.js';
import { minutes } from '../kit/time.js';
import type { ClientCallEvent } from './contract.js';
import type { ClientCall } from './escalation.js';
import { contactLine, issueLines } from './intake.js';

type Assigned = Extract<ClientCallEvent, { type: 'assigned' }>;
const PERSON_KEY = /^[a-z0-9][a-z0-9-]*$/;
const takeButton = [{ event: 'assigned', label: "I'll take it", style: 'primary' as const }];

// Default: the sender, also when a tool sends it on their behalf.
const assigneeOf = (event: Assigned) => event.assignee ?? actorPerson(event.actor);
const takeByMs = (c: ClientCall) => Date.parse(c.d.callAt) + minutes(c.d.policy.takeWithinMinutes);

export function validateAssigned(c: ClientCall, event: Assigned): void {
  if (c.d.resolution) outOfOrder('the issues are resolved; the assignee stays for the follow-up');
  const assignee = assigneeOf(event);
  if (!assignee || !PERSON_KEY.test(assignee)) {
    notApplicable("name the assignee: 'assignee' (a directory person key) is missing and the sender is not a directory person");
  }
  if (assignee === c.d.assignee) outOfOrder(`${assignee} already has the call`);
}

export function assigned(c: ClientCall, event: Assigned, by: string, at: string): void {
  const { d, esc } = c;
  const assignee = assigneeOf(event)!;
  const previous = d.assignee;
  c.setAssignee(assignee);
  d.assignedAt = at;
  d.assignments.push({ assignee, at, by });
  if (previous === null) {
    // Judged against the deadline's instant at the event's (when the API received it), not against
    // whether its timer has run yet or when a worker got to it.
    d.takenInTime = Date.parse(at) <= takeByMs(c);
    if (d.takenInTime) esc.deadlines.clear('take-by');
  }
  const late = previous === null && !d.takenInTime;
  esc.timeline.add(
    'assigned',
    previous
      ? `Reassigned from ${previous} to ${assignee}`
      : `${assignee} took the call ${Math.round((Date.parse(at) - Date.parse(d.callAt)) / 60_000)} minutes after it came in${late ? ' (after the take-by deadline)' : ''}`,
    by,
  );
  c.setStatus('in-progress');
  c.agenda.later(() => announceAssignee(c, assignee, previous, by));
}

async function announceAssignee(c: ClientCall, assignee: string, previous: string | null, by: string): Promise<void> {
  const { d } = c;
  const n = d.assignments.length;
  const who = actorPerson(by) === assignee ? slack`${mention.person(assignee)} took it` : slack`${mention.person(assignee)} has it (assigned by ${by})`;
  await c.toTeam(`assigned-${n}`, slack`:raising_hand: ${who}${previous ? slack`, taking over from ${mention.person(previous)}` : ''}. New information from the client goes in this thread.`);
  await c.dm(
    `brief-${n}`,
    [assignee],
    lines(
      slack`:telephone_receiver: You have the call from *${d.client.callerName}* (${d.client.accountName}, ${d.client.accountId}), severity *${d.severity}*; their usual contact ${mention.person(d.usualContact)} is away.`,
      ...d.issues.map((issue, i) => issueLines(c, issue, i + 1)),
      contactLine(c),
      d.notes && slack`Notes: ${d.notes}`,
      d.earlier && d.earlier.total > 0 && slack`This client had ${d.earlier.total} earlier client-call escalation(s): see the team thread.`,
      slack`Keep them in the loop: send cause-identified (with the plan), eta and roadblock as they happen; each goes to the client by ${d.preferredContact.method}. Without an update for ${d.policy.updateEveryMinutes} minutes you are reminded. Send resolved when it is fixed.`,
    ),
  );
}

/** Deadline `take-by`: nobody took the call in time. */
export async function takeByPassed(c: ClientCall): Promise<void> {
  const { d, esc } = c;
  if (d.takenInTime) return;
  esc.timeline.add('deadline-passed', `Nobody took the call within ${d.policy.takeWithinMinutes} minutes`, 'engine', { deadline: 'take-by' });
  const managers = d.team?.managers ?? [];
  if (d.assignee) {
    // Taken after the deadline, before its timer ran: the managers still hear of it.
    await c.dm(
      'taken-late',
      managers,
      slack`:hourglass: The call from ${d.client.accountName} (${d.severity}) was not taken within ${d.policy.takeWithinMinutes} minutes; ${mention.person(d.assignee)} took it since.`,
    );
    return;
  }
  c.setStatus('escalated');
  if (managers.length === 0) {
    esc.timeline.add('step-failed', `No managers to ask: ${d.team ? `team ${d.team.name} has none` : (d.teamProblem ?? 'no team')}`);
    return;
  }
  c.spawn(() => askManagers(c, managers));
}

async function askManagers(c: ClientCall, managers: string[]): Promise<void> {
  const { d, esc } = c;
  const timeoutMs = minutes(d.policy.takeWithinMinutes);
  d.managers = { startedAt: new Date(Date.now()).toISOString(), asked: [], skipped: [], outcome: 'running' };
  const result = await runLadder(esc, {
    id: 'ask-managers',
    rungs: managers.map((m) => ({ target: m, person: m, attempts: 1, timeoutMs })),
    acknowledged: () => d.assignee !== null,
    stopped: () => c.closed || d.resolution !== null,
    onRung: (rung) => d.managers!.asked.push(rung.target),
    notify: async (rung) => {
      await c.toTeam(
        `managers-${rung.target}`,
        slack`:arrow_up: Not taken within ${d.policy.takeWithinMinutes} minutes: asking ${mention.person(rung.target)} who takes it.`,
      );
      return c.dm(
        `take-call-${rung.target}`,
        [rung.target],
        lines(
          slack`:rotating_light: Nobody in ${d.team?.name ?? 'the team'} has taken the call from *${d.client.callerName}* (${d.client.accountName}) within ${d.policy.takeWithinMinutes} minutes. Severity *${d.severity}*${d.criticalToBusiness ? ', critical to their business' : ''}; their usual contact ${mention.person(d.usualContact)} is away.`,
          ...d.issues.map((issue, i) => issueLines(c, issue, i + 1)),
          slack`Who is the next available person with the most context? Take it yourself with the button, or send assigned naming them.`,
        ),
        takeButton,
      );
    },
    onUnanswered: (rung, _attempt, next) => {
      const then = next === 'again' ? 'asking again' : next ? `asking ${next.target} next` : 'no manager left to ask';
      esc.timeline.add('ladder-unanswered', `${rung.target} did not get the call taken within ${d.policy.takeWithinMinutes} minutes; ${then}`);
    },
    summary: (rung) => `${rung.target}: get the call taken`,
  });
  d.managers.skipped = result.skipped.map((r) => r.target);
  d.managers.outcome = result.outcome;
  if (result.outcome === 'exhausted') {
    const asked = d.managers.asked;
    esc.timeline.add(
      'deadline-missed',
      asked.length === 0 ? 'Every manager of the team is away: nobody was asked to get the call taken' : `The managers (${asked.join(', ')}) were asked; the call is still not taken`,
      'engine',
      { deadline: 'managers' },
    );
    await c.toTeam(
      'managers-exhausted',
      asked.length === 0
        ? slack`:warning: Every manager of the team is away and nobody has taken the call yet. Take it with the button.`
        : slack`:warning: The managers were asked and nobody has taken the call yet. Take it with the button.`,
      takeButton,
    );
  }
}
