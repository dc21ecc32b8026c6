// Deliberately incompatible edits of the playbooks, for the replay test: each sleeps before the real
// workflow's first command, which replay of an old history must reject.
import { sleep } from '@temporalio/workflow';
import { clientCall as currentClientCall } from '../../workflows/client-call/workflow.js';
import { liveDelivery as current } from '../../workflows/live-delivery/workflow.js';

export async function liveDelivery(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 minute');
  return current(...args);
}

export async function clientCall(...args: Parameters<typeof currentClientCall>): ReturnType<typeof currentClientCall> {
  await sleep('1 minute');
  return currentClientCall(...args);
}
