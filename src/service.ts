// Assembles the whole service in one process: Temporal (the embedded dev server unless
// TEMPORAL_ADDRESS is set), the local Slack/SendGrid stand-ins unless real credentials are set,
// the worker and the API. `npm start` and the end-to-end tests both run exactly this.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { TemplateCatalog } from '../activities/email/templates.js';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import type { Outbox } from './stand-ins/outbox.js';
import type { CaseTargetStandIn } from './stand-ins/case-target.js';
import { standInsFile, startLocalStandIns, type LocalStandIns, type StandInName } from './stand-ins/local.js';
import { findTemporalBinary, missingBinaryHelp } from './temporal/binaries.js';
import { connectionOptions } from './temporal/connection.js';
import { startDevServer, type DevServer } from './temporal/dev-server.js';
import { ensureSearchAttributes } from './temporal/search-attributes.js';
import { dataConverterWith } from './temporal/codec.js';
import { createWorker, type ProviderSettings } from './worker.js';

export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** Embedded dev server: persist to this SQLite file (default DATA_DIR/temporal.sqlite); null = in memory. */
  dbFilename?: string | null;
  /** Web UI port for the embedded dev server; null = headless. */
  uiPort?: number | null;
  /** gRPC port for the embedded dev server. */
  temporalPort?: number;
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

    // Slack, SendGrid, tickets and CRM cases: the real ones when configured, the local stand-ins otherwise.
    const local: StandInName[] = [];
    if (!env.SLACK_BOT_TOKEN) local.push('slack');
    if (!env.SENDGRID_API_KEY) local.push('sendgrid');
    if (!env.TICKET_TARGET_URL) local.push('tickets');
    if (!env.CASE_TARGET_URL) local.push('cases');
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
    };
    const outbox = standIns?.outbox;

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
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    // API
    const app = await buildApp({
      client,
      taskQueue: config.temporal.taskQueue,
      directory: config.directory,
      templates,
      logger: log.child({ component: 'api' }),
      codec: config.codec,
      codecCorsOrigins: config.codecCorsOrigins,
      contract: config.api.contract,
      workerWaitMs: config.api.workerWaitMs,
      ...(outbox && { extraRoutes: (a: FastifyInstance) => a.register(devOutboxRoutes, { outbox: outbox! }) }),
    });
    cleanups.push(() => app.close());
    await app.listen({ host: env.HOST, port: env.PORT });
    const { port } = app.server.address() as { port: number };

    return {
      apiUrl: `http://${env.HOST}:${port}`,
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
