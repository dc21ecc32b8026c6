// Every error the Temporal client can raise, as the HTTP answer the API documents (issue 13 item 4):
//   404 not-found            the workflow (or namespace entry) does not exist
//   409 escalation-closed    (mapped by the caller where it knows the context)
//   503 no-worker            an update or query found no worker within the wait (Retry-After)
//   503 escalation-stalled   the escalation's workflow task is failing (FAILED_PRECONDITION, or
//                            no answer while its task attempt is above 1): it takes no events
//                            until operators fix the cause (logged as an error)
//   503 temporal-unavailable Temporal refused or could not be reached (Retry-After)
//   504 temporal-timeout     Temporal did not answer a read or a start in time
//   400 rejected-by-temporal Temporal refused the request's values (INVALID_ARGUMENT)
// Anything else is not a Temporal error and stays a 500 (a bug, logged).
import {
  isGrpcServiceError,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { HttpProblem, problems, RETRY_AFTER_SECONDS } from '../problem.js';

/** gRPC status codes (fixed by the gRPC spec) the Temporal client reports. */
const GrpcStatus = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
} as const;
const grpcName = (code: number) =>
  [
    'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
    'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
    'UNAUTHENTICATED',
  ][code] ?? String(code);

/** What the request was doing: waiting for a worker (update, query) or talking to Temporal only. */
export type TemporalCall = 'worker' | 'server';

export interface MapContext {
  /** The escalation the call was about, for the messages. */
  id?: string;
  call: TemporalCall;
  /** Seconds the API waited for a worker (no-worker answers). */
  waitedMs?: number;
  /** An event's idempotency key, returned with no-worker so the client can retry safely. */
  idempotencyKey?: string;
  /** The pending workflow task's attempt when the call began: above 1, the task has been failing. */
  workflowTaskAttempt?: number;
}

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return grpcCode(err.cause);
  if (err instanceof QueryNotRegisteredError) return err.code;
  return undefined;
}

const retry = (seconds: number) => ({ 'retry-after': String(seconds) });

function stalled(ctx: MapContext, cause: unknown): HttpProblem {
  const what = ctx.id ? `escalation '${ctx.id}'` : 'the escalation';
  const attempt = ctx.workflowTaskAttempt && ctx.workflowTaskAttempt > 1 ? ` (workflow task attempt ${ctx.workflowTaskAttempt})` : '';
  return new HttpProblem(
    503,
    'escalation-stalled',
    'Escalation stalled',
    `${what} takes no events and answers no reads right now: its workflow task is failing${attempt}; the cause is in the worker's log`,
    { headers: retry(RETRY_AFTER_SECONDS.stalled), ...(ctx.idempotencyKey && { idempotencyKey: ctx.idempotencyKey }), cause },
  );
}

export function noWorker(ctx: MapContext, cause?: unknown): HttpProblem {
  if ((ctx.workflowTaskAttempt ?? 0) > 1) return stalled(ctx, cause);
  const what = ctx.id ? `escalation '${ctx.id}'` : 'the escalation';
  const waited = ctx.waitedMs !== undefined ? ` within ${ctx.waitedMs / 1000} s` : '';
  const retryHint = ctx.idempotencyKey
    ? ` The event may still be applied when a worker returns; retry with Idempotency-Key '${ctx.idempotencyKey}' and it applies once.`
    : '';
  return new HttpProblem(503, 'no-worker', 'No worker available', `no worker processed the request for ${what}${waited}.${retryHint}`, {
    headers: retry(RETRY_AFTER_SECONDS.worker),
    ...(ctx.idempotencyKey && { idempotencyKey: ctx.idempotencyKey }),
    cause,
  });
}

/** The HTTP problem for a Temporal client error, or undefined when `err` is not one. */
export function temporalProblem(err: unknown, ctx: MapContext): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  const what = ctx.id ? `escalation '${ctx.id}'` : 'the escalation';
  if (err instanceof WorkflowNotFoundError) return problems.notFound(`no escalation '${ctx.id ?? err.workflowId}'`);
  if (err instanceof NamespaceNotFoundError) return problems.unavailable(`Temporal has no namespace '${err.namespace}' (configuration)`, err);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return noWorker(ctx, err);
  if (err instanceof QueryNotRegisteredError) return stalled(ctx, err);
  const code = grpcCode(err);
  if (code === undefined) {
    // The SDK's connection errors (no server at the address, TLS) are plain Errors from grpc/core.
    if (err instanceof ServiceError) return problems.unavailable(`Temporal could not be reached: ${err.message}`, err);
    return undefined;
  }
  switch (code) {
    case GrpcStatus.NOT_FOUND:
      return problems.notFound(`no escalation '${ctx.id ?? ''}'`);
    case GrpcStatus.ALREADY_EXISTS:
      return problems.conflict('id-in-use', `${what} already exists`);
    case GrpcStatus.FAILED_PRECONDITION:
      return stalled(ctx, err);
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      if (ctx.call === 'worker') return noWorker(ctx, err);
      return new HttpProblem(504, 'temporal-timeout', 'Gateway timeout', `Temporal did not answer in time for ${what}`, { cause: err });
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return new HttpProblem(400, 'rejected-by-temporal', 'Invalid request', `Temporal refused the request: ${(err as Error).message}`);
    default:
      // UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN, UNAUTHENTICATED, PERMISSION_DENIED, ...
      return problems.unavailable(`Temporal could not serve the request (gRPC ${grpcName(code)})`, err);
  }
}

/** Runs a Temporal call and turns its errors into the documented problems. */
export async function mapTemporal<T>(ctx: MapContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw temporalProblem(err, ctx) ?? err;
  }
}
