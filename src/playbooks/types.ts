// What the API knows about a playbook: its workflow, its input and event schemas, and the
// business key that makes starting it idempotent.
import type { TObject, TSchema } from 'typebox';
import type { AnyEvent, PlaybookAccess } from '../auth/rules.js';
import type { Directory } from '../directory.js';

export interface FieldError {
  /** JSON pointer into the request body, e.g. `/input/booking/startTime`. */
  field: string;
  message: string;
}

/** The Slack message a message shortcut was used on. */
export interface SlackMessageRef {
  text: string;
  channel: string;
  ts: string;
  /** Slack user id of the message's author, if a person wrote it. */
  author?: string | undefined;
}

export interface PlaybookDefinition {
  name: string;
  title: string;
  description: string;
  /** Exported workflow function name in workflows/index.ts. */
  workflowType: string;
  inputSchema: TObject;
  /** One schema per event type, each with a `type` literal. */
  events: Record<string, TSchema>;
  /** Stable id for an escalation started without one (e.g. booking id + issue type). */
  businessKey(input: never): string;
  /** The business time the escalation is about, for search (e.g. the session start). */
  businessTime(input: never): Date | undefined;
  /** A one-line summary for the Temporal Web UI. */
  summary(input: never): string;
  /** Checks beyond the schema: directory references, time zones. Paths relative to `/input`. */
  check(input: never, directory: Directory): FieldError[];
  /** Slack entry points beyond `/escalate <playbook>` (which every playbook gets). */
  slack?: {
    /**
     * A message shortcut (Slack app config: callback id) that opens this playbook's intake form
     * prefilled from the message, e.g. "report as tech incident".
     */
    messageShortcut?: { callbackId: string; prefill(message: SlackMessageRef): Record<string, unknown> };
  };
  /** Who may send which event (role checks); events no rule names are open to callers with `events:send`. */
  access?: PlaybookAccess<never, AnyEvent>;
}
