// What the worker adds to the SDK's own logs and metrics, as activity interceptors:
// - every activity log line carries the escalation id (the workflow id), its playbook and the
//   workflow run id; every activity metric is tagged with the playbook;
// - each failed attempt of a side effect is counted by kind (`escalation_notification_failures`:
//   permanent / transient / rate_limited, per provider; the SDK adds activityType) and logged with that context;
// - a Slack post that fell back to the channel (its thread or message was gone) is counted too.
import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors, ActivityInterceptorsFactory } from '@temporalio/worker';
import { PERMANENT_DELIVERY_FAILURE, RATE_LIMITED } from '../../activities/failures.js';
import { playbooks } from '../playbooks.js';

const playbookByWorkflowType = new Map(Object.values(playbooks).map((p) => [p.workflowType, p.name]));

/** The playbook a workflow type runs (its name, e.g. `live-delivery`), or the type itself. */
export const playbookOf = (workflowType: string | undefined): string => playbookByWorkflowType.get(workflowType ?? '') ?? workflowType ?? 'unknown';

const PROVIDER_BY_ACTIVITY: Record<string, string> = {
  postSlackMessage: 'slack',
  updateSlackMessage: 'slack',
  createEscalationChannel: 'slack',
  sendTemplateEmail: 'sendgrid',
  raiseTicket: 'tickets',
  createEscalationCase: 'case-target',
  addCaseNote: 'case-target',
};

const RATE_LIMITED_TYPES = new Set<string>(Object.values(RATE_LIMITED));

export type FailureKind = 'permanent' | 'transient' | 'rate_limited';

/** How Temporal will treat a failed attempt: never retried, retried after the provider's delay, or with backoff. */
export function failureKind(err: unknown): FailureKind {
  if (err instanceof ApplicationFailure) {
    if (err.type === PERMANENT_DELIVERY_FAILURE || err.nonRetryable) return 'permanent';
    if (err.type && RATE_LIMITED_TYPES.has(err.type)) return 'rate_limited';
  }
  return 'transient';
}

function providerOf(activityType: string, err: unknown): string {
  const details = err instanceof ApplicationFailure ? (err.details?.[0] as { provider?: unknown } | undefined) : undefined;
  return typeof details?.provider === 'string' ? details.provider : (PROVIDER_BY_ACTIVITY[activityType] ?? 'other');
}

export const escalationActivityInterceptors: ActivityInterceptorsFactory = (ctx: ActivityContext): ActivityInterceptors => {
  const { info } = ctx;
  const playbook = playbookOf(info.workflowType);
  return {
    outbound: {
      getLogAttributes: (input, next) =>
        next({
          ...input,
          ...(info.workflowExecution && { escalationId: info.workflowExecution.workflowId, workflowRunId: info.workflowExecution.runId }),
          playbook,
        }),
      getMetricTags: (input, next) => next({ ...input, playbook }),
    },
    inbound: {
      async execute(input, next) {
        try {
          const result = await next(input);
          const fallback = (result as { fallback?: unknown } | undefined)?.fallback;
          if (typeof fallback === 'string') {
            ctx.metricMeter
              .createCounter('escalation_slack_fallbacks', undefined, 'Slack posts made in the channel because their thread or message was gone')
              .add(1, { reason: fallback });
          }
          return result;
        } catch (err) {
          const kind = failureKind(err);
          const provider = providerOf(info.activityType, err);
          ctx.metricMeter
            .createCounter('escalation_notification_failures', undefined, 'Failed attempts of side effects (Slack, email, tickets, CRM) by kind')
            .add(1, { kind, provider });
          ctx.log.warn(`${info.activityType} attempt ${info.attempt} failed (${kind})`, {
            kind,
            provider,
            attempt: info.attempt,
            error: err instanceof Error ? err.message : String(err),
          });
          throw err;
        }
      },
    },
  };
};
