// Activities that talk to Temporal itself, through the worker's own client (`Context.current().client`:
// same namespace, same data converter and payload codec): starting a playbook's companion workflow
// (e.g. one summary per event, started by whichever issue comes first) and reading escalations back
// through visibility (their search attributes and memo).
import { Context } from '@temporalio/activity';
import { isGrpcServiceError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import { permanent } from './failures.js';

export interface StartCompanionInput {
  workflowType: string;
  /** The companion's id, e.g. `gameday-summary:<event>`: one per id, ever (never reused while the server remembers it). */
  workflowId: string;
  args: unknown[];
  /** The signal every caller sends (e.g. `issue-raised` with the id): delivered whether this call started it or not. */
  signal: string;
  signalArgs: unknown[];
  typedSearchAttributes?: SearchAttributePair[];
  /** The Web UI's one-line summary. */
  staticSummary?: string;
}

export interface StartedCompanion {
  /** `running`: started now or already running, and signalled; `closed`: it ran already (its id is not reused), nothing sent. */
  status: 'running' | 'closed';
  runId?: string;
}

export interface ListWorkflowsInput {
  workflowType: string;
  /** Equality filters on keyword search attributes, e.g. `{ GamedayEvent: 'northwind-summit-2026' }`. */
  where: Record<string, string>;
  /** At most this many (default 1000); `truncated` says when there were more. */
  limit?: number;
}

/** One execution as visibility shows it. Instants are ISO strings. */
export interface VisibleWorkflow {
  workflowId: string;
  runId: string;
  /** RUNNING, COMPLETED, TERMINATED, ... */
  status: string;
  startTime: string;
  closeTime: string | null;
  /** Search attribute name -> value (a keyword list as an array, a datetime as an ISO string). */
  searchAttributes: Record<string, unknown>;
  /** The memo, decoded (and decrypted with the worker's codec). */
  memo: Record<string, unknown>;
}

export interface ListedWorkflows {
  workflows: VisibleWorkflow[];
  truncated: boolean;
  /** `query`: the List API (advanced visibility); `by-type`: standard visibility, filtered here (servers without the List API). */
  source: 'query' | 'by-type';
}

const DEFAULT_LIMIT = 1000;
const PAGE_SIZE = 100;
/** gRPC UNIMPLEMENTED */
const UNIMPLEMENTED = 12;

/** A keyword literal in a visibility query; values are plain words (definitions' filter patterns), quoting makes sure. */
const literal = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function unimplemented(err: unknown): boolean {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return [err, cause].some((e) => isGrpcServiceError(e) && e.code === UNIMPLEMENTED);
}

function view(info: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes' | 'memo'>): VisibleWorkflow {
  const searchAttributes: Record<string, unknown> = {};
  for (const { key, value } of info.typedSearchAttributes.getAll()) {
    searchAttributes[key.name] = value instanceof Date ? value.toISOString() : value;
  }
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
    searchAttributes,
    memo: info.memo ?? {},
  };
}

const matches = (w: VisibleWorkflow, where: Record<string, string>) => Object.entries(where).every(([k, v]) => w.searchAttributes[k] === v);

/**
 * Standard visibility: every open and closed execution of the type (newest runs only, as the List API
 * shows them), each described for its search attributes and memo, filtered here. For servers that do
 * not implement the List API, such as Temporal's time-skipping test server.
 */
async function listByType(client: Client, input: ListWorkflowsInput, limit: number): Promise<ListedWorkflows> {
  const { namespace } = client.options;
  const executions: { workflowId: string; runId: string }[] = [];
  for (const state of ['open', 'closed'] as const) {
    let nextPageToken: Uint8Array | undefined;
    do {
      const request = { namespace, typeFilter: { name: input.workflowType }, maximumPageSize: PAGE_SIZE, ...(nextPageToken && { nextPageToken }) };
      const page =
        state === 'open'
          ? await client.workflowService.listOpenWorkflowExecutions(request)
          : await client.workflowService.listClosedWorkflowExecutions(request);
      for (const e of page.executions) {
        // The type filter is checked here too: not every server applies it.
        if (e.type?.name === input.workflowType && e.execution?.workflowId && e.execution.runId) {
          executions.push({ workflowId: e.execution.workflowId, runId: e.execution.runId });
        }
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
  const workflows: VisibleWorkflow[] = [];
  for (const e of executions) {
    const described = view(await client.workflow.getHandle(e.workflowId, e.runId).describe());
    if (matches(described, input.where)) workflows.push(described);
  }
  workflows.sort((a, b) => b.startTime.localeCompare(a.startTime));
  return { workflows: workflows.slice(0, limit), truncated: workflows.length > limit, source: 'by-type' };
}

export function temporalActivities() {
  return {
    /**
     * Starts the companion workflow unless it runs already, and signals it either way (signal-with-start,
     * id reuse rejected): however many escalations call this at once, one companion runs, and each
     * call's signal reaches it. Once the companion has closed, its id is not reused: `closed`.
     */
    async startCompanion(input: StartCompanionInput): Promise<StartedCompanion> {
      const { client, info } = Context.current();
      try {
        const handle = await client.workflow.signalWithStart(input.workflowType, {
          workflowId: input.workflowId,
          taskQueue: info.taskQueue,
          args: input.args,
          signal: input.signal,
          signalArgs: input.signalArgs,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...(input.typedSearchAttributes && { typedSearchAttributes: input.typedSearchAttributes }),
          ...(input.staticSummary && { staticSummary: input.staticSummary }),
        });
        return { status: 'running', runId: handle.signaledRunId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 'closed' };
        throw err;
      }
    },

    /**
     * The executions of `workflowType` whose keyword search attributes equal `where`, newest first,
     * through visibility (eventually consistent: a change made a moment ago may not show yet).
     */
    async listWorkflows(input: ListWorkflowsInput): Promise<ListedWorkflows> {
      const { client } = Context.current();
      const limit = input.limit ?? DEFAULT_LIMIT;
      for (const name of Object.keys(input.where)) {
        if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw permanent(`listWorkflows: '${name}' is not a search attribute name`);
      }
      const query = [`WorkflowType = ${literal(input.workflowType)}`, ...Object.entries(input.where).map(([k, v]) => `${k} = ${literal(v)}`)].join(' AND ');
      const workflows: VisibleWorkflow[] = [];
      try {
        for await (const info of client.workflow.list({ query, pageSize: PAGE_SIZE })) {
          if (workflows.length === limit) return { workflows, truncated: true, source: 'query' };
          workflows.push(view(info));
        }
        return { workflows, truncated: false, source: 'query' };
      } catch (err) {
        if (!unimplemented(err)) throw err;
      }
      return listByType(client, input, limit);
    },
  };
}
