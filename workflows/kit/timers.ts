// Timers the kit may cancel, and a `condition` with a timeout that never cancels a timer which may
// have fired.
//
// Cancelling a timer that has fired on the server during the very workflow task that cancels it (the
// TimerFired is buffered, not yet seen by the workflow) is fine on the real server, but the
// time-skipping test server refuses the whole task completion ("invalid history builder state for
// action", temporalio/sdk-java#2606): the task stays started for good, the escalation stops and the
// server's clock no longer skips for anything else. The SDK's `condition(fn, timeout)` does exactly
// that when `fn` comes true in the task in which its timer fires (a ladder's acknowledgement arriving
// at its timeout's instant), as does cancelling an agenda deadline's timer just before its instant.
//
// A timer can have fired before the task's completion is accepted only if its instant is within the
// task's life of the task's start (the workflow clock): the server refuses a completion after the
// workflow task timeout. So the kit cancels a timer only when its instant is more than
// `safeCancelMarginMs()` ahead (three task timeouts; 30 s with Temporal's default 10 s); a nearer one
// is left to fire, a no-op wakeup (a closed workflow drops it). Patch TIMERS_NEAR_FIRE.
import { CancellationScope, condition, patched, sleep, workflowInfo } from '@temporalio/workflow';

/** patched() id: a timer whose instant is within `safeCancelMarginMs()` of now is left to fire, never cancelled. */
export const TIMERS_NEAR_FIRE = 'kit-timers-near-fire';

/** Temporal's default workflow task timeout, in milliseconds (the floor of the margin). */
const DEFAULT_TASK_TIMEOUT_MS = 10_000;

/** How far ahead (ms) a timer's instant must be for it to be cancelled safely: three workflow task timeouts. */
export function safeCancelMarginMs(): number {
  return 3 * Math.max(workflowInfo().taskTimeoutMs || 0, DEFAULT_TASK_TIMEOUT_MS);
}

/**
 * True when the timer due at `atMs` (epoch ms) may be cancelled now: its instant is more than the
 * margin ahead, or (histories recorded before TIMERS_NEAR_FIRE) the workflow did cancel it then.
 * Consults the patch only for a near timer, so histories that never met one replay as recorded.
 */
export function mayCancelTimer(atMs: number): boolean {
  return atMs - Date.now() > safeCancelMarginMs() || !patched(TIMERS_NEAR_FIRE);
}

/**
 * `condition(fn, timeoutMs)`: true once `fn()` holds, false when `timeoutMs` (ms, > 0) passed first.
 * Issues the same commands as the SDK's (one timer, cancelled when `fn` comes true first) except that
 * a timer whose instant is near (see the top of the file) is left to fire instead of cancelled.
 */
export async function conditionOrTimeout(fn: () => boolean, timeoutMs: number, options?: { summary?: string }): Promise<boolean> {
  const at = Date.now() + timeoutMs;
  const timerScope = new CancellationScope();
  const timer = timerScope.run(() => sleep(timeoutMs, options));
  return CancellationScope.cancellable(async () => {
    try {
      return await Promise.race([timer.then(() => false), condition(fn).then(() => true)]);
    } finally {
      CancellationScope.current().cancel(); // the condition
      if (mayCancelTimer(at)) timerScope.cancel();
    }
  });
}
