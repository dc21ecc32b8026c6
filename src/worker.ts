// The Temporal worker: the playbook workflows plus the activities with their real clients.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Client as SendGridClient } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { WebClient } from '@slack/web-api';
import { createActivities } from '../activities/index.js';
import { TemplateCatalog } from '../activities/email/templates.js';
import type { TicketTarget } from '../activities/tickets.js';
import type { CaseTargetSettings } from '../activities/case-target.js';
import type { TrackingTarget } from '../activities/tracking.js';
import type { PayloadCodec } from '@temporalio/common';
import type { WeeklyTime } from '../workflows/kit/calendar.js';
import type { Directory } from './directory.js';
import { dataConverterWith } from './temporal/codec.js';
import { escalationActivityInterceptors } from './temporal/observability.js';
import { cachedWorkflowBundle } from './temporal/workflow-bundle.js';

/** workflows/index.ts when run from source (tsx, tests), the compiled .js in a build. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

export interface ProviderSettings {
  slack: { token: string; apiUrl?: string | undefined };
  sendgrid: { apiKey: string; apiUrl?: string | undefined };
  /** Where service-recovery tickets go; unset: raising one is a permanent failure on the timeline. */
  tickets?: TicketTarget | undefined;
  /** The CRM's escalation-case webhook (CASE_TARGET_URL); unset: creating a case is a permanent failure on the timeline. */
  caseTarget?: CaseTargetSettings | undefined;
  /** The technical-cases tracking list (TRACKING_TARGET_URL); unset: adding a row is a permanent failure on the timeline. */
  tracking?: TrackingTarget | undefined;
}

/** The real clients, with their own retries off: Temporal owns retries. */
export function createClients(settings: ProviderSettings) {
  const slack = new WebClient(settings.slack.token, {
    ...(settings.slack.apiUrl && { slackApiUrl: settings.slack.apiUrl }),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 20_000,
  });
  const sendgrid = new SendGridClient();
  sendgrid.setApiKey(settings.sendgrid.apiKey);
  // setApiKey resets the base URL, so point it elsewhere afterwards.
  if (settings.sendgrid.apiUrl) sendgrid.setDefaultRequest('baseUrl', settings.sendgrid.apiUrl);
  const mail = new MailService();
  mail.setClient(sendgrid);
  mail.setTimeout(20_000);
  return { slack, mail };
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  directory: Directory;
  providers: ProviderSettings;
  /** Prebuilt bundle; default: the cached bundle of workflows/ (built once per version of the code). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  templates?: TemplateCatalog;
  /** The weekly finance meeting (FINANCE_MEETING); default Tuesdays 15:00 Europe/Berlin. */
  financeMeeting?: WeeklyTime | undefined;
  /** Encrypts payloads (PAYLOAD_CODEC_KEYS); must match the clients'. */
  codec?: PayloadCodec | undefined;
  /** The API's public URL (PUBLIC_URL), linked from Slack fallback posts. */
  publicUrl?: string | undefined;
  /** Escalations kept in memory between workflow tasks (TEMPORAL_MAX_CACHED_WORKFLOWS); unset: the SDK's default. */
  maxCachedWorkflows?: number | undefined;
  /** Threads running workflow code (TEMPORAL_WORKFLOW_THREADS); unset: the SDK's default (1, with its reused V8 context). */
  workflowThreads?: number | undefined;
}

/**
 * Workflow threads of a worker process of its own (`npm run worker`, docker-compose.yml, the
 * topology) when TEMPORAL_WORKFLOW_THREADS is unset: two, so a deadline's workflow task need not wait
 * while another escalation is replayed from its history (README, Performance: p99 107-280 ms from a
 * deadline to its message with 10,000 pending on one worker in four runs, 267-621 ms with one thread).
 */
export const WORKER_PROCESS_WORKFLOW_THREADS = 2;

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const templates = opts.templates ?? (await TemplateCatalog.load());
  const activities = createActivities({
    ...createClients(opts.providers),
    tickets: opts.providers.tickets,
    caseTarget: opts.providers.caseTarget,
    tracking: opts.providers.tracking,
    financeMeeting: opts.financeMeeting,
    directory: opts.directory,
    templates,
    publicUrl: opts.publicUrl,
  });
  const dataConverter = dataConverterWith(opts.codec);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities,
    ...(dataConverter && { dataConverter }),
    // Escalation id, playbook and run id on activity logs; failure counts by kind.
    interceptors: { activity: [escalationActivityInterceptors] },
    workflowBundle: opts.workflowBundle ?? (await cachedWorkflowBundle({ workflowsPath: workflowsPath() })),
    // Lets SIGINT/SIGTERM finish running activities instead of abandoning them.
    shutdownGraceTime: '20 seconds',
    // The SDK sizes the cache from the heap limit (about 2,300 on a 4 GiB heap), at roughly 0.3-0.5 MB
    // of RSS each: a deliberate size keeps the worker's memory bounded however many are in flight.
    ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
    ...(opts.workflowThreads !== undefined && { workflowThreadPoolSize: opts.workflowThreads }),
  });
}

export { NativeConnection };
