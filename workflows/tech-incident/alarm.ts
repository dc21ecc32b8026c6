// The alarm (seed: "Vorgehensweise bei kritischen technischen Problemen", the same on workdays and
// weekends), from the report that made it critical, at once:
// 1. a task for its agent to test in the test account (reproduced yes/no);
// 2. the facts, computed from the reports (what, first/last seen, count, common thread, samples);
// 3. the siren post in the customer-success channel tagging the on-call group, with the facts and the
//    tracking link and an acknowledge button;
// 4. nobody reacts within 15 minutes (counted from that report): the agent phones the incident lead;
//    the lead away (directory) or two calls unanswered: the backup (the kit's call task);
// 5. the community groups checked, by the agent if trained for it, else by the social-media colleague.
import { lookups } from '../kit/activities.js';
import { callTask } from '../kit/call-task.js';
import { failureReason } from '../kit/failures.js';
import { minutes } from '../kit/time.js';
import { TECH_INCIDENT_DIRECTORY } from './codes.js';
import type { ReportRecord } from './contract.js';
import { incidentFacts } from './facts.js';
import type { Incident } from './incident.js';
import { ACK_TIMEOUT, BACKUP_CALL_ATTEMPTS, CALL_INTERVAL, LEAD_CALL_ATTEMPTS } from './sop.js';

/** The report made it more than `criticalAbove` customers: state at once (synchronous), side effects queued. */
export function becomeCritical(inc: Incident, report: ReportRecord): void {
  const { d, esc } = inc;
  d.criticality = 'critical';
  d.criticalAt = report.receivedAt;
  d.criticalReport = report.number;
  d.incidentAgent = report.reportedBy;
  d.facts = incidentFacts(d.reports);
  esc.deadlines.clear('quiet-close');
  esc.deadlines.add('acknowledgement', report.receivedAt, ACK_TIMEOUT, 'The on-call group reacts to the siren within 15 minutes of the report that made it critical');
  esc.deadlines.add(
    'delay-reminder',
    report.receivedAt,
    minutes(d.policy.delayReminderMinutes),
    `Not resolved ${d.policy.delayReminderMinutes} minutes after it became critical: reporting agents tell their customers the fix is delayed`,
  );
  esc.timeline.add(
    'critical',
    `Critical: report #${report.number} makes it ${d.customers.length} distinct customers (more than ${d.policy.criticalAbove}); deadlines count from ${report.receivedAt}`,
    report.reportedBy,
    { report: report.number, customers: d.customers.length, criticalAt: report.receivedAt },
  );
  // Already tested on the single case: no second task (it would stay open, nobody asked again).
  if (d.reproduced === null) esc.openTask('reproduce', report.reportedBy, 'Test in the test account whether the error occurs for us too; report reproduced (yes/no)');
  inc.markCritical();
  inc.setStatus('critical');
  inc.agenda.later(() => raiseAlarm(inc, report));
}

/** The siren, then the agents: the one who made it critical gets the test-account task, the earlier ones are told; then social media. */
async function raiseAlarm(inc: Incident, report: ReportRecord): Promise<void> {
  const { d } = inc;
  const sirenPosted = await inc.postSiren();
  await inc.dm(
    `report-${report.number}`,
    [report.reportedBy],
    inc.texts.madeCritical({
      problemKey: d.problemKey,
      customers: d.customers.length,
      criticalAbove: d.policy.criticalAbove,
      ackDueAt: inc.ackDueAt!,
      timeZone: d.policy.timeZone,
      sirenPosted,
      reproduced: d.reproduced?.value ?? null,
    }),
    d.reproduced === null ? inc.texts.reproduceButtons : undefined,
  );
  for (const agent of inc.agents()) {
    if (agent === report.reportedBy) continue;
    await inc.dm('now-critical', [agent], inc.texts.nowCritical({ problemKey: d.problemKey, customers: d.customers.length, tickets: inc.ticketsOf(agent) }));
  }
  await assignSocialMedia(inc, report.reportedBy);
}

