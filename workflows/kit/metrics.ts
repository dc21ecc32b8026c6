// Escalation figures counted where they happen, from the timeline: deadlines that fired, steps that
// failed for good, outcomes. Through the SDK's workflow metric meter, which emits nothing while a
// workflow replays, so each is counted once however often its history is replayed; the worker's
// Prometheus endpoint exports them (as named here, tagged by the SDK with namespace, taskQueue and
// workflowType). Emitting a metric issues no command: workflow code stays deterministic.
import { metricMeter } from '@temporalio/workflow';
import type { TimelineEntry } from './state.js';

/** Counts what a timeline entry stands for. */
export function countTimelineEntry(playbook: string, entry: TimelineEntry): void {
  if (entry.kind.startsWith('deadline-')) {
    const deadline = typeof entry.data?.deadline === 'string' ? entry.data.deadline : entry.kind;
    metricMeter
      .createCounter('escalation_deadlines_fired', undefined, 'SOP deadlines that passed before what they waited for happened')
      .add(1, { playbook, deadline });
  } else if (entry.kind === 'step-failed') {
    metricMeter
      .createCounter('escalation_steps_failed', undefined, 'Notification steps that failed for good (recorded on the timeline; the escalation goes on)')
      .add(1, { playbook });
  } else if (entry.kind === 'outcome') {
    const outcome = typeof entry.data?.outcome === 'string' ? entry.data.outcome : 'unknown';
    metricMeter.createCounter('escalation_outcomes', undefined, 'Escalations that reached their outcome').add(1, { playbook, outcome });
  }
}
