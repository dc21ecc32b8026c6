// Records workflow histories for the replay tests: `npm run record-histories [-- <scenario> ...]`
// records the named scenarios, or (without names) every scenario that has no history yet. It never
// overwrites a history: the old ones are what escalations in flight look like. Run it when a playbook
// gains a branch or a patched() change; never to make a failing replay test pass (that failure means
// the change would break escalations already in flight: use patched() instead).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { createClients } from '../../src/worker.js';
import { liveDelivery } from '../../workflows/live-delivery/workflow.js';
import { accountEscalation } from '../../workflows/account-escalation/workflow.js';
import accountEscalationPlaybook from '../../workflows/account-escalation/definition.js';
import type { AccountEscalationInput } from '../../workflows/account-escalation/contract.js';
import { eventSignal, eventUpdate, refusedEventSignal } from '../../workflows/kit/messages.js';
import { eventDigest, eventUpdateId } from '../../src/escalations/service.js';
import type { EscalationEvent } from '../../workflows/kit/state.js';
import { historyToJson } from './history-json.js';
import { techIncident } from '../../workflows/tech-incident/workflow.js';
import { techIncidentReportUpdate, type TechIncidentReport } from '../../workflows/tech-incident/contract.js';
import { techOpening, techReport } from '../helpers/tech-incident-fixtures.js';
import { gamedayIssue } from '../../workflows/gameday-issue/workflow.js';
import type { GamedayIssueInput } from '../../workflows/gameday-issue/contract.js';
import { gamedayIssueInput } from '../helpers/gameday.js';
import { liveDeliveryInput, loadExampleDirectory } from '../helpers/fixtures.js';
import type { LiveDeliveryInput } from '../../workflows/live-delivery/contract.js';
import { accountEscalationInput, nextLocal } from '../helpers/account-fixtures.js';
import { clientCallInput } from '../helpers/client-call-fixtures.js';
import { clientCall } from '../../workflows/client-call/workflow.js';
import type { ClientCallInput } from '../../workflows/client-call/contract.js';
import { standInActivities, startStandIns } from '../helpers/stand-ins.js';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal.js';

const MIN = 60_000;
const outDir = fileURLToPath(new URL('./histories/', import.meta.url));

const env = await createTimeSkippingEnv();
const directory = await loadExampleDirectory();
const standIns = await startStandIns(directory);
const bundle = await bundleWorkflows();
const activities = standInActivities(standIns, directory, await TemplateCatalog.load());
const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: bundle, activities });

type Scenario = (id: string) => Promise<WorkflowHandle>;
const start = async (id: string, startMs: number, issueType: LiveDeliveryInput['issueType'] = 'facilitator-no-show', overrides: Partial<LiveDeliveryInput> = {}) =>
  env.client.workflow.start(liveDelivery, { taskQueue: 'record', workflowId: id, args: [liveDeliveryInput(issueType, startMs, overrides)] });
// Live-delivery events at mm:30, clear of the call-task and cutoff timers.
const at = (min: number) => (min * 60 + 30) * 1000;
/** A participant no-show opened 31 minutes after the session's start; the client is told of the cancellation. */
async function openedAfterCutoff(id: string): Promise<WorkflowHandle> {
  const startMs = await env.currentTimeMs();
  const h = await start(id, startMs - 31 * MIN, 'participant-no-show');
  await env.sleep(at(1));
  await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
  return h;
}

