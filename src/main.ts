// `npm start`: the whole service in one process on its embedded default (see src/service.ts).
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.js';
import { DirectoryError } from './directory.js';
import { createLogger } from './logger.js';
import { installTemporalRuntime } from './temporal/runtime.js';
import { startService, type RunningService } from './service.js';

async function main() {
  const config = await loadConfig();
  const log = createLogger(config.env.LOG_LEVEL);
  for (const deprecation of config.deprecations) log.warn(deprecation);
  installTemporalRuntime(log, { metricsAddress: config.env.WORKER_METRICS_ADDRESS });
  const service = await startService({ config, log });
  const workerMetrics = config.env.WORKER_METRICS_ADDRESS === 'none' ? undefined : config.env.WORKER_METRICS_ADDRESS;
  const lines = [
    `escalation-engine is running`,
    `  API          ${service.apiUrl}`,
    `  API docs     ${service.apiUrl}/docs`,
    `  Temporal     ${service.temporalAddress} (namespace ${config.temporal.namespace})`,
    ...(service.uiUrl ? [`  Web UI       ${service.uiUrl}/namespaces/${config.temporal.namespace}/workflows`] : []),
    `  Metrics      ${service.apiUrl}/metrics (API)${workerMetrics ? `, http://${workerMetrics}/metrics (worker)` : ''}`,
    ...(config.codec ? [`  Payloads     encrypted (key ${config.codec.keyId}); codec endpoint ${service.apiUrl}/codec`] : []),
    ...(service.outbox ? [`  Outbox       ${service.apiUrl}/dev/outbox/view  (act as a Slack user: buttons, /escalate, forms)`] : []),
    ...standInLines(service),
    ...(service.localApiKey
      ? [`  API key      ${service.localApiKey}  (local, every scope${service.localApiKeyFile ? `; kept in ${service.localApiKeyFile}` : ''})`]
      : []),
    `Ctrl-C stops it.`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await service.close();
  });
}

/** Where the in-process stand-ins listen, for anyone who wants to point another process at them. */
function standInLines({ standIns }: RunningService): string[] {
  if (!standIns) return [];
  const parts: [string, string | undefined][] = [
    ['Slack', standIns.slack?.url],
    ['SendGrid', standIns.sendgrid?.url],
    ['Tickets', standIns.tickets?.url],
    ['CRM cases', standIns.cases?.url],
  ];
  return [
    `  Stand-ins    (state: ${standIns.file ?? 'in memory'})`,
    ...parts.flatMap(([name, url]) => (url ? [`    ${name.padEnd(11)}${url}`] : [])),
  ];
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DirectoryError) {
    process.stderr.write(`escalation-engine: ${err.message}\n`);
  } else {
    process.stderr.write(`escalation-engine failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
