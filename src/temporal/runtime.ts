// The Temporal SDK's runtime, once per process, before any connection:
// - its log (worker state, webpack bundling, core warnings, and workflow and activity logs) goes
//   into pino, at warn and above unless LOG_LEVEL asks for more; lines about a workflow carry the
//   escalation id (the workflow id), its playbook and the workflow run id;
// - its metrics (the SDK's worker, workflow and activity metrics, and the escalation figures the
//   workflows and activities emit) are served for Prometheus at `metricsAddress`/metrics.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { playbookOf } from './observability.js';

const sdkLevel = (level: string): LogLevel =>
  level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : level === 'info' ? 'WARN' : level === 'silent' ? 'ERROR' : 'WARN';

export interface TemporalRuntimeOptions {
  /** `host:port` for the Prometheus endpoint (WORKER_METRICS_ADDRESS); undefined or `none`: no metrics. */
  metricsAddress?: string | undefined;
}

/** Workflow log lines name the workflow; say it in the project's terms too. */
function withEscalation(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta || typeof meta.workflowId !== 'string' || 'escalationId' in meta) return meta ?? {};
  return {
    ...meta,
    escalationId: meta.workflowId,
    playbook: playbookOf(typeof meta.workflowType === 'string' ? meta.workflowType : undefined),
    ...(typeof meta.runId === 'string' && { workflowRunId: meta.runId }),
  };
}

export function installTemporalRuntime(log: Logger, opts: TemporalRuntimeOptions = {}): void {
  const sdk = log.child({ component: 'temporal-sdk' });
  const metrics = opts.metricsAddress && opts.metricsAddress !== 'none' ? opts.metricsAddress : undefined;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel(log.level), ({ level, message, meta }) => {
      const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
      sdk[method](withEscalation(meta), message);
    }),
    ...(metrics && { telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } }),
  });
}
