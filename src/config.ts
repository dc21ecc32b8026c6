// One validated configuration shared by the API, the worker and the embedded default.
// Everything comes from the environment (secrets included); people and channels come from the
// directory file it names. A missing or malformed value stops start-up with a message naming it.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { convertEnvText } from './number-text.js';
import { fieldMessage } from './http/schema-errors.js';
import { loadDirectory, type Directory } from './directory.js';
import { checkDirectoryForPlaybooks } from './directory-check.js';
import { checkPlaybookSettings, playbooks, readPlaybookSettings, type AllPlaybookSettings } from './playbooks.js';
import { parseWeeklyTime, type WeeklyTime } from '../workflows/kit/calendar.js';
import { loadTemporalConnectConfig, TemporalSettingsError, type TemporalConnectConfig } from './temporal/connection.js';
import type { ContractSettings } from '../workflows/kit/schemas/index.js';
import { CodecKeyError, payloadCodecFrom, type AesGcmPayloadCodec } from './temporal/codec.js';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });
// Temporal's reading of a boolean variable: '1' and 'true' are true.
const Bool = Type.Union(['true', 'false', '1', '0'].map((v) => Type.Literal(v)));

/** Every environment variable the project reads. docker-compose.yml may use only these. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  PUBLIC_URL: Type.Optional(Type.String({ format: 'uri' })),
  DATA_DIR: Type.String({ default: '.data', minLength: 1 }),
  DIRECTORY_FILE: Type.String({ default: 'config/directory.example.yaml', minLength: 1 }),

  // Temporal, with Temporal's standard names (read through @temporalio/envconfig, which also reads
  // the profile file named by TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE). No address from either means
  // "run the embedded dev server" for `npm start`.
  TEMPORAL_ADDRESS: Type.Optional(Type.String({ pattern: '^[^\\s:]+:\\d+$' })),
  TEMPORAL_NAMESPACE: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'escalations', minLength: 1 }),
  TEMPORAL_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS: Type.Optional(Bool),
  TEMPORAL_TLS_CLIENT_CERT_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_CLIENT_KEY_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_CLIENT_CERT_DATA: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_CLIENT_KEY_DATA: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_SERVER_NAME: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_PROFILE: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_CONFIG_FILE: Type.Optional(Type.String({ minLength: 1 })),
  // Deprecated (0.2.0; removed in 0.3.0): the project's older names for TEMPORAL_TLS_CLIENT_CERT_PATH,
  // TEMPORAL_TLS_CLIENT_KEY_PATH and TEMPORAL_TLS_SERVER_CA_CERT_PATH (src/temporal/connection.ts).
  TEMPORAL_TLS_CERT_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_KEY_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_CA_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_DEV_PORT: Port,
  TEMPORAL_UI_PORT: Port,
  TEMPORAL_CLI_PATH: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TEST_SERVER_PATH: Type.Optional(Type.String({ minLength: 1 })),
  // Worker: how many escalations it keeps in memory between their workflow tasks (the sticky cache).
  // An escalation out of the cache is replayed from its history at its next task. 400 keeps the worker
  // process (two workflow threads, below) under 1 GiB RSS with 10,000 escalations in flight (903-935 MiB
  // in three runs; 500 reached 1,007 MiB with two threads, 856-894 MiB with one), with the worker's 512 MiB
  // V8 heap limit (package.json, docker-compose.yml). See the README's Performance section.
  TEMPORAL_MAX_CACHED_WORKFLOWS: Type.Integer({ minimum: 0, maximum: 100_000, default: 400 }),
  // Worker: threads that run workflow code (the SDK's workflowThreadPoolSize). A second thread lets a
  // deadline's workflow task run while another escalation is replayed from its history: with 10,000
  // pending on one worker, the slowest of 20 deadlines reached the stand-in in 107-280 ms with two
  // threads (four runs) and 267-621 ms with one (three). Each thread holds its own V8 isolate (about
  // 60 MiB idle). Unset: 2 in the worker process (src/worker-main.ts), the SDK's 1 in `npm start`'s
  // all-in-one process.
  TEMPORAL_WORKFLOW_THREADS: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),

  // Slack and SendGrid: unset credentials mean "use the local stand-ins" on the embedded default.
  SLACK_BOT_TOKEN: Type.Optional(Type.String({ pattern: '^xox[a-z]-' })),
  SLACK_API_URL: Type.Optional(Type.String({ format: 'uri' })),
  SLACK_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 8 })),
  // Who may call the API (src/auth): API keys by hash, and/or OIDC bearer tokens. Required everywhere
  // but on the embedded default, which makes a local key when neither is set.
  API_KEYS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_ISSUER: Type.Optional(Type.String({ format: 'uri' })),
  OIDC_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_JWKS_URL: Type.Optional(Type.String({ format: 'uri' })),
  OIDC_PERSON_CLAIM: Type.String({ default: 'email', minLength: 1 }),
  /** Requests per minute per credential (API key, token subject, Slack user). */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 300 }),
  /** account-escalation: a team lead may skip finance approval for an offer lowering MRR by at most this much. */
  FINANCE_SKIP_LIMIT_PERCENT: Type.Number({ minimum: 0, maximum: 100, default: 10 }),
  SENDGRID_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  SENDGRID_API_URL: Type.Optional(Type.String({ format: 'uri' })),
  // Service-recovery tickets: unset URL means "use the local stand-in" on the embedded default.
  TICKET_TARGET_URL: Type.Optional(Type.String({ format: 'uri' })),
  TICKET_TARGET_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  // Escalation cases (account-escalation): the CRM's case webhook; unset URL means "use the local
  // stand-in" on the embedded default.
  CASE_TARGET_URL: Type.Optional(Type.String({ format: 'uri' })),
  CASE_TARGET_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  // The technical-cases tracking list (tech-incident): every report is written to it through this
  // webhook; unset URL means "use the local stand-in" on the embedded default.
  TRACKING_TARGET_URL: Type.Optional(Type.String({ format: 'uri' })),
  TRACKING_TARGET_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  // The weekly finance meeting where rejected offers are renegotiated: "<MON..SUN> <HH:MM> <IANA zone>".
  FINANCE_MEETING: Type.String({ default: 'TUE 15:00 Europe/Berlin', minLength: 1 }),

  // API contract: the plausible window of business dates (a session up to 30 days back and a year
  // ahead), the schemes of clickable links, and how long a request waits for a worker.
  BUSINESS_DATE_PAST_DAYS: Type.Integer({ minimum: 0, maximum: 3650, default: 30 }),
  BUSINESS_DATE_FUTURE_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
  LINK_SCHEMES: Type.Union([Type.Literal('https'), Type.Literal('https,http')], { default: 'https' }),
  API_WORKER_WAIT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  // `npm run stand-ins`: where the local stand-ins listen (outbox page on the port, then Slack,
  // SendGrid, tickets, cases on the next four; 0 = free ports).
  STAND_INS_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  STAND_INS_PORT: Type.Integer({ minimum: 0, maximum: 65530, default: 3100 }),

  // Observability: the worker's Prometheus endpoint (the Temporal SDK's runtime telemetry), `none` for none.
  WORKER_METRICS_ADDRESS: Type.String({ default: '127.0.0.1:9464', pattern: '^(none|[^\\s:]+:\\d+)$' }),

  // Data protection: payload encryption keys (`<key id>=<base64 of 32 bytes>`, comma-separated; the
  // first encrypts, all decrypt) and the Web UI origins allowed to call the codec endpoint.
  PAYLOAD_CODEC_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  // Default: the Web UI's own origin, from TEMPORAL_UI_PORT (http://127.0.0.1:<port>,http://localhost:<port>).
  CODEC_CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
});
export type Env = Static<typeof EnvSchema>;

