// All side effects of the playbooks. Workflows import this module as a type only and reach the
// functions through proxyActivities; tests and the worker inject the dependencies.
import type { MailService } from '@sendgrid/mail';
import type { WebClient } from '@slack/web-api';
import type { Directory } from '../src/directory.js';
import type { TemplateCatalog } from './email/templates.js';
import { emailActivities } from './send-email.js';
import { slackActivities } from './slack.js';

export interface ActivityDeps {
  slack: WebClient;
  mail: MailService;
  directory: Directory;
  templates: TemplateCatalog;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...slackActivities(deps),
    ...emailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { PostSlackMessageInput, PostedSlackMessage, SlackTarget } from './slack.js';
export type { SendTemplateEmailInput, SentEmail } from './send-email.js';
