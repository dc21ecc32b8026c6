// tech-incident (seed 004): critical technical problems reported by many customers.
//
// One escalation per problem: every report of it joins this workflow through the kit's join update
// (the API's update-with-start), so 30 reports at once still make one escalation with the right
// count. Up to `criticalAbove` distinct customers it is a single case (the reporting agent gets the
// customer-side checklist); the report that makes it more raises the alarm at once (alarm.ts), and
// every deadline counts from that report's arrival at the API, never from when a worker got to it.
// The same procedure runs on workdays and weekends.
//
// One file per SOP section: reports (counting, tracking list), alarm (test account, facts, siren,
// phone ladder, social media), ownership (delay and resolution reminders, the quiet close), events;
// facts.ts computes the siren's facts, texts.ts says it all in German and English.
import { workflowInfo } from '@temporalio/workflow';
import { lookups } from '../kit/activities.js';
import { failureReason } from '../kit/failures.js';
import { acknowledgementMissed } from './alarm.js';
import { TECH_INCIDENT_DIRECTORY } from './codes.js';
import type { TechIncidentEvent, TechIncidentOpening, TechIncidentReport, TechIncidentReportResult, TechIncidentState } from './contract.js';
import { apply, validate } from './events.js';
import { Incident } from './incident.js';
import { aftercare, delayReminder, quietPeriodOver } from './ownership.js';
import { addReport } from './reports.js';
import { closeRemainingPosts } from '../kit/notify.js';

export type { TechIncidentDetails } from './contract.js';

export async function techIncident(opening: TechIncidentOpening): Promise<TechIncidentState> {
  const inc = new Incident(opening);
  const { esc } = inc;
  inc.agenda
    .on('acknowledgement', () => acknowledgementMissed(inc))
    .on('delay-reminder', () => delayReminder(inc))
    .on('quiet-close', async () => quietPeriodOver(inc));

  // The opening state first: the report that came with the start is applied when its handler is set.
  esc.recordOpening(`Escalation opened for problem ${opening.problemKey}`, 'engine', {
    workflowStartedAt: workflowInfo().startTime.toISOString(),
    policy: opening.policy,
  });
  inc.setStatus('single-case');
  esc.handleJoins<TechIncidentReport, TechIncidentReportResult>({ apply: (request) => addReport(inc, request) });
  esc.handleEvents<TechIncidentEvent>({
    validate: (event) => validate(inc, event),
    apply: (event) => {
      apply(inc, event);
      inc.agenda.changed();
    },
  });

  // Everything the escalation says goes in the language of the team's channel (the directory).
  try {
    inc.d.locale = await lookups.channelLocale({ channel: TECH_INCIDENT_DIRECTORY.channel });
  } catch (err) {
    esc.timeline.add('step-failed', `The ${TECH_INCIDENT_DIRECTORY.channel} channel's language is not known (${failureReason(err)}); writing German`, 'engine');
  }

  await inc.agenda.run();
  await inc.calling;
  await aftercare(inc);
  // Every post whose buttons still work says how the escalation ended (issue 16 item 9).
  await closeRemainingPosts(esc);
  return esc.state();
}