const defaults: Record<string, string> = {
  TEMPORAL_DEV_PORT: '7233',
  TEMPORAL_UI_PORT: '8233',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; unknown variables are ignored, known ones must be well-formed. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.keys(EnvSchema.properties);
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = source[key] ?? defaults[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(EnvSchema, convertEnvText(EnvSchema, raw));
  const errors = Value.Errors(EnvSchema, withDefaults);
  if (errors.length > 0) {
    // One line per variable: a choice of values (a union of literals) is said once, with its values.
    const byName = new Map<string, typeof errors>();
    for (const e of errors) {
      const name = e.instancePath.replace(/^\//, '') || String((e.params as { requiredProperties?: string[] }).requiredProperties ?? '');
      byName.set(name, [...(byName.get(name) ?? []), e]);
    }
    const lines = [...byName].map(([name, list]) => `  ${name}: ${fieldMessage(list) ?? 'is invalid'} (got ${JSON.stringify(raw[name] ?? null)})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return withDefaults as Env;
}

/**
 * CODEC_CORS_ORIGINS, split; unset, the origins of the Web UI this configuration serves
 * (TEMPORAL_UI_PORT on 127.0.0.1 and localhost), so moving the UI port moves the codec's CORS too.
 */
export function codecCorsOrigins(env: Pick<Env, 'CODEC_CORS_ORIGINS' | 'TEMPORAL_UI_PORT'>): string[] {
  const value = env.CODEC_CORS_ORIGINS ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT},http://localhost:${env.TEMPORAL_UI_PORT}`;
  return value.split(',').map((o) => o.trim()).filter((o) => o !== '');
}

export interface Config {
  env: Env;
  /** Each playbook's deployment settings (its own environment variables, e.g. TECH_INCIDENT_CRITICAL_ABOVE), by playbook name. */
  playbookSettings: AllPlaybookSettings;
  /**
   * True for `npm start` with nothing real configured: embedded Temporal dev server and local
   * stand-ins, not NODE_ENV=production. Only then may the API run without configured auth (it makes
   * a local key), and only then are the /dev routes served.
   */
  embedded: boolean;
  directory: Directory;
  /** FINANCE_MEETING, parsed. */
  financeMeeting: WeeklyTime;
  api: ApiSettings;
  /** The payload codec for PAYLOAD_CODEC_KEYS (client, worker, codec endpoint); undefined: payloads in the clear. */
  codec: AesGcmPayloadCodec | undefined;
  /** CODEC_CORS_ORIGINS, split. */
  codecCorsOrigins: string[];
  temporal: {
    /** From TEMPORAL_ADDRESS or the Temporal profile; undefined: start the embedded dev server (npm start only). */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    /** TLS, API key and gRPC metadata for Connection / NativeConnection (see src/temporal/connection.ts). */
    connection: TemporalConnectConfig['connection'];
    /** TEMPORAL_MAX_CACHED_WORKFLOWS: the worker's workflow cache, in escalations. */
    maxCachedWorkflows: number;
    /** TEMPORAL_WORKFLOW_THREADS: threads running workflow code in the worker; undefined: the entry point's default. */
    workflowThreads?: number | undefined;
  };
  /** Deprecated settings in use, one line each; the entry points log them as warnings. */
  deprecations: string[];
}

/** No Temporal cluster, no real Slack or SendGrid, not production: the `npm start` sandbox. */
export function isEmbeddedDefault(env: Env): boolean {
  return !env.TEMPORAL_ADDRESS && env.NODE_ENV !== 'production' && !env.SLACK_BOT_TOKEN && !env.SENDGRID_API_KEY;
}

/** What the HTTP API needs beyond Temporal: the contract's windows and the wait for a worker. */
export interface ApiSettings {
  contract: ContractSettings;
  /** How long an event or a state read waits for a worker before answering 503 with Retry-After. */
  workerWaitMs: number;
}

export async function loadConfig(source: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const env = parseEnv(source);
  let temporal: TemporalConnectConfig;
  try {
    temporal = loadTemporalConnectConfig(source);
  } catch (err) {
    if (err instanceof TemporalSettingsError) throw new ConfigError(`invalid configuration:\n  ${err.message}`);
    throw err;
  }
  if (Boolean(env.OIDC_ISSUER) !== Boolean(env.OIDC_AUDIENCE)) {
    throw new ConfigError('invalid configuration:\n  OIDC_ISSUER and OIDC_AUDIENCE must be set together');
  }
  let financeMeeting: WeeklyTime;
  try {
    financeMeeting = parseWeeklyTime(env.FINANCE_MEETING);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  FINANCE_MEETING: ${(err as Error).message}`);
  }
  let codec: AesGcmPayloadCodec | undefined;
  try {
    codec = payloadCodecFrom(env.PAYLOAD_CODEC_KEYS);
  } catch (err) {
    if (!(err instanceof CodecKeyError)) throw err;
    throw new ConfigError(`invalid configuration:\n  PAYLOAD_CODEC_KEYS: ${err.message}`);
  }
  const read = readPlaybookSettings(source);
  if (read.problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${read.problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
  const directory = await loadDirectory(env.DIRECTORY_FILE);
  // Every channel and group a playbook refers to is there and can be tagged (fails naming the entry).
  checkDirectoryForPlaybooks(directory, Object.values(playbooks), env.DIRECTORY_FILE);
  checkPlaybookSettings(directory, env.DIRECTORY_FILE);
  return {
    env,
    playbookSettings: read.settings,
    embedded: isEmbeddedDefault(env),
    directory,
    financeMeeting,
    api: {
      contract: {
        businessPastDays: env.BUSINESS_DATE_PAST_DAYS,
        businessFutureDays: env.BUSINESS_DATE_FUTURE_DAYS,
        linkSchemes: env.LINK_SCHEMES === 'https,http' ? ['https', 'http'] : ['https'],
      },
      workerWaitMs: env.API_WORKER_WAIT_MS,
    },
    codec,
    codecCorsOrigins: codecCorsOrigins(env),
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      connection: temporal.connection,
      maxCachedWorkflows: env.TEMPORAL_MAX_CACHED_WORKFLOWS,
      ...(env.TEMPORAL_WORKFLOW_THREADS !== undefined && { workflowThreads: env.TEMPORAL_WORKFLOW_THREADS }),
    },
    deprecations: temporal.deprecations,
  };
}
