// What an operator sees in the Temporal Web UI (issue 16): the history names every step and its
// target (activity summaries), a deadline is one timer for its whole life (no "Timer Canceled" per
// event), the handlers carry descriptions, the current details list every pending deadline in local
// time and follow the escalation, and EscalationNextDeadline says what comes next. Under the
// time-skipping server at the SOP's real durations (30 minutes skipped, not shortened).
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { LiveDeliveryEvent } from '../../workflows/live-delivery/contract.js';
import { liveDelivery } from '../../workflows/live-delivery/workflow.js';
import { eventUpdate, stateQuery } from '../../workflows/kit/messages.js';
import { nextDeadlineKey, statusKey } from '../../workflows/kit/search-attributes.js';
import { liveDeliveryInput } from '../helpers/fixtures.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';

const MIN = 60_000;
const t = workflowTestEnv({ name: 'observability' });

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = (await import('@temporalio/proto')).default.temporal.api.enums.v1;

const summaryOf = (e: HistoryEvent): string | undefined =>
  e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary as never) : undefined;

interface WorkflowMetadata {
  definition?: {
    queryDefinitions?: { name?: string; description?: string }[];
    signalDefinitions?: { name?: string; description?: string }[];
    updateDefinitions?: { name?: string; description?: string }[];
  };
  currentDetails?: string;
}
const metadata = (h: WorkflowHandle) => h.query<WorkflowMetadata>('__temporal_workflow_metadata');

const sleepUntil = t.sleepUntil;

describe('a participant no-show as the Web UI shows it', () => {
  it('one timer per deadline, named steps, described handlers, details that follow the escalation', async () => {
    await t.withWorker(async (taskQueue) => {
      const start = await t.env.currentTimeMs();
      const input = liveDeliveryInput('participant-no-show', start, { callRetryMinutes: 60 });
      const h = await t.start(liveDelivery, { taskQueue, workflowId: `obs-${input.booking.id}`, args: [input] });
      const cutoffAt = new Date(start + 30 * MIN).toISOString();
      const send = (event: LiveDeliveryEvent) => h.executeUpdate(eventUpdate, { args: [event], updateId: `${event.type}:${event.actor}:obs` });

      await sleepUntil(start + 2.5 * MIN);
      // Current details: status, what it waits for, the cutoff in the session's zone (America/Chicago in the fixture).
      let details = (await metadata(h)).currentDetails ?? '';
      expect(details).toMatch(/^\*\*awaiting-participants\*\*, waiting for participants-arrived/);
      expect(details).toContain('Participants by session start + 30 minutes');
      expect(details).toMatch(/- \w{3} \d+ \w{3}, \d\d:\d\d (GMT-[56]|CST|CDT): Participants by session start \+ 30 minutes/);
      expect(details).not.toContain('Z:');

      // The next deadline is a search attribute (the list API and the Web UI's list read it).
      let described = await h.describe();
      expect(described.typedSearchAttributes.get(nextDeadlineKey)?.toISOString()).toBe(cutoffAt);

      const historyBefore = (await h.fetchHistory()).events!.length;
      await send({ type: 'client-unreachable', actor: 'desk-agent' });
      await sleepUntil(start + 6.5 * MIN);
      await send({ type: 'client-reached', actor: 'desk-agent', participants: 'still-expected' });
      await h.query(stateQuery); // the work those events queued has been scheduled
      details = (await metadata(h)).currentDetails ?? '';
      expect(details).toContain('Client reached: still-expected');
      expect(details).toContain("desk: Check our session time and link against the client's");
      const historyAfterEvents = (await h.fetchHistory()).events!;

      await sleepUntil(start + 31 * MIN);
      const final = await h.result();
      expect(final.outcome).toBe('cancelled-no-show');
      const events = (await h.fetchHistory()).events!;

      // Item 3: the cutoff is one timer for its whole life: started once, never cancelled, fired once.
      const cutoffTimers = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED && summaryOf(e) === 'Participants by session start + 30 minutes');
      expect(cutoffTimers).toHaveLength(1);
      const cutoffId = cutoffTimers[0]!.timerStartedEventAttributes!.timerId;
      expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED && e.timerCanceledEventAttributes?.timerId === cutoffId)).toEqual([]);
      expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && e.timerFiredEventAttributes?.timerId === cutoffId)).toHaveLength(1);
      // Per event: the cutoff's timer is left alone (the old wait cancelled and restarted it: two more
      // events per event). The only timer the two events touch is the call task's: the client was
      // reached, so "ask again" is cancelled.
      const timerSummary = new Map(
        events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED).map((e) => [e.timerStartedEventAttributes!.timerId, summaryOf(e)]),
      );
      const timerId = (e: HistoryEvent) => e.timerStartedEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
      const touched = historyAfterEvents
        .slice(historyBefore)
        .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED || e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED)
        .map((e) => `${e.eventType === EventType.EVENT_TYPE_TIMER_STARTED ? 'started' : 'cancelled'}: ${timerSummary.get(timerId(e)!)}`);
      expect(touched).toEqual(['cancelled: Phone Dana Client on +1 555 0199: ask again']);

      // Item 1: every activity names its step and target.
      const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
      expect(scheduled.length).toBeGreaterThanOrEqual(5);
      const summaries = scheduled.map(summaryOf);
      expect(summaries.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
      expect(summaries).toContain("Slack 'alert' to #bookings-emergencies");
      expect(summaries).toContain("Slack 'call-client-1' to #bookings-emergencies (thread)");
      expect(summaries).toContainEqual(expect.stringMatching(/^Email 'client-email-participant-no-show' \(template participant-no-show, en\) to Dana Client, cc booking-owner, portfolio-team-lead$/));
      expect(summaries).toContain("Slack update 'mark-resolved' of the message in C0BOOKEMERG");

      // Item 2 (on main): the update's history row carries the event type and actor.
      const accepted = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
      expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId)).toEqual([
        'client-unreachable:desk-agent:obs',
        'client-reached:desk-agent:obs',
      ]);

      // After the outcome: no deadline pending, the attribute is unset, the details say the outcome.
      described = await h.describe();
      expect(described.typedSearchAttributes.get(statusKey)).toBe('cancelled');
      expect(described.typedSearchAttributes.get(nextDeadlineKey)).toBeUndefined();
    });
  });

  it('describes the state and run-state queries, the event update and the event signal (item 6)', async () => {
    await t.withWorker(async (taskQueue) => {
      const input = liveDeliveryInput('facilitator-no-show', (await t.env.currentTimeMs()) + 60 * MIN);
      const h = await t.start(liveDelivery, { taskQueue, workflowId: `obs-meta-${input.booking.id}`, args: [input] });
      const { definition } = await metadata(h);
      const described = (defs: { name?: string; description?: string }[] | undefined) =>
        Object.fromEntries((defs ?? []).map((d) => [d.name, d.description ?? '']));
      expect(described(definition?.queryDefinitions).state).toMatch(/whole escalation/);
      expect(described(definition?.queryDefinitions)['run-state']).toMatch(/\{ runId, state \}/);
      expect(described(definition?.updateDefinitions).event).toMatch(/Delivers an event/);
      expect(described(definition?.signalDefinitions)['event-signal']).toMatch(/Fire-and-forget/);
    });
  });
});
