// What a playbook is to the engine: its workflow (run by the worker) and its definition (read by the
// API: schemas, business key, summary, search attributes, input checks, email templates), joined
// in one registry line (workflows/registry.ts):
//
//   playbook(liveDelivery, () => import(/* webpackIgnore: true */ './live-delivery/definition.js'))
//
// The workflow type is the workflow function's name, as Temporal's client derives it: never typed
// again. The definition is loaded lazily, outside the workflow bundle (webpackIgnore keeps the
// bundler from following the import): its TypeBox schemas are for the API, and the sandbox only
// needs the workflow functions.
import type { SearchAttributePair, Workflow } from '@temporalio/common';
import type { TObject } from 'typebox';
import type { AnyEvent, PlaybookAccess } from './access.js';
import type { DirectoryLookup, FieldError } from './contract.js';

/** The Slack message a message shortcut was used on. */
export interface SlackMessageRef {
  text: string;
  channel: string;
  ts: string;
  /** Slack user id of the message's author, if a person wrote it. */
  author?: string | undefined;
}

export interface PlaybookDefinition<Input = never> {
  /** URL-safe name: `POST /escalations { playbook }`, the default id's prefix, the `EscalationPlaybook` search attribute. */
  name: string;
  title: string;
  description: string;
  inputSchema: TObject;
  /** One schema per event type, each with a `type` literal (contract.ts, `defineEvent`). */
  events: Record<string, TObject>;
  /** The playbook's statuses (`EscalationStatus`, `GET /escalations?status=`) and outcomes. */
  statuses: readonly string[];
  outcomes: readonly string[];
  /** The client email templates it sends, name -> when it is sent; the MJML is in `<folder>/templates/<locale>/<name>.mjml`. */
  templates: Record<string, string>;
  /** Stable id for an escalation started without one (e.g. booking id + issue type). */
  businessKey(input: Input): string;
  /** The business time the escalation is about (e.g. the session start): `EscalationBusinessTime`. */
  businessTime(input: Input): Date | undefined;
  /** A one-line summary for the Temporal Web UI. */
  summary(input: Input): string;
  /** Search attributes of its own, set at start (the kit sets EscalationPlaybook, EscalationStatus and EscalationBusinessTime). */
  searchAttributes?(input: Input): SearchAttributePair[];
  /** The keys `searchAttributes` uses, registered with the server (`npm start`, tests). */
  searchAttributeKeys?: SearchAttributePair['key'][];
  /** Checks beyond the schema: directory references, time zones. Paths relative to `/input`. */
  check(input: Input, directory: DirectoryLookup): FieldError[];
  /** Who may send which event (role checks, its access.ts); events no rule names are open to callers with `events:send`. */
  access?: PlaybookAccess<Input, AnyEvent>;
  /** Slack entry points beyond `/escalate <playbook>` (which every playbook gets, its form made from `inputSchema`). */
  slack?: {
    /**
     * A message shortcut (Slack app config: its callback id) that opens this playbook's intake form
     * prefilled from the message, e.g. "report as tech incident".
     */
    messageShortcut?: { callbackId: string; prefill(message: SlackMessageRef): Record<string, unknown> };
  };
  /**
   * A valid input as of `now` (epoch ms), with the example directory's roles: the OpenAPI example
   * (Swagger UI's "Try it out", the contract test's first requests).
   */
  example?(now: number): Input;
}

/** Types a definition against its input (contract.ts's static type). */
export const definePlaybook = <Input>(definition: PlaybookDefinition<Input>): PlaybookDefinition<Input> => definition;

/** One registry line: the workflow and where its definition is. */
export interface RegisteredPlaybook<W extends Workflow = Workflow> {
  /** The workflow function's name: the Temporal workflow type. */
  workflowType: string;
  workflow: W;
  definition: () => Promise<{ default: PlaybookDefinition<never> }>;
}

export function playbook<W extends Workflow, Input extends Parameters<W>[0]>(
  workflow: W,
  definition: () => Promise<{ default: PlaybookDefinition<Input> }>,
): RegisteredPlaybook<W> {
  if (!workflow.name) throw new TypeError('a playbook workflow must be a named function: its name is the workflow type');
  return { workflowType: workflow.name, workflow, definition: definition as RegisteredPlaybook['definition'] };
}

/** A loaded playbook: its definition and its workflow type. */
export type Playbook = PlaybookDefinition<never> & { workflowType: string };

/** Loads every definition (API, worker, tools; never in the workflow sandbox), by name. */
export async function loadPlaybooks(registry: readonly RegisteredPlaybook[]): Promise<Record<string, Playbook>> {
  const out: Record<string, Playbook> = {};
  const types = new Set<string>();
  for (const entry of registry) {
    const { default: definition } = await entry.definition();
    if (Object.hasOwn(out, definition.name)) throw new Error(`two playbooks are named '${definition.name}'`);
    if (types.has(entry.workflowType)) throw new Error(`two playbooks run workflow type '${entry.workflowType}'`);
    types.add(entry.workflowType);
    out[definition.name] = { ...definition, workflowType: entry.workflowType };
  }
  return out;
}
