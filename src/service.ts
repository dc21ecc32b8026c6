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
import { Outbox } from './stand-ins/outbox.js';
import { startSendGridStandIn } from './stand-ins/sendgrid.js';
import { startSlackStandIn } from './stand-ins/slack.js';
import { startTicketTargetStandIn } from './stand-ins/ticket-target.js';
import { startCaseTargetStandIn, type CaseTargetStandIn } from './stand-ins/case-target.js';
import { findTemporalBinary, missingBinaryHelp } from './temporal/binaries.js';
import { connectionOptions } from './temporal/connection.js';
import { startDevServer, type DevServer } from './temporal/dev-server.js';
import { ensureSearchAttributes } from './temporal/search-attributes.js';
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
}

export interface RunningService {
  apiUrl: string;
  temporalAddress: string;
  uiUrl: string | undefined;
  outbox: Outbox | undefined;
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
        log,
      });
      cleanups.push(() => devServer!.stop());
      address = devServer.address;
    }
    const connOpts = await connectionOptions(config.temporal, address);
    const connection = await Connection.connect(connOpts);
    cleanups.push(() => connection.close());
    if (!devServer) await ensureSearchAttributes(connection, config.temporal.namespace, log);
    const client = new Client({ connection, namespace: config.temporal.namespace });

    // Slack and SendGrid: the real APIs when credentials are set, the local stand-ins otherwise.
    let outbox: Outbox | undefined;
    const providers: ProviderSettings = {
      slack: { token: env.SLACK_BOT_TOKEN ?? '', apiUrl: env.SLACK_API_URL },
      sendgrid: { apiKey: env.SENDGRID_API_KEY ?? '', apiUrl: env.SENDGRID_API_URL },
    };
    if (!env.SLACK_BOT_TOKEN || !env.SENDGRID_API_KEY) outbox = new Outbox();
    if (!env.SLACK_BOT_TOKEN) {
      const token = 'xoxb-local-stand-in';
      const d = config.directory.data;
      const slack = await startSlackStandIn({
        token,
        outbox: outbox!,
        channels: Object.values(d.channels).map((c, i) => ({ id: c.id ?? `C0LOCAL${i}`, name: c.name })),
        users: Object.values(d.people).flatMap((p) => (p.slackUserId ? [{ id: p.slackUserId, name: p.name }] : [])),
        userGroups: Object.values(d.groups).flatMap((g) => (g.slackUserGroupId ? [{ id: g.slackUserGroupId, handle: g.name }] : [])),
      });
      cleanups.push(() => slack.close());
      providers.slack = { token, apiUrl: slack.url };
    }
    if (env.TICKET_TARGET_URL) {
      providers.tickets = { url: env.TICKET_TARGET_URL, token: env.TICKET_TARGET_TOKEN };
    } else {
      const token = 'local-ticket-token';
      const tickets = await startTicketTargetStandIn({ token });
      cleanups.push(() => tickets.close());
      providers.tickets = { url: tickets.url, token };
    }
    // Escalation cases: the CRM's webhook when CASE_TARGET_URL is set, the local stand-in otherwise.
    let caseTarget: CaseTargetStandIn | undefined;
    if (env.CASE_TARGET_URL) {
      providers.caseTarget = { url: env.CASE_TARGET_URL, token: env.CASE_TARGET_TOKEN };
    } else {
      const token = 'local-case-token';
      const cases = await startCaseTargetStandIn({ token });
      cleanups.push(() => cases.close());
      caseTarget = cases;
      providers.caseTarget = { url: cases.url, token };
    }
    if (!env.SENDGRID_API_KEY) {
      const apiKey = 'SG.local-stand-in';
      const sendgrid = await startSendGridStandIn({ apiKey, outbox: outbox! });
      cleanups.push(() => sendgrid.close());
      providers.sendgrid = { apiKey, apiUrl: sendgrid.url };
    }

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
      caseTarget,
      app,
      client,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
