// `npm start`: the whole service in one process on its embedded default (see src/service.ts).
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.js';
import { DirectoryError } from './directory.js';
import { createLogger } from './logger.js';
import { installTemporalRuntime } from './temporal/runtime.js';
import { startService } from './service.js';

async function main() {
  const config = await loadConfig();
  const log = createLogger(config.env.LOG_LEVEL);
  installTemporalRuntime(log);
  const service = await startService({ config, log });
  const lines = [
    `escalation-engine is running`,
    `  API          ${service.apiUrl}`,
    `  API docs     ${service.apiUrl}/docs`,
    `  Temporal     ${service.temporalAddress} (namespace ${config.temporal.namespace})`,
    ...(service.uiUrl ? [`  Web UI       ${service.uiUrl}/namespaces/${config.temporal.namespace}/workflows`] : []),
    ...(service.outbox ? [`  Outbox       ${service.apiUrl}/dev/outbox/view  (local Slack/SendGrid stand-ins; buttons clickable)`] : []),
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

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DirectoryError) {
    process.stderr.write(`escalation-engine: ${err.message}\n`);
  } else {
    process.stderr.write(`escalation-engine failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
