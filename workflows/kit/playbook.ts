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
import type { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType, Workflow } from '@temporalio/common';
import type { TObject, TSchema } from 'typebox';
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

/** A playbook's deployment settings as read from the environment (see `envSettings`). */
export type PlaybookEnvSettings = Readonly<Record<string, unknown>>;

/**
 * Start-or-join: every `POST /escalations` for the playbook is one more request (e.g. a report of a
 * technical problem) to the one escalation its business key names. The API delivers each request
 * with the kit's `join` update; the first one starts the workflow with it (update-with-start,
 * conflict policy USE_EXISTING), so concurrent first requests still make one escalation. Once the
 * escalation has closed, the next request opens a new run under the same id.
 */
export interface PlaybookJoin<Input, Settings, Args extends unknown[] = unknown[]> {
  /** The workflow's arguments when a request opens the escalation (the request itself comes by the join update). */
  startArgs(input: Input, settings: Settings): Args;
}

export interface PlaybookDefinition<Input = never, Settings = PlaybookEnvSettings> {
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
  /**
   * Checks beyond the schema: directory references, time zones, the deployment's rules (a FieldError
   * with a `rule` is a 422 naming the rule). Paths relative to `/input`. `settings`: the deployment's
   * `envSettings` as read at start-up; absent, the playbook uses their defaults.
   */
  check(input: Input, directory: DirectoryLookup, settings?: Settings): FieldError[];
  /**
   * Deployment settings (a TypeBox object): each property is an environment variable named after the
   * playbook (e.g. `TECH_INCIDENT_CRITICAL_ABOVE`) with its default and description. Read once at
   * start-up (a malformed value stops it, naming the variable) and handed to `check` and `join`.
   * (Settings kept in the directory file are `settings`.)
   */
  envSettings?: TObject;
  /** Checks of the settings beyond their schema (e.g. a time zone): each problem names its variable and stops start-up. */
  checkEnvSettings?(settings: Settings): { variable: string; message: string }[];
  /** Start-or-join instead of start-once (see PlaybookJoin). */
  join?: PlaybookJoin<Input, Settings>;
  /**
   * The directory entries the playbook itself refers to by key (not through its input), each with
   * why: checked when the API or the worker starts (src/directory-check.ts), so a group it tags
   * without a Slack user-group id, or a channel it posts to that is missing, stops start-up naming
   * it instead of posting a plain `@accounting` that pings nobody. People named in the input are
   * checked per request (`checkPeople`).
   */
  directory: DirectoryNeeds;
  /**
   * Query parameters of `GET /escalations?playbook=<name>&<param>=<value>`, each an equality filter on
   * one of the playbook's keyword search attributes (e.g. `event` -> `GamedayEvent`). Values are
   * checked against `pattern` before they reach the visibility query.
   */
  listFilters?: Record<string, ListFilter>;
  /**
   * The playbook's own configuration in the directory file (`playbooks.<name>`, e.g. the virtual events
   * a gameday runs for): checked against `schema` (defaults applied) and by `check` when the
   * configuration loads, so a bad entry stops start-up naming its path. Workflows read it through the
   * `playbookSettings` activity.
   */
  settings?: PlaybookSettings;
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

/** What a playbook needs from the directory, by key, with why (for the start-up error). */
export interface DirectoryNeeds {
  /** Channels it posts to. */
  channels?: Record<string, string>;
  /** Groups it `@`-mentions in Slack: each needs a `slackUserGroupId`. */
  taggedGroups?: Record<string, string>;
  /** Groups whose members it invites to a channel: each member needs a `slackUserId`. */
  invitedGroups?: Record<string, string>;
  /** People it mentions or DMs by key (not through its input): each needs a `slackUserId`. */
  people?: Record<string, string>;
  /**
   * Why it may tag any team (a group with a channel) and mention its managers, e.g. a team named
   * by the input: then every team needs a `slackUserGroupId` and every manager a `slackUserId`.
   */
  teams?: string;
}

export interface ListFilter {
  key: ReturnType<typeof defineSearchAttributeKey<typeof SearchAttributeType.KEYWORD>>;
  description: string;
  /** A regular expression every value must match (keeps values plain words in the visibility query). */
  pattern: string;
}

export interface PlaybookSettings {
  schema: TSchema;
  /** Checks beyond the schema (directory references); paths relative to `/playbooks/<name>`. */
  check?(settings: unknown, directory: DirectoryLookup): FieldError[];
}

/** Types a definition against its input (contract.ts's static type) and its environment settings. */
export const definePlaybook = <Input, Settings = PlaybookEnvSettings>(definition: PlaybookDefinition<Input, Settings>): PlaybookDefinition<Input, Settings> =>
  definition;

/** Types a start-or-join definition: its `join.startArgs` make the workflow's arguments (checked by the registry line). */
export const defineJoinPlaybook = <Input, Settings, Args extends unknown[]>(
  definition: PlaybookDefinition<Input, Settings> & { join: PlaybookJoin<Input, Settings, Args> },
): PlaybookDefinition<Input, Settings> & { join: PlaybookJoin<Input, Settings, Args> } => definition;

/** One registry line: the workflow and where its definition is. */
export interface RegisteredPlaybook<W extends Workflow = Workflow> {
  /** The workflow function's name: the Temporal workflow type. */
  workflowType: string;
  workflow: W;
  definition: () => Promise<{ default: PlaybookDefinition<never, never> }>;
  /**
   * Further workflows the playbook's escalations start (e.g. one summary per event, started by its
   * first issue): the worker runs them too, by their function names. They are not escalations.
   */
  companions: readonly Workflow[];
}

/** A start-once playbook: the workflow takes the API's input. */
export function playbook<W extends Workflow, Input extends Parameters<W>[0]>(
  workflow: W,
  definition: () => Promise<{ default: PlaybookDefinition<Input, never> }>,
  options?: { companions?: readonly Workflow[] },
): RegisteredPlaybook<W>;
/** A start-or-join playbook: the workflow takes what `join.startArgs` makes of the first request. */
export function playbook<W extends Workflow, Input>(
  workflow: W,
  definition: () => Promise<{ default: PlaybookDefinition<Input, never> & { join: PlaybookJoin<Input, never, Parameters<W>> } }>,
  options?: { companions?: readonly Workflow[] },
): RegisteredPlaybook<W>;
export function playbook<W extends Workflow>(
  workflow: W,
  definition: () => Promise<{ default: unknown }>,
  options: { companions?: readonly Workflow[] } = {},
): RegisteredPlaybook<W> {
  const companions = options.companions ?? [];
  for (const w of [workflow, ...companions]) {
    if (!w.name) throw new TypeError('a playbook workflow must be a named function: its name is the workflow type');
  }
  return { workflowType: workflow.name, workflow, definition: definition as RegisteredPlaybook['definition'], companions };
}

/** A loaded playbook: its definition and its workflow type. */
export type Playbook = PlaybookDefinition<never, never> & { workflowType: string };

/** Loads every definition (API, worker, tools; never in the workflow sandbox), by name. */
export async function loadPlaybooks(registry: readonly RegisteredPlaybook[]): Promise<Record<string, Playbook>> {
  const out: Record<string, Playbook> = {};
  const types = new Set<string>();
  for (const entry of registry) {
    const { default: definition } = await entry.definition();
    if (Object.hasOwn(out, definition.name)) throw new Error(`two playbooks are named '${definition.name}'`);
    if (types.has(entry.workflowType)) throw new Error(`two playbooks run workflow type '${entry.workflowType}'`);
    types.add(entry.workflowType);
    for (const companion of entry.companions) {
      if (types.has(companion.name)) throw new Error(`two workflows are named '${companion.name}'`);
      types.add(companion.name);
    }
    out[definition.name] = { ...definition, workflowType: entry.workflowType };
  }
  return out;
}