/** Seed step 5: the agent checks the community groups if trained for it (directory group), else the assigned colleague. */
async function assignSocialMedia(inc: Incident, agent: string): Promise<void> {
  const { d, esc } = inc;
  let trained = false;
  try {
    const [facts] = await lookups.lookupPeople({ people: [agent] });
    trained = facts?.groups.includes(TECH_INCIDENT_DIRECTORY.socialMediaTrained) ?? false;
  } catch (err) {
    esc.timeline.add('step-failed', `Whether ${agent} is trained for social-media support is not known (${failureReason(err)}); the social-media colleague takes it`, 'engine');
  }
  if (esc.outcome !== null) return;
  const assignee = trained ? agent : TECH_INCIDENT_DIRECTORY.socialMediaAgent;
  d.socialMedia = { assignee, checkedAt: null, postsFound: null };
  esc.openTask(
    'social-media',
    assignee,
    `Check the community groups for posts about ${d.problemKey} and reply that the tech team is on it${trained ? '' : ` (${agent} is not trained for social-media support)`}`,
  );
  inc.refreshWaitingFor();
  await inc.dm(
    'social-media',
    [assignee],
    inc.texts.socialMedia({ problemKey: d.problemKey, what: d.facts?.what ?? d.problemKey, agent, forwarded: !trained }),
    inc.texts.socialMediaButtons,
  );
}

/** The acknowledgement deadline passed without a reaction: the phone ladder starts (beside the agenda). */
export async function acknowledgementMissed(inc: Incident): Promise<void> {
  const { esc } = inc;
  esc.timeline.add('deadline-passed', `Nobody of the on-call group reacted by ${inc.ackDueAt}: the incident lead is phoned`, 'engine', {
    deadline: 'acknowledgement',
  });
  inc.calling = phoneLadder(inc);
  inc.setStatus('phoning');
  inc.refreshSiren();
}

/**
 * Seed step 4: the incident agent phones the lead; the lead on vacation (directory) or two unanswered
 * calls: the backup. Each request is a reply in the siren's thread with the outcome buttons; a
 * "no answer" ends the attempt at once; a request nobody answers is asked again every CALL_INTERVAL.
 */
async function phoneLadder(inc: Incident): Promise<void> {
  const { d, esc } = inc;
  const agent = d.incidentAgent!;
  const { lead, backup } = TECH_INCIDENT_DIRECTORY;
  let people: Record<string, { name: string; phone?: string | undefined }> = {};
  try {
    people = Object.fromEntries((await lookups.lookupPeople({ people: [lead, backup] })).map((p) => [p.person, p]));
  } catch (err) {
    esc.timeline.add('step-failed', `The incident lead's and the backup's numbers are not known (${failureReason(err)})`, 'engine');
  }
  await inc.reply('nobody-reacted', inc.texts.nobodyReacted(agent));
  const callee = (person: string, attempts: number) => ({ name: people[person]?.name ?? person, phone: people[person]?.phone, person, attempts });
  const result = await callTask(esc, {
    id: 'call',
    assignee: agent,
    callees: [callee(lead, LEAD_CALL_ATTEMPTS), callee(backup, BACKUP_CALL_ATTEMPTS)],
    intervalMs: CALL_INTERVAL,
    finished: () => d.reached !== null || esc.outcome !== null,
    noAnswers: () => d.calls.filter((c) => c.outcome === 'no-answer').length,
    ask: async (attempt, _request, c) => {
      const role = c.person === lead ? 'lead' : 'backup';
      if (inc.callee?.person !== c.person) {
        inc.callee = { person: c.person!, name: c.name };
        inc.setStatus('phoning');
        inc.refreshWaitingFor();
      }
      const skipped = role === 'backup' ? esc.timeline.entries.findLast((e) => e.kind === 'ladder-skipped' && e.data?.person === lead) : undefined;
      if (skipped && attempt === 1 && !d.calls.some((x) => x.callee === lead)) {
        d.calls.push({ callee: lead, outcome: 'skipped', by: 'engine', at: skipped.at });
      }
      return inc.reply(
        `call-${c.person}-${attempt}`,
        inc.texts.callRequest({
          agent,
          name: c.name,
          phone: c.phone,
          role,
          attempt,
          attempts: c.attempts ?? Number.POSITIVE_INFINITY,
          leadAway: skipped ? { name: people[lead]?.name ?? lead, until: typeof skipped.data?.until === 'string' ? skipped.data.until : null } : null,
        }),
        inc.texts.callButtons,
      );
    },
  });
  inc.callee = null;
  inc.refreshWaitingFor();
  if (result.outcome === 'exhausted' && esc.outcome === null) {
    esc.timeline.add('nobody-reached', 'Neither the incident lead nor the backup was reached by phone', 'engine');
    await inc.reply('nobody-reached', inc.texts.nobodyReached(agent));
  }
}
