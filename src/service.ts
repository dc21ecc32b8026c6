// Assembles the whole service in one process: Temporal (the embedded dev server unless
// TEMPORAL_ADDRESS is set), the local Slack/SendGrid stand-ins unless real credentials are set,
// the worker and the API. `npm start` and the end-to-end tests both run exactly this.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { TemplateCatalog } from '../activities/email/templates.js';
import { buildApp } from './app.js';
import { accessSettings, loadAuth } from './auth/settings.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import type { Outbox } from './stand-ins/outbox.js';
import type { CaseTargetStandIn } from './stand-ins/case-target.js';
import { standInsFile, startLocalStandIns, type LocalStandIns, type StandInName } from './stand-ins/local.js';
import type { SlackStandIn } from './stand-ins/slack.js';
import { findTemporalBinary, missingBinaryHelp } from './temporal/binaries.js';
import { connectionOptions } from './temporal/connection.js';
import { startDevServer, type DevServer } from './temporal/dev-server.js';
import { ensureSearchAttributes } from './temporal/search-attributes.js';
import { dataConverterWith } from './temporal/codec.js';
import { createClients, createWorker, type ProviderSettings } from './worker.js';

export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** Embedded dev server: persist to this SQLite file (default DATA_DIR/temporal.sqlite); null = in memory. */
  dbFilename?: string | null;
  /** Web UI port for the embedded dev server; null = headless. */
  uiPort?: number | null;
  /** gRPC port for the embedded dev server. */
  temporalPort?: number;
  /** Embedded default without configured auth: where the local API key is kept; null = in memory (tests). */
  localKeyFile?: string | null;
  /**
   * The local stand-ins' state file (default DATA_DIR/stand-ins.sqlite, so Slack threads, ticket and
   * case numbers survive a restart); null = in memory. Defaults to null when `dbFilename` is null.
   */
  standInsFile?: string | null;
}

