// Local stand-ins for Slack and SendGrid and the outbox they share (embedded default, tests).
export { Outbox, type OutboxEntry, type OutboxFilter, type OutboxOptions } from './outbox.js';
export type {
  EmailAddress,
  EmailOutboxRecord,
  OutboxKind,
  OutboxRecord,
  SlackMentions,
  SlackMetadata,
  SlackOutboxRecord,
} from './outbox-schema.js';
export * from './sendgrid.js';
export * from './slack.js';
