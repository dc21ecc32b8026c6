// What the stand-ins record, as TypeBox schemas: one source for the TypeScript types, the
// GET /dev/outbox response schema and its OpenAPI entry.
import { Type, type Static } from 'typebox';

export const SlackBroadcast = Type.Union([Type.Literal('here'), Type.Literal('channel'), Type.Literal('everyone')]);

export const SlackMentions = Type.Object({
  /** User ids mentioned as `<@U…>` (text) or rich_text `user` elements. */
  users: Type.Array(Type.String()),
  /** User-group ids mentioned as `<!subteam^S…>` or rich_text `usergroup` elements. */
  userGroups: Type.Array(Type.String()),
  /** `<!here>`, `<!channel>`, `<!everyone>`. */
  broadcasts: Type.Array(SlackBroadcast),
  /** Display label per mentioned id (`@name`, `@handle`), from the stand-in's directory or the `|label`. */
  labels: Type.Record(Type.String(), Type.String()),
});

export const SlackMetadata = Type.Object({
  event_type: Type.String(),
  event_payload: Type.Record(Type.String(), Type.Unknown()),
});

const RecordBase = {
  id: Type.String(),
  /** When the stand-in accepted the call (ISO 8601). */
  at: Type.String({ format: 'date-time' }),
  escalationId: Type.Optional(Type.String()),
};

export const SlackOutboxRecord = Type.Object({
  kind: Type.Literal('slack'),
  ...RecordBase,
  method: Type.Union([Type.Literal('chat.postMessage'), Type.Literal('chat.update'), Type.Literal('chat.postEphemeral')]),
  /** chat.postEphemeral: the only user who sees it. */
  visibleTo: Type.Optional(Type.String()),
  /** `name` is the channel name, or `@user` for a direct message. */
  channel: Type.Object({ id: Type.String(), name: Type.String() }),
  ts: Type.String(),
  /** Set on thread replies: the parent message's ts. */
  thread_ts: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  blocks: Type.Optional(Type.Array(Type.Unknown())),
  mentions: SlackMentions,
  metadata: Type.Optional(SlackMetadata),
});

export const EmailAddress = Type.Object({ email: Type.String(), name: Type.Optional(Type.String()) });

export const EmailAttachmentSummary = Type.Object({
  filename: Type.String(),
  type: Type.Optional(Type.String()),
  /** Decoded size. */
  bytes: Type.Integer(),
});

/** One record per personalization: what one set of recipients received. */
export const EmailOutboxRecord = Type.Object({
  kind: Type.Literal('email'),
  ...RecordBase,
  /** The `X-Message-Id` of the request (shared by its personalizations). */
  messageId: Type.String(),
  from: EmailAddress,
  reply_to: Type.Optional(EmailAddress),
  to: Type.Array(EmailAddress),
  cc: Type.Array(EmailAddress),
  bcc: Type.Array(EmailAddress),
  /** Absent only when a template supplies it. */
  subject: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  html: Type.Optional(Type.String()),
  /** Message-level custom_args merged with the personalization's (which win). */
  custom_args: Type.Record(Type.String(), Type.String()),
  categories: Type.Array(Type.String()),
  template_id: Type.Optional(Type.String()),
  dynamic_template_data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  attachments: Type.Optional(Type.Array(EmailAttachmentSummary)),
});

/** A service-recovery ticket the ticket stand-in opened. */
export const TicketOutboxRecord = Type.Object({
  kind: Type.Literal('ticket'),
  ...RecordBase,
  ticketId: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  /** The request body as the ticket intake received it. */
  body: Type.Record(Type.String(), Type.Unknown()),
});

/** An escalation case the CRM case stand-in opened. */
export const CaseOutboxRecord = Type.Object({
  kind: Type.Literal('case'),
  ...RecordBase,
  caseNumber: Type.String(),
  accountId: Type.String(),
  accountName: Type.String(),
  body: Type.Record(Type.String(), Type.Unknown()),
});

/** A note added to an escalation case (daily escalation notes, status changes, decisions). */
export const CaseNoteOutboxRecord = Type.Object({
  kind: Type.Literal('case-note'),
  ...RecordBase,
  caseNumber: Type.String(),
  noteId: Type.String(),
  noteKind: Type.String(),
  text: Type.String(),
  author: Type.Optional(Type.String()),
  /** The case status the note reported, if any. */
  status: Type.Optional(Type.String()),
});

export const OutboxRecord = Type.Union([SlackOutboxRecord, EmailOutboxRecord, TicketOutboxRecord, CaseOutboxRecord, CaseNoteOutboxRecord]);

export const OutboxKind = Type.Union([
  Type.Literal('slack'),
  Type.Literal('email'),
  Type.Literal('ticket'),
  Type.Literal('case'),
  Type.Literal('case-note'),
]);

export type SlackBroadcast = Static<typeof SlackBroadcast>;
export type SlackMentions = Static<typeof SlackMentions>;
export type SlackMetadata = Static<typeof SlackMetadata>;
export type SlackOutboxRecord = Static<typeof SlackOutboxRecord>;
export type EmailAddress = Static<typeof EmailAddress>;
export type EmailAttachmentSummary = Static<typeof EmailAttachmentSummary>;
export type EmailOutboxRecord = Static<typeof EmailOutboxRecord>;
export type TicketOutboxRecord = Static<typeof TicketOutboxRecord>;
export type CaseOutboxRecord = Static<typeof CaseOutboxRecord>;
export type CaseNoteOutboxRecord = Static<typeof CaseNoteOutboxRecord>;
export type OutboxRecord = Static<typeof OutboxRecord>;
export type OutboxKind = Static<typeof OutboxKind>;
