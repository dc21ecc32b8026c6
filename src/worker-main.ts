// `npm run worker`: the Temporal worker alone, against TEMPORAL_ADDRESS with real Slack and SendGrid
// credentials. Run as many as the load needs; they share the task queue.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installTemporalRuntime } from './temporal/runtime.js';
import { connectionOptions } from './temporal/connection.js';
import { ensureSearchAttributes } from './temporal/search-attributes.js';
import { createWorker, WORKER_PROCESS_WORKFLOW_THREADS } from './worker.js';

async function main() {
  const config = await loadConfig();
  const { env } = config;
  const missing = [
    !config.temporal.address && 'TEMPORAL_ADDRESS (or a Temporal profile with an address)',
    !env.SLACK_BOT_TOKEN && 'SLACK_BOT_TOKEN',
    !env.SENDGRID_API_KEY && 'SENDGRID_API_KEY',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`invalid configuration:\n${missing.map((m) => `  ${m}: required when the worker runs on its own`).join('\n')}`);
  }
  const log = createLogger(env.LOG_LEVEL);
  for (const deprecation of config.deprecations) log.warn(deprecation);
  installTemporalRuntime(log, { metricsAddress: env.WORKER_METRICS_ADDRESS });
  const opts = await connectionOptions(config.temporal, config.temporal.address!);
  const admin = await Connection.connect(opts);
  await ensureSearchAttributes(admin, config.temporal.namespace, log);
  await admin.close();
  const connection = await NativeConnection.connect(opts);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    directory: config.directory,
    providers: {
      slack: { token: env.SLACK_BOT_TOKEN!, apiUrl: env.SLACK_API_URL },
      sendgrid: { apiKey: env.SENDGRID_API_KEY!, apiUrl: env.SENDGRID_API_URL },
      ...(env.TICKET_TARGET_URL && { tickets: { url: env.TICKET_TARGET_URL, token: env.TICKET_TARGET_TOKEN } }),
      ...(env.CASE_TARGET_URL && { caseTarget: { url: env.CASE_TARGET_URL, token: env.CASE_TARGET_TOKEN } }),
      ...(env.TRACKING_TARGET_URL && { tracking: { url: env.TRACKING_TARGET_URL, token: env.TRACKING_TARGET_TOKEN } }),
    },
    financeMeeting: config.financeMeeting,
    codec: config.codec,
    publicUrl: env.PUBLIC_URL,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    workflowThreads: config.temporal.workflowThreads ?? WORKER_PROCESS_WORKFLOW_THREADS,
  });
  // The SDK shuts the worker down on SIGINT/SIGTERM and lets running activities finish.
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`escalation-engine worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
