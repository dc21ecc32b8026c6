// Reports, counted per problem (seed: "mehr als 5 Fälle mit demselben Problem"): every report joins
// this escalation through the kit's join update; each distinct customer counts once; the report that
// makes it more than `criticalAbove` distinct customers makes it critical at once (alarm.ts). Every
// report goes on the technical-cases tracking list (seed: "trage deine Anliegen immer in unsere
// Technikfälle-Trackingliste ein"); its agent keeps ownership: a single case's agent gets the
// customer-side checklist, a critical one's is told the tech team is on it.
import { workflowInfo } from '@temporalio/workflow';
import { records } from '../kit/activities.js';
import { JOIN_REQUEST } from '../kit/deadlines.js';
import { failureReason } from '../kit/failures.js';
import { days } from '../kit/time.js';
import { customerKey, TRACKING_LIST } from './codes.js';
import type { ReportRecord, TechIncidentJoin, TechIncidentReportResult } from './contract.js';
import { becomeCritical } from './alarm.js';
import { incidentFacts } from './facts.js';
import type { Incident } from './incident.js';

/** Adds a report (the join update's handler: synchronous, side effects queued on the agenda). */
export function addReport(inc: Incident, { input, receivedAt }: TechIncidentJoin): { opened: boolean; result: TechIncidentReportResult } {
  const { d, esc } = inc;
  const number = d.reports.length + 1;
  const customer = customerKey(input.customerEmail);
  const newCustomer = !d.customers.includes(customer);
  if (newCustomer) d.customers.push(customer);
  const report: ReportRecord = {
    number,
    receivedAt,
    seenAt: input.occurredAt ? new Date(input.occurredAt).toISOString() : receivedAt,
    ticket: input.ticket,
    customerEmail: input.customerEmail,
    problem: input.problem,
    productArea: input.productArea,
    platform: input.platform,
    membershipTier: input.membershipTier ?? null,
    errorCode: input.errorCode ?? null,
    reportedBy: input.reportedBy,
    screenshotUrl: input.screenshotUrl ?? null,
    newCustomer,
    tracking: null,
  };
  d.reports.push(report);
  esc.timeline.add(
    'report',
    `Report #${number}: ticket ${report.ticket}${newCustomer ? '' : ' (customer reported before: not counted again)'}; ` +
      `${d.customers.length} distinct customer(s), ${number} report(s)`,
    report.reportedBy,
    { report: number, ticket: report.ticket, receivedAt, customers: d.customers.length },
  );

  let madeCritical = false;
  if (inc.critical) {
    d.facts = incidentFacts(d.reports);
    inc.agenda.later(async () => {
      await trackReport(inc, report);
      await inc.dm(`report-${number}`, [report.reportedBy], inc.texts.joinedCritical({
        problemKey: d.problemKey,
        report,
        customers: d.customers.length,
        rowUrl: report.tracking?.url ?? null,
      }));
    });
    inc.refreshSiren();
  } else if (d.customers.length > d.policy.criticalAbove) {
    madeCritical = true;
    inc.agenda.later(() => trackReport(inc, report));
    becomeCritical(inc, report);
  } else {
    // A single case waits for more reports for the quiet period, counted from the latest one.
    // From its instant a report belongs to the next escalation, even before this one has closed.
    esc.deadlines.add('quiet-close', receivedAt, days(d.policy.quietDays), `A new report within ${d.policy.quietDays} days, or the single case closes`, {
      closes: [JOIN_REQUEST],
    });
    inc.setStatus('single-case');
    inc.agenda.later(async () => {
      await trackReport(inc, report);
      await inc.dm(`report-${number}`, [report.reportedBy], inc.texts.singleCaseReport({
        problemKey: d.problemKey,
        report,
        customers: d.customers.length,
        criticalAbove: d.policy.criticalAbove,
        rowUrl: report.tracking?.url ?? null,
      }));
    });
  }
  inc.refreshWaitingFor();
  inc.agenda.changed();
  return {
    opened: number === 1,
    result: {
      problemKey: d.problemKey,
      report: number,
      customers: d.customers.length,
      reports: number,
      newCustomer,
      criticality: d.criticality,
      madeCritical,
      criticalAt: d.criticalAt,
    },
  };
}

/** Writes the report to the technical-cases tracking list (one row per report, however often retried). */
async function trackReport(inc: Incident, report: ReportRecord): Promise<void> {
  const { d, esc } = inc;
  try {
    const row = await records.addTrackingRow({
      escalationId: esc.escalationId,
      list: TRACKING_LIST,
      // The run's first id: a recurrence after the escalation closed is a new run with its own rows.
      key: `${esc.escalationId}/${workflowInfo().firstExecutionRunId}/report-${report.number}`,
      title: `${d.problemKey} #${report.number}: ${report.ticket}`,
      fields: {
        problemKey: d.problemKey,
        report: report.number,
        receivedAt: report.receivedAt,
        seenAt: report.seenAt,
        ticket: report.ticket,
        customerEmail: report.customerEmail,
        problem: report.problem,
        productArea: report.productArea,
        platform: report.platform,
        membershipTier: report.membershipTier,
        errorCode: report.errorCode,
        reportedBy: report.reportedBy,
        screenshotUrl: report.screenshotUrl,
        criticality: d.criticality,
        customers: d.customers.length,
      },
    });
    report.tracking = { rowId: row.rowId, url: row.url ?? null };
    if (row.listUrl && d.trackingListUrl !== row.listUrl) {
      d.trackingListUrl = row.listUrl;
      if (d.siren) inc.refreshSiren();
    }
    esc.timeline.add('tracked', `Report #${report.number} on the technical-cases tracking list (row ${row.rowId})`, 'engine', {
      report: report.number,
      rowId: row.rowId,
      ...(row.url && { url: row.url }),
    });
  } catch (err) {
    esc.timeline.add('step-failed', `Report #${report.number} not on the tracking list: ${failureReason(err)}`, 'engine');
    esc.openTask(`track-report-${report.number}`, report.reportedBy, `Enter ticket ${report.ticket} in the technical-cases tracking list by hand`);
  }
}
