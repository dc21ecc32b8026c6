// How workflow code reads an activity's failure: the reason people see on the timeline, and whether
// trying again later could help.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The activity's own message (not Temporal's "Activity task failed" wrapper). */
export function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  if (err instanceof ApplicationFailure) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** A failure Temporal did not retry (the target refused): retrying later would not help either. */
export function isPermanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}
