// A deliberately incompatible edit of live-delivery, for the replay test: it sleeps before the
// real workflow's first command, which replay of an old history must reject.
import { sleep } from '@temporalio/workflow';
import { liveDelivery as current } from '../../workflows/live-delivery/workflow.js';
import { gamedayIssue as currentIssue } from '../../workflows/gameday-issue/workflow.js';
import { gamedaySummary as currentSummary } from '../../workflows/gameday-issue/summary.js';

export async function liveDelivery(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 minute');
  return current(...args);
}

// The same kind of edit for gameday-issue and its summary.
export async function gamedayIssue(...args: Parameters<typeof currentIssue>): ReturnType<typeof currentIssue> {
  await sleep('1 minute');
  return currentIssue(...args);
}

export async function gamedaySummary(...args: Parameters<typeof currentSummary>): ReturnType<typeof currentSummary> {
  await sleep('1 minute');
  return currentSummary(...args);
}
