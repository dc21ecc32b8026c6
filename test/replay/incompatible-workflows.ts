// A deliberately incompatible edit of live-delivery, for the replay test: it sleeps before the
// real workflow's first command, which replay of an old history must reject.
import { sleep } from '@temporalio/workflow';
import { liveDelivery as current } from '../../workflows/live-delivery/workflow.js';

export async function liveDelivery(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 minute');
  return current(...args);
}