export interface RunningService {
  apiUrl: string;
  temporalAddress: string;
  uiUrl: string | undefined;
  outbox: Outbox | undefined;
  /** The local stand-ins this process runs (for the parts without real credentials), if any. */
  standIns: LocalStandIns | undefined;
  /** The local case target when CASE_TARGET_URL is unset (its cases and notes can be looked at). */
  caseTarget: CaseTargetStandIn | undefined;
  /** The local Slack stand-in when SLACK_BOT_TOKEN is unset: it can press buttons and submit modals as a person. */
  slack: SlackStandIn | undefined;
  /** The embedded default's API key (every scope) when no auth is configured. */
  localApiKey: string | undefined;
  /** Where that key is kept (null: nowhere, in memory only). */
  localApiKeyFile: string | null | undefined;
  app: FastifyInstance;
  client: Client;
  close(): Promise<void>;
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { config, log } = opts;
  const { env } = config;
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => log.warn({ err }, 'error during shutdown'));
    }
  };

  // Auth first: a deployment without it must not start anything.
  const standInSecret = env.SLACK_BOT_TOKEN ? undefined : randomBytes(32).toString('hex');
  const auth = await loadAuth(config, {
    ...(opts.localKeyFile !== undefined && { localKeyFile: opts.localKeyFile }),
    ...(standInSecret && { slackSigningSecret: standInSecret }),
  });

  try {
    // Temporal
    let devServer: DevServer | undefined;
    let address = config.temporal.address;
    if (!address) {
      const executable = findTemporalBinary('cli');
      if (!executable) throw new Error(missingBinaryHelp('cli'));
      devServer = await startDevServer({
        executable,
        namespace: config.temporal.namespace,
        port: opts.temporalPort ?? env.TEMPORAL_DEV_PORT,
        ...(opts.uiPort !== null && { uiPort: opts.uiPort ?? env.TEMPORAL_UI_PORT }),
        ...(opts.dbFilename !== null && { dbFilename: opts.dbFilename ?? join(env.DATA_DIR, 'temporal.sqlite') }),
        // With encrypted payloads the Web UI decodes them through the API's codec endpoint.
        ...(config.codec && env.PORT !== 0 && { uiCodecEndpoint: `${env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`}/codec` }),
        log,
      });
      cleanups.push(() => devServer!.stop());
      address = devServer.address;
    }
    const connOpts = await connectionOptions(config.temporal, address);
    const connection = await Connection.connect(connOpts);
    cleanups.push(() => connection.close());
    if (!devServer) await ensureSearchAttributes(connection, config.temporal.namespace, log);
    const dataConverter = dataConverterWith(config.codec);
    const client = new Client({ connection, namespace: config.temporal.namespace, ...(dataConverter && { dataConverter }) });

    // Slack, SendGrid, tickets, CRM cases and the tracking list: the real ones when configured, the local stand-ins otherwise.
    const local: StandInName[] = [];
    if (!env.SLACK_BOT_TOKEN) local.push('slack');
    if (!env.SENDGRID_API_KEY) local.push('sendgrid');
    if (!env.TICKET_TARGET_URL) local.push('tickets');
    if (!env.CASE_TARGET_URL) local.push('cases');
    if (!env.TRACKING_TARGET_URL) local.push('tracking');
    let standIns: LocalStandIns | undefined;
    if (local.length > 0) {
      const file = opts.standInsFile !== undefined ? opts.standInsFile : opts.dbFilename === null ? null : standInsFile(env.DATA_DIR);
      standIns = await startLocalStandIns({ directory: config.directory, only: local, file });
      cleanups.push(() => standIns!.close());
    }
    const providerEnv = { ...env, ...standIns?.env };
    const providers: ProviderSettings = {
      slack: { token: providerEnv.SLACK_BOT_TOKEN ?? '', apiUrl: providerEnv.SLACK_API_URL },
      sendgrid: { apiKey: providerEnv.SENDGRID_API_KEY ?? '', apiUrl: providerEnv.SENDGRID_API_URL },
      ...(providerEnv.TICKET_TARGET_URL && { tickets: { url: providerEnv.TICKET_TARGET_URL, token: providerEnv.TICKET_TARGET_TOKEN } }),
      ...(providerEnv.CASE_TARGET_URL && { caseTarget: { url: providerEnv.CASE_TARGET_URL, token: providerEnv.CASE_TARGET_TOKEN } }),
      ...(providerEnv.TRACKING_TARGET_URL && { tracking: { url: providerEnv.TRACKING_TARGET_URL, token: providerEnv.TRACKING_TARGET_TOKEN } }),
    };
    const outbox = standIns?.outbox;
    const slack: SlackStandIn | undefined = standIns?.slack;

    // Worker
    const nativeConnection = await NativeConnection.connect(connOpts);
    cleanups.push(() => nativeConnection.close());
    const templates = await TemplateCatalog.load();
    const worker = await createWorker({
      templates,
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      directory: config.directory,
      providers,
      financeMeeting: config.financeMeeting,
      codec: config.codec,
      publicUrl: env.PUBLIC_URL,
      maxCachedWorkflows: config.temporal.maxCachedWorkflows,
      workflowThreads: config.temporal.workflowThreads,
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running; // resolves once the worker has drained: running activities finished, tasks handed back
      log.info('worker drained and stopped');
    });

    // API
    const app = await buildApp({
      client,
      taskQueue: config.temporal.taskQueue,
      directory: config.directory,
      playbookSettings: config.playbookSettings,
      templates,
      logger: log.child({ component: 'api' }),
      auth,
      access: accessSettings(config),
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      slack: createClients(providers).slack,
      codec: config.codec,
      codecCorsOrigins: config.codecCorsOrigins,
      codecLocalOnly: config.embedded,
      contract: config.api.contract,
      workerWaitMs: config.api.workerWaitMs,
      // /dev routes only on the embedded default: every provider is a local stand-in.
      ...(config.embedded && outbox && { extraRoutes: (a: FastifyInstance) => a.register(devOutboxRoutes, { outbox: outbox!, slack }) }),
    });
    cleanups.push(() => app.close());
    await app.listen({ host: env.HOST, port: env.PORT });
    const { port } = app.server.address() as { port: number };
    const apiUrl = `http://${env.HOST}:${port}`;
    slack?.connectApp({ interactivityUrl: `${apiUrl}/slack/interactions`, commandsUrl: `${apiUrl}/slack/commands`, signingSecret: auth.slackSigningSecret! });

    return {
      apiUrl,
      slack,
      localApiKey: auth.localKey?.key,
      localApiKeyFile: auth.localKey?.file,
      temporalAddress: address,
      uiUrl: devServer?.uiUrl,
      outbox,
      standIns,
      caseTarget: standIns?.cases,
      app,
      client,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
