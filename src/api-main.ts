// `npm run api`: the HTTP API alone, against the cluster at TEMPORAL_ADDRESS. Scale it out freely.
import closeWithGrace from 'close-with-grace';
import { Client, Connection } from '@temporalio/client';
import { TemplateCatalog } from '../activities/email/templates.js';
import { buildApp } from './app.js';
import { accessSettings, loadAuth } from './auth/settings.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { dataConverterWith } from './temporal/codec.js';
import { connectionOptions } from './temporal/connection.js';
import { createClients } from './worker.js';

async function main() {
  const config = await loadConfig();
  if (!config.temporal.address) throw new ConfigError('invalid configuration:\n  TEMPORAL_ADDRESS (or a Temporal profile with an address): required when the API runs on its own');
  const auth = await loadAuth(config);
  const log = createLogger(config.env.LOG_LEVEL);
  for (const deprecation of config.deprecations) log.warn(deprecation);
  const connection = await Connection.connect(await connectionOptions(config.temporal, config.temporal.address));
  const dataConverter = dataConverterWith(config.codec);
  const client = new Client({ connection, namespace: config.temporal.namespace, ...(dataConverter && { dataConverter }) });
  const templates = await TemplateCatalog.load();
  const { env } = config;
  const app = await buildApp({
    client,
    taskQueue: config.temporal.taskQueue,
    directory: config.directory,
    templates,
    logger: log,
    auth,
    access: accessSettings(config),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    // Slack interactivity answers through the bot token (chat.update, ephemeral messages, modals).
    ...(env.SLACK_BOT_TOKEN && { slack: createClients({ slack: { token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL }, sendgrid: { apiKey: env.SENDGRID_API_KEY ?? 'unused' } }).slack }),
    codec: config.codec,
    codecCorsOrigins: config.codecCorsOrigins,
    contract: config.api.contract,
    workerWaitMs: config.api.workerWaitMs,
  });
  await app.listen({ host: config.env.HOST, port: config.env.PORT });
  closeWithGrace({ delay: 20_000 }, async () => {
    await app.close();
    await connection.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`escalation-engine api: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
