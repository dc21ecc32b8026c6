// The Temporal server of the topology: deploy/temporal/setup-schema.sh with the SQL tool, then
// `temporal-server start` reading deploy/temporal/server.yaml (the same file and version compose
// runs), then deploy/temporal/setup-namespace.sh for the namespace and the search attributes.
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ManagedProcess, waitFor } from './process.js';
import type { PostgresServer } from './postgres.js';
import { deployFiles, namespaceRetention, repoRoot, searchAttributesSetting, temporalServerSettings } from './settings.js';
import type { TopologyTools } from './tools.js';

/** The server's listening ports; membership ports must stay below 32768 (see ports.ts). */
export interface TemporalPorts {
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
}

/** Temporal's own defaults, as in deploy/temporal/server.yaml. */
export const standardTemporalPorts: TemporalPorts = {
  frontendGrpc: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  historyGrpc: 7234,
  historyMembership: 6934,
  matchingGrpc: 7235,
  matchingMembership: 6935,
  workerGrpc: 7239,
  workerMembership: 6939,
};

export interface TemporalServerOptions {
  tools: TopologyTools;
  postgres: PostgresServer;
  ports: TemporalPorts;
  namespace: string;
  logDir: string;
  /** Server log level (deploy/temporal/server.yaml's LOG_LEVEL). */
  logLevel?: string;
}

export class TemporalServer {
  readonly address: string;
  readonly namespace: string;
  readonly process: ManagedProcess;
  readonly #opts: TemporalServerOptions;

  constructor(opts: TemporalServerOptions) {
    this.#opts = opts;
    this.namespace = opts.namespace;
    this.address = `127.0.0.1:${opts.ports.frontendGrpc}`;
    const p = opts.ports;
    this.process = new ManagedProcess({
      name: 'temporal',
      command: opts.tools.server,
      args: ['start'],
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        ...this.#dbEnv(),
        ...temporalServerSettings,
        TEMPORAL_SERVER_CONFIG_FILE_PATH: deployFiles.serverConfig,
        DYNAMIC_CONFIG_FILE_PATH: deployFiles.dynamicConfig,
        BIND_ON_IP: '127.0.0.1',
        LOG_LEVEL: opts.logLevel ?? 'warn',
        FRONTEND_GRPC_PORT: String(p.frontendGrpc),
        FRONTEND_HTTP_PORT: String(p.frontendHttp),
        FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
        HISTORY_GRPC_PORT: String(p.historyGrpc),
        HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
        MATCHING_GRPC_PORT: String(p.matchingGrpc),
        MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
        WORKER_GRPC_PORT: String(p.workerGrpc),
        WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
      },
      logFile: join(opts.logDir, 'temporal.log'),
    });
  }

  #dbEnv() {
    const pg = this.#opts.postgres;
    return { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(pg.port), POSTGRES_USER: pg.user, POSTGRES_PWD: pg.password };
  }

  /** Creates the databases or brings their schemas up to date (idempotent). */
  async setupSchema(timeoutMs = 180_000): Promise<void> {
    await new ManagedProcess({
      name: 'setup-schema',
      command: 'sh',
      args: [deployFiles.setupSchema],
      env: { PATH: process.env.PATH, ...this.#dbEnv(), ...temporalServerSettings, TEMPORAL_SQL_TOOL: this.#opts.tools.sqlTool },
      logFile: join(this.#opts.logDir, 'setup-schema.log'),
    }).runToCompletion(timeoutMs);
  }

  /** Registers the namespace and the search attributes (idempotent); waits for the server's health first. */
  async setupNamespace(timeoutMs = 180_000): Promise<void> {
    await new ManagedProcess({
      name: 'setup-namespace',
      command: 'sh',
      args: [deployFiles.setupNamespace],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_CLI: this.#opts.tools.cli,
        TEMPORAL_ADDRESS: this.address,
        TEMPORAL_NAMESPACE: this.namespace,
        NAMESPACE_RETENTION: namespaceRetention,
        SEARCH_ATTRIBUTES: searchAttributesSetting(),
        HEALTH_ATTEMPTS: String(Math.ceil(timeoutMs / 1000)),
      },
      logFile: join(this.#opts.logDir, 'setup-namespace.log'),
    }).runToCompletion(timeoutMs);
  }

  async start(timeoutMs = 120_000): Promise<void> {
    this.process.start();
    await this.waitServing(timeoutMs);
  }

  /** Until the frontend answers for the namespace (history and matching included). */
  async waitServing(timeoutMs = 120_000): Promise<void> {
    await waitFor(
      `waiting for the Temporal server at ${this.address}`,
      async () => {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs, proc: this.process, intervalMs: 500 },
    );
  }

  /** `kill -9` (`hard`) or a graceful stop, then a start on the same ports and database. */
  async restart({ hard }: { hard: boolean }): Promise<void> {
    if (hard) await this.process.kill();
    else await this.process.stop();
    await this.start();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
