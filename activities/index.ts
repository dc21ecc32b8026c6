// All side effects of the playbooks. Workflows import this module as a type only and reach the
// functions through proxyActivities; tests and the worker inject the dependencies.
import type { MailService } from '@sendgrid/mail';
import type { WebClient } from '@slack/web-api';
import type { Directory } from '../src/directory.js';
import type { TemplateCatalog } from './email/templates.js';
import { emailActivities } from './send-email.js';
import { slackActivities } from './slack.js';
import { ticketActivities, type TicketTarget } from './tickets.js';
import { caseTargetActivities, type CaseTargetSettings } from './case-target.js';
import { scheduleActivities } from './schedules.js';
import { directoryActivities } from './directory.js';
import { temporalActivities } from './temporal.js';
import type { WeeklyTime } from '../workflows/kit/calendar.js';

export interface ActivityDeps {
  slack: WebClient;
  mail: MailService;
  directory: Directory;
  templates: TemplateCatalog;
  /** Service-recovery ticket intake; optional so tests of other activities need not set it. */
  tickets?: TicketTarget | undefined;
  /** The CRM's escalation-case webhook (account-escalation); unset: creating a case fails permanently. */
  caseTarget?: CaseTargetSettings | undefined;
  /** The weekly finance meeting (FINANCE_MEETING); unset: DEFAULT_FINANCE_MEETING. */
  financeMeeting?: WeeklyTime | undefined;
  /** The API's public URL (PUBLIC_URL), for links to an escalation in Slack fallback posts. */
  publicUrl?: string | undefined;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...slackActivities(deps),
    ...emailActivities(deps),
    ...ticketActivities({ tickets: deps.tickets }),
    ...caseTargetActivities({ caseTarget: deps.caseTarget }),
    ...scheduleActivities({ financeMeeting: deps.financeMeeting }),
    ...directoryActivities({ directory: deps.directory }),
    ...temporalActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { PostSlackMessageInput, PostedSlackMessage, SlackTarget, UpdateSlackMessageInput, UpdatedSlackMessage } from './slack.js';
export type { CreateEscalationChannelInput, EscalationChannel } from './slack-channels.js';
export type { ButtonExtra, ButtonValue, SlackBlock, SlackButton } from './slack-blocks.js';
export type { EmailRecipient, SendTemplateEmailInput, SentEmail } from './send-email.js';
export type { TemplateFlagName } from './email/templates.js';
export type { CheckAvailabilityInput } from './directory.js';
export type { ListedWorkflows, ListWorkflowsInput, StartCompanionInput, StartedCompanion, VisibleWorkflow } from './temporal.js';
export type { AddCaseNoteInput, AddedCaseNote, CaseTargetSettings, CreateEscalationCaseInput, EscalationCase } from './case-target.js';