const scenarios: Record<string, Scenario> = {
  'live-delivery-facilitator-arrived': async (id) => {
    const h = await start(id, await env.currentTimeMs());
    await env.sleep(10 * MIN);
    await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived', actor: 'desk-agent' }] });
    return h;
  },
  'live-delivery-facilitator-cutoff': async (id) => start(id, await env.currentTimeMs()),
  'live-delivery-started-after-cutoff': async (id) => start(id, (await env.currentTimeMs()) - 16 * MIN),
  'live-delivery-slack-down': async (id) => {
    standIns.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1);
    return start(id, await env.currentTimeMs());
  },
  'live-delivery-owner-takeover': async (id) => {
    const h = await start(id, await env.currentTimeMs());
    await env.sleep(at(3));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'owner-acknowledged', actor: 'booking-owner' }] });
    await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-reached' }] });
    return h;
  },
  'live-delivery-participants-adapted': async (id) => {
    const h = await start(id, await env.currentTimeMs(), 'participant-no-show');
    await env.sleep(at(6));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-unreachable' }] });
    await env.sleep(at(4));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-reached', participants: 'still-expected' }] });
    await h.executeUpdate(eventUpdate, { args: [{ type: 'details-mismatch', clientSessionLink: 'https://meet.example.com/other' }] });
    await h.executeUpdate(eventUpdate, { args: [{ type: 'participants-arrived', count: 3 }] });
    return h;
  },
  'live-delivery-participants-cutoff': async (id) => start(id, await env.currentTimeMs(), 'participant-no-show'),
  'live-delivery-client-cancels': async (id) => {
    const h = await start(id, await env.currentTimeMs(), 'participant-no-show');
    await env.sleep(at(2));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-reached', participants: 'cancel' }] });
    return h;
  },
  'live-delivery-tech-resolved': async (id) => {
    const h = await start(id, await env.currentTimeMs(), 'tech-issue');
    await env.sleep(at(7));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'tech-resolved' }] });
    return h;
  },
  'live-delivery-tech-cutoff-mid-session': async (id) => {
    const now = await env.currentTimeMs();
    return start(id, now - 40 * MIN, 'tech-issue', { techIssueReportedAt: new Date(now).toISOString() });
  },
  // An attempt the API's role rules refused (recorded through a signal), then the owner's own.
  'live-delivery-refused-attempt': async (id) => {
    const h = await start(id, await env.currentTimeMs());
    await env.sleep(at(2));
    await h.signal(refusedEventSignal, {
      type: 'owner-acknowledged',
      actor: 'desk-agent',
      rule: 'owner-acknowledges',
      reason: "'owner-acknowledged' may be sent only by the booking owner (booking-owner) or their portfolio team lead (portfolio-team-lead); desk-agent is not (rule owner-acknowledges)",
    });
    await h.executeUpdate(eventUpdate, { args: [{ type: 'owner-acknowledged', actor: 'booking-owner' }] });
    await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived', actor: 'tool:local on behalf of desk-agent' }] });
    return h;
  },
  // Since patched('live-delivery-events-after-opening'): started while no worker polls its task
  // queue, the event reaches it before its first workflow task, so the first task carries both and
  // the opening comes first (issue 17 item 3).
  'live-delivery-event-before-first-task': async (id) => {
    const queue = 'record-no-worker-yet';
    const input = liveDeliveryInput('facilitator-no-show', (await env.currentTimeMs()) + 60 * MIN);
    const h = await env.client.workflow.start(liveDelivery, { taskQueue: queue, workflowId: id, args: [input] });
    const reached = h.executeUpdate(eventUpdate, {
      args: [{ type: 'facilitator-reached', actor: 'desk-agent', eta: '5 minutes' }],
      updateId: 'facilitator-reached:desk-agent:replay-1',
    });
    await new Promise((r) => setTimeout(r, 2_000)); // admitted while nobody polls
    const late = await Worker.create({ connection: env.nativeConnection, taskQueue: queue, workflowBundle: bundle, activities });
    await late.runUntil(async () => {
      await reached;
      await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-arrived', actor: 'desk-agent' }] });
      await h.result();
    });
    return h;
  },
  // Both at once (recorded after merging the two): a press the role rules refused and the owner's own
  // press reach the escalation before its first workflow task, so under
  // patched('live-delivery-events-after-opening') the opening comes first, then the refused attempt
  // and the events, each update with its `<type>:<actor>:<key>` id.
  'live-delivery-refused-before-first-task': async (id) => {
    const queue = 'record-no-worker-yet-refused';
    const input = liveDeliveryInput('facilitator-no-show', (await env.currentTimeMs()) + 60 * MIN);
    const h = await env.client.workflow.start(liveDelivery, { taskQueue: queue, workflowId: id, args: [input] });
    await h.signal(refusedEventSignal, {
      type: 'owner-acknowledged',
      actor: 'desk-agent',
      rule: 'owner-acknowledges',
      reason: "'owner-acknowledged' may be sent only by the booking owner (booking-owner) or their portfolio team lead (portfolio-team-lead); desk-agent is not (rule owner-acknowledges)",
    });
    const acknowledged = h.executeUpdate(eventUpdate, {
      args: [{ type: 'owner-acknowledged', actor: 'booking-owner' }],
      updateId: 'owner-acknowledged:booking-owner:slack-replay-trigger-1',
    });
    await new Promise((r) => setTimeout(r, 2_000)); // admitted while nobody polls
    const late = await Worker.create({ connection: env.nativeConnection, taskQueue: queue, workflowBundle: bundle, activities });
    await late.runUntil(async () => {
      await acknowledged;
      await h.executeUpdate(eventUpdate, {
        args: [{ type: 'facilitator-arrived', actor: 'tool:local on behalf of desk-agent' }],
        updateId: 'facilitator-arrived:tool:local on behalf of desk-agent:replay-2',
      });
      await h.result();
    });
    return h;
  },
  // Since patched('live-delivery-sop-v2') (issue 17 items 4, 5, 8, 19): a reached facilitator is the
  // desk's decision (capped reminders past the cutoff, then call-off), and the client is phoned
  // before the email (here nobody reports the call: three requests, then the email goes alone).
  'live-delivery-v2-late-facilitator-call-off': async (id) => {
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs);
    await env.sleep(at(3));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'facilitator-reached', actor: 'desk-agent', eta: '20 minutes' }] });
    await sleepUntil(startMs + at(40));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'late-facilitator', decision: 'call-off', actor: 'desk-agent' }] });
    return h;
  },
  // Opened 20 minutes before the start: the calls wait for it; cut off, the client is told on the phone.
  'live-delivery-v2-waits-for-start': async (id) => {
    const startMs = (await env.currentTimeMs()) + 20 * MIN;
    const h = await start(id, startMs);
    await sleepUntil(startMs + at(17));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
    return h;
  },
  // Since patched('live-delivery-ticket-beside-client'): the ticket target is down at the cutoff (four
  // 503s, about 75 s of retries); the outcome, the alert's mark and the call to the client go ahead
  // beside them, and the client is reported told while the ticket is still being retried.
  'live-delivery-ticket-beside-client': async (id) => {
    standIns.tickets.failNext(503, 4);
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs);
    await sleepUntil(startMs + at(15));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
    return h;
  },
  // Since patched('live-delivery-aftercare-in-outcome-task'): the outcome, the request to phone the
  // client and the ticket go out in the workflow task that decided the outcome, the ended call tasks
  // closing their posts beside them, at each of the three cancellations: the facilitator's cutoff,
  // nobody by start + 30, and a session that ended early on our side.
  'live-delivery-aftercare-in-outcome-task-facilitator': async (id) => {
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs);
    await sleepUntil(startMs + at(15));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
    return h;
  },
  'live-delivery-aftercare-in-outcome-task-participants': async (id) => {
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs, 'participant-no-show');
    await env.sleep(at(3));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-reached', participants: 'still-expected', actor: 'desk-agent' }] });
    await sleepUntil(startMs + at(31));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-unreachable', actor: 'desk-agent' }] });
    return h;
  },
  'live-delivery-aftercare-in-outcome-task-ended-early': async (id) => {
    const h = await start(id, await env.currentTimeMs(), 'tech-issue');
    await env.sleep(at(1));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'session-ended-early', cause: 'provider', reason: 'the facilitator lost power', actor: 'desk-agent' }] });
    await env.sleep(at(1));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
    return h;
  },
  // Since patched('kit-due-deadlines-first'): a worker down across the facilitator's cutoff and
  // the call task's next request gets both timers in one workflow task; the cutoff fires first and
  // nobody is asked a fourth time. No workflow cache: the restarted worker polls the normal queue.
  'live-delivery-due-deadlines-first': async (id) => {
    const queue = 'record-worker-down-at-cutoff';
    const startMs = await env.currentTimeMs();
    const h = await env.client.workflow.start(liveDelivery, { taskQueue: queue, workflowId: id, args: [liveDeliveryInput('facilitator-no-show', startMs)] });
    const run = async (fn: () => Promise<void>) =>
      (await Worker.create({ connection: env.nativeConnection, taskQueue: queue, workflowBundle: bundle, activities, maxCachedWorkflows: 0 })).runUntil(fn);
    await run(() => sleepUntil(startMs + 15 * MIN - 10_000));
    await sleepUntil(startMs + 15 * MIN + 5_000);
    await run(async () => {
      await h.result();
    });
    return h;
  },
  // Since patched('kit-due-deadlines-before-first-request'): a participant no-show opened 31 minutes
  // after the session's start; the passed cutoff decides before anyone is asked whether participants
  // are still expected, and the client is phoned about the cancellation only.
  'live-delivery-opened-after-cutoff': (id) => openedAfterCutoff(id),
  // The same, recorded by the code before that patch (commit 70605d3, in a git worktree): the client
  // was asked whether participants were still expected, the request closed at once by the passed
  // cutoff. The patch must keep replaying it as it was. Recorded today it would take the patched path.
  'live-delivery-opened-after-cutoff-before-patch': (id) => openedAfterCutoff(id),
  // A client-side tech issue: cancelled-client-side, no ticket; the client is unreachable.
  'live-delivery-v2-tech-client-side': async (id) => {
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs, 'tech-issue');
    await env.sleep(at(2));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'tech-issue-cause', cause: 'client', actor: 'desk-agent' }] });
    await sleepUntil(startMs + at(17));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-unreachable', actor: 'desk-agent' }] });
    return h;
  },
  // Since patched('live-delivery-participant-cutoff-call'): unreachable before the cutoff (template 2),
  // nobody by start + 30, the client phoned again and told (template 4 as the record of the call).
  'live-delivery-participants-cutoff-call': async (id) => {
    const startMs = await env.currentTimeMs();
    const h = await start(id, startMs, 'participant-no-show');
    await env.sleep(at(3));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-unreachable', actor: 'desk-agent' }] });
    await sleepUntil(startMs + at(31));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'client-informed', actor: 'desk-agent' }] });
    return h;
  },
  'live-delivery-tech-ended-early': async (id) => {
    const h = await start(id, await env.currentTimeMs(), 'tech-issue');
    await env.sleep(at(1));
    await h.executeUpdate(eventUpdate, { args: [{ type: 'session-ended-early', reason: 'connection dropped' }] });
    return h;
  },
};

