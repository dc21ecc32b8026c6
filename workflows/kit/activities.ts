// Every activity a playbook calls, through proxies with one retry profile per kind of step. Retries
// belong to Temporal (the Slack and SendGrid clients' own retries are off); a step that fails for good
// is recorded on the timeline by the caller and the escalation goes on. Workflow code imports the
// activities as types only, here.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

/** Retry profiles, by what a step is for (times are Temporal durations). */
export const ACTIVITY_PROFILES = {
  /** Slack posts and updates, emails: inside a deadline-driven SOP a message that cannot get through in 10 minutes is reported, not retried forever. */
  message: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Creating a Slack channel and inviting its members (several API calls). */
  channel: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Creating a record in another system (the CRM's escalation case). */
  record: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  },
  /** Notes on a record: short, because while the target is down the notes wait in the state and are tried again later instead of holding up the timers. */
  note: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Follow-up tickets after the escalation decided: no deadline waits for them, so they may take an hour. */
  ticket: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '1 hour',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  },
  /** Temporal itself, through the worker's client: starting a companion workflow, reading visibility. */
  cluster: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Reading configuration (schedules, the directory's availability): local and fast. */
  lookup: {
    startToCloseTimeout: '10 seconds',
    scheduleToCloseTimeout: '2 minutes',
  },
} as const satisfies Record<string, ActivityOptions>;

// Every call goes through these proxies: a per-call summary for the Web UI (the SDK's
// `executeWithOptions({ summary }, args)`) is added here and in notify.ts, not at each call site.
export const messaging = proxyActivities<Activities>(ACTIVITY_PROFILES.message);
export const channels = proxyActivities<Activities>(ACTIVITY_PROFILES.channel);
export const records = proxyActivities<Activities>(ACTIVITY_PROFILES.record);
export const notes = proxyActivities<Activities>(ACTIVITY_PROFILES.note);
export const tickets = proxyActivities<Activities>(ACTIVITY_PROFILES.ticket);
export const lookups = proxyActivities<Activities>(ACTIVITY_PROFILES.lookup);
export const cluster = proxyActivities<Activities>(ACTIVITY_PROFILES.cluster);
