// Escalations looking at other escalations: "has this happened before?" answered from Temporal
// visibility (the search attributes every escalation carries), through the worker's own client.
import { Context } from '@temporalio/activity';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { playbookKey, statusKey } from '../workflows/kit/search-attributes.js';
import { permanent } from './failures.js';

export interface FindEscalationsInput {
  /** The playbook (`EscalationPlaybook`). */
  playbook: string;
  /** A keyword search attribute and the value to match, e.g. `{ attribute: 'EscalationClient', value: 'ACME-1001' }`. */
  match: { attribute: string; value: string };
  /** The asking escalation's id, left out of the answer. */
  excludeId: string;
  /** How many to describe (newest first); `total` counts them all. */
  limit: number;
}

/**
 * What an escalation leaves for the next one about the same subject (its memo `lessons`, written by
 * the workflow as it learns them): the root cause, whether it recurs, the steps to the resolution,
 * where the documentation is.
 */
export interface EscalationLessons {
  rootCause?: string;
  recurrence?: 'recurring' | 'one-off';
  steps?: string;
  link?: string | null;
}

export interface EarlierEscalation {
  id: string;
  /** ISO instants. */
  startedAt: string;
  closedAt: string | null;
  /** Temporal's execution status: RUNNING, COMPLETED, TERMINATED, ... */
  execution: string;
  /** The playbook's status (`EscalationStatus`) as last recorded. */
  status: string | null;
  /** The workflow's summary (names the subject, e.g. the client and the issue). */
  summary: string | null;
  /** Its memo `lessons`, when it recorded any. */
  lessons: EscalationLessons | null;
}

export interface EarlierEscalations {
  /** How many match (the list holds at most `limit`, newest first). */
  total: number;
  escalations: EarlierEscalation[];
}

// Values are quoted into a visibility query: only plain identifiers, so nothing can change its meaning.
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const VALUE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
// What a retry cannot change: the server lacks the query (no advanced visibility, e.g. the
// time-skipping test server), the attribute is not registered, or the worker may not list.
// gRPC status codes: INVALID_ARGUMENT 3, PERMISSION_DENIED 7, UNIMPLEMENTED 12.
const PERMANENT_CODES: ReadonlySet<number> = new Set([3, 7, 12]);
const SCANNED_MAX = 200;

/** `client`: for tests and tools; the worker's activities use the worker's client (its namespace and data converter). */
export function escalationActivities({ client }: { client?: Client | undefined } = {}) {
  return {
    /** Other escalations of the same playbook with the same value of a search attribute, newest first. */
    async findEscalations({ playbook, match, excludeId, limit }: FindEscalationsInput): Promise<EarlierEscalations> {
      if (!ATTRIBUTE.test(match.attribute) || !VALUE.test(match.value) || !VALUE.test(playbook)) {
        throw permanent(`escalation look-up: '${match.attribute} = ${match.value}' cannot be searched (letters, digits, . _ : @ - only)`);
      }
      const temporal = client ?? Context.current().client;
      const query =
        `${playbookKey.name} = "${playbook}" AND ${match.attribute} = "${match.value}" AND WorkflowId != "${excludeId.replace(/["\\]/g, '')}"` +
        ` AND ExecutionStatus != "ContinuedAsNew"`;
      try {
        const found: (Omit<EarlierEscalation, 'startedAt' | 'closedAt' | 'summary'> & { runId: string; startedAt: Date; closedAt: Date | undefined })[] = [];
        let total = 0;
        // SQL visibility has no ORDER BY: read the matches (bounded) and sort them here.
        for await (const wf of temporal.workflow.list({ query, pageSize: 100 })) {
          total += 1;
          if (found.length < SCANNED_MAX) {
            const status = wf.typedSearchAttributes.get(statusKey);
            found.push({
              id: wf.workflowId,
              runId: wf.runId,
              startedAt: wf.startTime,
              closedAt: wf.closeTime,
              execution: wf.status.name,
              status: status ?? null,
              lessons: (wf.memo?.lessons as EscalationLessons | undefined) ?? null,
            });
          }
        }
        found.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
        const escalations: EarlierEscalation[] = [];
        for (const e of found.slice(0, limit)) {
          const summary = await temporal.workflow
            .getHandle(e.id, e.runId)
            .describe()
            .then((d) => d.staticSummary())
            .catch(() => undefined);
          escalations.push({
            id: e.id,
            startedAt: e.startedAt.toISOString(),
            closedAt: e.closedAt?.toISOString() ?? null,
            execution: e.execution,
            status: e.status,
            summary: summary ?? null,
            lessons: e.lessons,
          });
        }
        return { total, escalations };
      } catch (err) {
        const cause = isGrpcServiceError(err) ? err : err instanceof Error && isGrpcServiceError(err.cause) ? err.cause : undefined;
        if (cause && PERMANENT_CODES.has(cause.code)) {
          throw permanent(`escalation look-up: the server cannot answer '${query}': ${cause.details || cause.message}`);
        }
        throw err;
      }
    },
  };
}