// account-escalation: events at hh:30 local, clear of the playbook's own timers (on the hour), so no
// update lands in the very instant a timer fires (the time-skipping server rejects that completion).
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const chicago = 'America/Chicago';
const send = (h: WorkflowHandle, event: EscalationEvent) => h.executeUpdate(eventUpdate, { args: [event] });
async function sleepUntil(ms: number) {
  const now = await env.currentTimeMs();
  if (ms > now) await env.sleep(ms - now);
}
async function startAccount(id: string, overrides: Partial<AccountEscalationInput> = {}) {
  const input = accountEscalationInput(await env.currentTimeMs(), overrides);
  return env.client.workflow.start(accountEscalation, {
    taskQueue: 'record',
    workflowId: id,
    args: [input],
    memo: { playbook: accountEscalationPlaybook.name },
  });
}
/** Monday 10:30 Chicago, then `day` days and `hours` hours on. */
const mondayMorning = async () => nextLocal(await env.currentTimeMs(), chicago, 1, 10, 30);

Object.assign(scenarios, {
  'account-escalation-finance-approved': async (id: string) => {
    const monday = await mondayMorning();
    await sleepUntil(monday);
    const h = await startAccount(id, { account: { ...accountEscalationInput(0).account, fmc: true, name: 'Replay Clinics FMC' } });
    await sleepUntil(monday + HOUR);
    await send(h, { type: 'note', actor: 'csm', text: 'Discussed the invoice with the customer.' });
    await send(h, { type: 'resolution-proposed', actor: 'csm', offer: '25% off for 3 months' });
    await sleepUntil(monday + DAY + HOUR); // past the next morning's follow-up to accounting
    await send(h, { type: 'finance-denied', actor: 'accounting-analyst', reason: 'Over the limit' });
    await send(h, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: '15% off for 3 months' });
    await send(h, { type: 'finance-approved', actor: 'accounting-analyst' });
    await sleepUntil(monday + 2 * DAY + HOUR);
    await send(h, { type: 'customer-accepted', actor: 'csm' });
    return h;
  },
  'account-escalation-meeting-missed': async (id: string) => {
    const h = await startAccount(id, { explicit: true, trigger: 'upset' });
    await env.sleep(25 * HOUR + 30 * MIN);
    await send(h, { type: 'meeting-held', actor: 'cs-team-lead' });
    await send(h, { type: 'churned', actor: 'csm', churn: { primary: 'service', secondary: ['unresolved-issues'] } });
    return h;
  },
  'account-escalation-unresponsive': async (id: string) => {
    const monday = await mondayMorning();
    await sleepUntil(monday);
    const h = await startAccount(id, { trigger: 'unresponsive-after-issue', followUpEmails: true });
    await sleepUntil(monday + 10 * DAY); // day 11: recorded as unresponsive at midnight
    await send(h, { type: 'churned', actor: 'cs-team-lead', churn: { primary: 'customer', secondary: ['ghosted'] } });
    return h;
  },
  // Since patched('account-escalation-reminder-caps'): nobody tries the customer (the contact series
  // stops at its 4th missed day), no notes (the CSM's reminders stop after 5 business days), and
  // accounting never decides (5 follow-ups, then the TL and their manager once).
  'account-escalation-reminder-caps': async (id: string) => {
    const monday = await mondayMorning();
    await sleepUntil(monday);
    const h = await startAccount(id, { trigger: 'unresponsive-after-issue' });
    await sleepUntil(monday + 4 * DAY); // Friday 10:30: the series stopped at midnight
    await send(h, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: '10% off for 6 months' });
    await sleepUntil(monday + 14 * DAY + HOUR); // Monday two weeks on, 11:30: the finance follow-ups' final step is out
    await send(h, { type: 'churned', actor: 'cs-team-lead' });
    return h;
  },
  'account-escalation-renegotiation': async (id: string) => {
    const monday = await mondayMorning();
    await sleepUntil(monday);
    const h = await startAccount(id, { trigger: 'wants-to-downgrade', churn: { primary: 'product', secondary: ['unfulfilled-value'] } });
    await send(h, { type: 'resolution-proposed', actor: 'csm', offer: 'Keep LMS at 10% off' });
    await send(h, { type: 'finance-approved', actor: 'accounting-analyst' });
    await sleepUntil(monday + 2 * DAY);
    await send(h, { type: 'customer-rejected', actor: 'csm', reason: 'Wants CRED SOFT removed instead' });
    await sleepUntil(monday + 8 * DAY + HOUR); // the next Tuesday's finance meeting (08:00 Chicago) has passed
    await send(h, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Remove CRED SOFT, LMS unchanged' });
    await send(h, { type: 'finance-approved', actor: 'accounting-analyst' });
    await send(h, { type: 'customer-accepted', actor: 'csm', downgrade: { removed: ['CRED SOFT'], mrrAfter: 2900 } });
    return h;
  },
  // Long enough to continue as new: every run is recorded (-run1, -run2, ...).
  'account-escalation-continued': async (id: string) => {
    const monday = await mondayMorning();
    await sleepUntil(monday);
    const h = await startAccount(id, { explicit: true, trigger: 'unresponsive-after-issue', followUpEmails: true });
    for (let day = 0; day < 70; day++) {
      await sleepUntil(monday + day * DAY + HOUR);
      if (day === 0) await send(h, { type: 'meeting-held', actor: 'csm' });
      if (day === 4) await send(h, { type: 'customer-responded', actor: 'csm' });
      if (day % 7 < 5 && day % 5 !== 3) await send(h, { type: 'note', actor: 'csm', text: `Day ${day} follow-up.` });
      if (day === 7) await send(h, { type: 'resolution-proposed', actor: 'csm', offer: 'Round 1' });
      if (day === 8) await send(h, { type: 'finance-approved', actor: 'accounting-analyst' });
      if (day === 9) await send(h, { type: 'customer-rejected', actor: 'csm' });
      if (day === 16) await send(h, { type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 2' });
    }
    await send(h, { type: 'churned', actor: 'csm' });
    return h;
  },
});

// Since patched('account-escalation-events-after-opening'): an event that comes with the start. No
// worker polls the task queue until the update waits on the server, so the update is in the very
// first workflow task; it is applied after the opening, and the offer keeps its status.
scenarios['account-escalation-event-at-start'] = async (id: string) => {
  const monday = await mondayMorning();
  await sleepUntil(monday);
  const taskQueue = 'record-late';
  const input = accountEscalationInput(await env.currentTimeMs(), { trigger: 'wants-to-downgrade' });
  const h = await env.client.workflow.start(accountEscalation, { taskQueue, workflowId: id, args: [input], memo: { playbook: accountEscalationPlaybook.name } });
  const proposed = send(h, { type: 'resolution-proposed', actor: 'csm', offer: 'Offered on the call that opened the escalation' });
  await new Promise((resolve) => setTimeout(resolve, 2000)); // real time: the update reaches the server first
  const late = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  await late.runUntil(async () => {
    await proposed;
    await send(h, { type: 'finance-approved', actor: 'accounting-analyst' });
    await send(h, { type: 'customer-accepted', actor: 'csm' });
    await h.result();
  });
  return h;
};

// Since the carried Idempotency-Keys: notes sent with keys (as the API sends them) until the run
// continues as new; then every note sent again with its key: the first run's are answered from it
// (appliedInRun), the second run's by Temporal's own update-id deduplication; one note through the
// event signal with a key used before and another body (rejected on the timeline).
scenarios['account-escalation-keys-carried'] = async (id: string) => {
  const monday = await mondayMorning();
  await sleepUntil(monday);
  const h = await startAccount(id);
  const firstRun = (await h.describe()).runId;
  const note = (i: number) => {
    const event: EscalationEvent = { type: 'note', actor: 'csm', text: `Keyed note ${i}` };
    const key = `replay-note-${i}`;
    return h.executeUpdate(eventUpdate, { args: [{ ...event, idempotency: { key, digest: eventDigest(event) } }], updateId: eventUpdateId(event, key) });
  };
  let sent = 0;
  for (; sent < 400 && (await h.describe()).runId === firstRun; sent++) {
    await note(sent + 1);
    await env.sleep(HOUR); // a quiet moment: the note reaches the case, the run may continue as new
  }
  for (let i = 1; i <= sent; i++) await note(i);
  const reused: EscalationEvent = { type: 'note', actor: 'csm', text: 'Another text under a used key' };
  await h.signal(eventSignal, { ...reused, idempotency: { key: 'replay-note-1', digest: eventDigest(reused) } });
  await send(h, { type: 'churned', actor: 'csm' });
  return h;
};

// client-call: events at mm:30 past the call's minute, clear of its timers (15 and 30 minutes, hours).
async function startClientCall(id: string, overrides: Partial<ClientCallInput> = {}) {
  const input = clientCallInput(await env.currentTimeMs(), overrides);
  return env.client.workflow.start(clientCall, { taskQueue: 'record', workflowId: id, args: [input], memo: { playbook: 'client-call' } });
}
const clientCallAftercare = async (h: WorkflowHandle, satisfied: boolean) => {
  await send(h, { type: 'client-feedback', actor: 'account-specialist', satisfied, comment: satisfied ? 'Thanks' : 'Still slow in the mornings' });
  await send(h, { type: 'review-done', actor: 'client-services-manager', whatWentWrong: 'Expired certificate', prevention: 'Automatic renewal', whyClientNoticedFirst: 'No expiry alert' });
  await send(h, { type: 'documented', actor: 'account-specialist', steps: 'Renew the certificate', recurrence: 'one-off', link: 'https://wiki.example.com/runbooks/cert' });
};
Object.assign(scenarios, {
  // Taken in time; email updates; an update reminder; resolved; follow-up email; handover at once (the usual contact is available); closed.
  'client-call-email-closed': async (id: string) => {
    const h = await startClientCall(id);
    await env.sleep(at(5));
    await send(h, { type: 'assigned', actor: 'account-specialist' });
    await send(h, { type: 'client-info', actor: 'desk-agent', info: 'They also see it in the app' });
    await env.sleep(at(60)); // the update reminder at 60 minutes
    await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
    await send(h, { type: 'eta', actor: 'account-specialist', eta: new Date((await env.currentTimeMs()) + 3 * HOUR).toISOString() });
    await env.sleep(at(20));
    await send(h, { type: 'roadblock', actor: 'account-specialist', roadblock: 'Second approval needed' });
    await env.sleep(at(30));
    await send(h, { type: 'resolved', actor: 'account-specialist', resolution: 'Renewed', measures: 'Automatic renewal' });
    await env.sleep(at(10));
    await clientCallAftercare(h, true);
    return h;
  },
  // Nobody takes it: the managers at 15 and 30 minutes; phone updates (no answer, then reached); phone follow-up; closed.
  'client-call-managers-phone': async (id: string) => {
    const h = await startClientCall(id, { preferredContact: 'phone' });
    await env.sleep(at(32));
    await send(h, { type: 'assigned', actor: 'client-services-director', assignee: 'account-specialist' });
    await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
    await env.sleep(at(10));
    await send(h, { type: 'client-called', actor: 'account-specialist', outcome: 'no-answer' });
    await env.sleep(at(5));
    await send(h, { type: 'client-called', actor: 'account-specialist', outcome: 'reached' });
    await env.sleep(at(20));
    await send(h, { type: 'resolved', actor: 'account-specialist', resolution: 'Renewed', measures: 'Automatic renewal' });
    await env.sleep(at(10));
    await clientCallAftercare(h, false);
    return h;
  },
  // The review and the documentation recorded in the memo `lessons` (patch client-call-lessons-memo); closed.
  'client-call-lessons-memo': async (id: string) => {
    const h = await startClientCall(id);
    await env.sleep(at(5));
    await send(h, { type: 'assigned', actor: 'account-specialist' });
    await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
    await env.sleep(at(20));
    await send(h, { type: 'resolved', actor: 'account-specialist', resolution: 'Renewed', measures: 'Automatic renewal' });
    await env.sleep(at(10));
    await clientCallAftercare(h, true);
    return h;
  },
});

// Since patched('agenda-due-timers-fire'): not critical, so take-by and update-due come at one instant
// (2 hours); take-by's handler moves update-due while its timer fires, and that timer is left to fire
// instead of cancelled. The marker shows only when the second timer fired during that task: record
// again (under a new name) if the history has no 'agenda-due-timers-fire' marker.
Object.assign(scenarios, {
  'client-call-same-instant-deadlines': async (id: string) => {
    const { issue } = clientCallInput(0);
    const h = await startClientCall(id, { issue: { ...issue, severity: 'high', criticalToBusiness: false } });
    await env.sleep(at(125));
    await send(h, { type: 'assigned', actor: 'client-services-director', assignee: 'account-specialist' });
    await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
    await env.sleep(at(20));
    await send(h, { type: 'resolved', actor: 'account-specialist', resolution: 'Renewed', measures: 'Automatic renewal' });
    await env.sleep(at(10));
    await clientCallAftercare(h, true);
    return h;
  },
});

// Since patched('kit-timers-near-fire') (kit/timers.ts): a critical call's first update goes out 10 s
// before update-due (call + 60 minutes); moving the deadline leaves its timer, due within the margin,
// to fire instead of cancelling it (it may fire during that very task).
Object.assign(scenarios, {
  'client-call-update-near-deadline': async (id: string) => {
    const callAt = await env.currentTimeMs();
    const h = await startClientCall(id);
    await env.sleep(at(5));
    await send(h, { type: 'assigned', actor: 'account-specialist' });
    await sleepUntil(callAt + 60 * MIN - 10_000);
    await send(h, { type: 'cause-identified', actor: 'account-specialist', cause: 'Expired certificate', plan: 'Renew it' });
    await env.sleep(at(20));
    await send(h, { type: 'resolved', actor: 'account-specialist', resolution: 'Renewed', measures: 'Automatic renewal' });
    await env.sleep(at(10));
    await clientCallAftercare(h, true);
    return h;
  },
});

// Since patched('agenda-timer-per-deadline') (issue 16 item 3): one timer per deadline and the
// EscalationNextDeadline attribute. The same scenarios as above, recorded with the patch.
for (const name of [
  'live-delivery-participants-adapted',
  'live-delivery-facilitator-cutoff',
  'account-escalation-finance-approved',
  'account-escalation-renegotiation',
]) {
  scenarios[`${name}-timer-per-deadline`] = scenarios[name]!;
}
// tech-incident: reports through the join update (as the API's update-with-start delivers them),
// events at mm:30, clear of the playbook's timers.
const techReportAt = async (h: WorkflowHandle, input: TechIncidentReport) =>
  h.executeUpdate(techIncidentReportUpdate, { args: [{ input, receivedAt: new Date(await env.currentTimeMs()).toISOString() }] });
const startTech = (id: string) => env.client.workflow.start(techIncident, { taskQueue: 'record', workflowId: id, args: [techOpening()], memo: { playbook: 'tech-incident', join: true } });
async function techCritical(h: WorkflowHandle) {
  for (let n = 1; n <= 5; n++) await techReportAt(h, techReport(n, { reportedBy: n % 2 ? 'support-agent-2' : 'support-agent' }));
  await techReportAt(h, techReport(3, { ticket: 'GRV-2003', reportedBy: 'support-agent' })); // a customer reported again
  await techReportAt(h, techReport(6));
}
Object.assign(scenarios, {
  'tech-incident-resolved': async (id: string) => {
    const h = await startTech(id);
    await techCritical(h);
    await env.sleep(at(5));
    await send(h, { type: 'acknowledged', actor: 'on-call-lead' });
    await send(h, { type: 'reproduced', reproduced: true, actor: 'support-agent' });
    await techReportAt(h, techReport(7, { reportedBy: 'community-agent', platform: 'android-app' }));
    await send(h, { type: 'social-media-checked', postsFound: false, actor: 'social-media-agent' });
    await env.sleep(at(20));
    await send(h, { type: 'status-update', text: 'Ursache gefunden, Fix in Arbeit.', actor: 'on-call-lead' });
    await send(h, { type: 'resolved', summary: 'Proxy getauscht', actor: 'on-call-lead' });
    return h;
  },
  'tech-incident-phone-ladder': async (id: string) => {
    const h = await startTech(id);
    await techCritical(h);
    await env.sleep(at(15)); // the acknowledgement deadline passed 30 s ago: the lead is being phoned
    await send(h, { type: 'call-no-answer', actor: 'support-agent' });
    await env.sleep(at(1));
    await send(h, { type: 'call-no-answer', actor: 'support-agent' });
    await env.sleep(at(1));
    await send(h, { type: 'call-reached', actor: 'support-agent' });
    await env.sleep(4 * 60 * MIN); // past the first delay reminder
    await send(h, { type: 'resolved', actor: 'on-call-backup' });
    return h;
  },
  // Since patched('kit-timers-near-fire'): the lead is reached 10 s before the first call attempt's
  // timeout (asked at about 15:00, again at 20:00); the attempt's timer, due within the margin, is left
  // to fire instead of cancelled.
  'tech-incident-reached-near-timeout': async (id: string) => {
    const openedAt = await env.currentTimeMs();
    const h = await startTech(id);
    await techCritical(h);
    await sleepUntil(openedAt + 20 * MIN - 10_000);
    await send(h, { type: 'call-reached', actor: 'support-agent' });
    await env.sleep(at(30));
    await send(h, { type: 'resolved', actor: 'on-call-lead' });
    return h;
  },
  'tech-incident-lapsed': async (id: string) => {
    const h = await startTech(id);
    await techReportAt(h, techReport(1));
    await env.sleep(at(60));
    await techReportAt(h, techReport(2, { reportedBy: 'support-agent-2' }));
    return h; // closes 7 days after the last report
  },
});
// gameday-issue: the example event placed around the server's clock (the worker's activities read the
// directory at run time); events at mm:30, clear of the acknowledgement ladder's timers.
async function gamedayEventAround(key: string, startOffset: number, endOffset: number) {
  const now = await env.currentTimeMs();
  const events = (directory.data.playbooks['gameday-issue'] as { events: Record<string, Record<string, unknown>> }).events;
  events[key] = { ...events['northwind-summit-2026'], start: new Date(now + startOffset).toISOString(), end: new Date(now + endOffset).toISOString() };
  return now;
}
async function startGameday(id: string, event: string, overrides: Partial<GamedayIssueInput> = {}) {
  const input = gamedayIssueInput((await env.currentTimeMs()) - 2 * MIN, { event, ...overrides });
  return env.client.workflow.start(gamedayIssue, { taskQueue: 'record', workflowId: id, args: [input], memo: { playbook: 'gameday-issue' } });
}
Object.assign(scenarios, {
  // Unacknowledged at 5:00 (group reminder), acknowledged, escalated to tech support (their reminder), resolved.
  'gameday-issue-tier-3-resolved': async (id: string) => {
    const now = await gamedayEventAround('replay-tier-3', -30 * MIN, 6 * HOUR);
    const h = await startGameday(id, 'replay-tier-3');
    await sleepUntil(now + 6 * MIN + 30_000);
    await send(h, { type: 'acknowledged', actor: 'cs-responder' });
    await sleepUntil(now + 7 * MIN + 30_000);
    await send(h, { type: 'escalated-to-tech-support', actor: 'cs-responder', facts: 'Camera freezes every 30 s' });
    await sleepUntil(now + 13 * MIN + 30_000);
    await send(h, { type: 'acknowledged', actor: 'tech-support-engineer' });
    await sleepUntil(now + 20 * MIN + 30_000);
    await send(h, { type: 'resolved', actor: 'tech-support-engineer', answer: 'Camera switched to the backup encoder' });
    return h;
  },
  // No acknowledgement at all (group, then the lead), the event ends, closed as a follow-up 7 days later.
  'gameday-issue-carried-over': async (id: string) => {
    await gamedayEventAround('replay-carried-over', -3 * HOUR, 20 * MIN);
    return startGameday(id, 'replay-carried-over', { affected: 'attendee', session: undefined, page: '/agenda', urgency: 'low' });
  },
  // Two issues, one resolved before the end; the summary at the end, read through visibility.
  'gameday-summary': async () => {
    const now = await gamedayEventAround('replay-summary', -30 * MIN, 2 * HOUR);
    const first = await startGameday('gameday-issue:replay-summary-1', 'replay-summary');
    const second = await startGameday('gameday-issue:replay-summary-2', 'replay-summary', { affected: 'exhibitor', urgency: 'medium' });
    await sleepUntil(now + 2 * MIN + 30_000);
    await send(first, { type: 'acknowledged', actor: 'cs-responder' });
    await send(first, { type: 'workaround', actor: 'cs-responder', answer: 'Use the backup stream' });
    const summary = env.client.workflow.getHandle('gameday-summary:replay-summary');
    await summary.result();
    await second.terminate('recorded');
    return summary;
  },
});

// Since patched('kit-close-button-posts') (issue 16 item 9): superseded and answered requests and,
// at the end, every post with buttons are updated without their buttons. The same scenarios as
// above (a call task posted in the step that cancels; a phone ladder asked again and answered;
// a client call's ladder), recorded with the patch.
for (const name of ['live-delivery-facilitator-cutoff', 'tech-incident-phone-ladder', 'client-call-managers-phone', 'account-escalation-finance-approved']) {
  scenarios[`${name}-buttons-closed`] = scenarios[name]!;
}

/** Every run of the escalation, oldest first (more than one after continue-as-new). */
async function allRuns(handle: WorkflowHandle) {
  const histories: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>[] = [];
  let runId: string | null | undefined = (await handle.describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    histories.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  }
  return histories;
}

await mkdir(outDir, { recursive: true });
const existing = new Set((await readdir(outDir)).map((f) => f.replace(/(-run\d+)?\.json$/, '')));
const requested = process.argv.slice(2);
for (const name of requested) if (!Object.hasOwn(scenarios, name)) throw new Error(`no scenario '${name}'; scenarios: ${Object.keys(scenarios).join(', ')}`);
const chosen = requested.length > 0 ? requested : Object.keys(scenarios).filter((name) => !existing.has(name));
for (const name of chosen) if (existing.has(name)) throw new Error(`${name} is recorded already: histories are never re-recorded (escalations in flight look like them)`);
await worker.runUntil(async () => {
  for (const name of chosen) {
    const handle = await scenarios[name]!(name);
    await handle.result();
    const histories = await allRuns(handle);
    // 'wx': fails rather than overwrite a history.
    if (histories.length === 1) await writeFile(`${outDir}${name}.json`, historyToJson(histories[0]!), { flag: 'wx' });
    else for (const [i, h] of histories.entries()) await writeFile(`${outDir}${name}-run${i + 1}.json`, historyToJson(h), { flag: 'wx' });
    process.stdout.write(`recorded ${name} (${histories.map((h) => h.events?.length ?? 0).join(' + ')} events)\n`);
  }
});
if (chosen.length === 0) process.stdout.write('every scenario is recorded already\n');
await standIns.close();
await env.teardown();
