// Escalation cases in the CRM through a configured webhook (the case target):
//   POST {url}/cases                      -> 201/200 { caseNumber, url? }
//   POST {url}/cases/{caseNumber}/notes   -> 201/200 { noteId }
// JSON bodies, `Authorization: Bearer <token>` when a token is set, and an `Idempotency-Key` on every
// request: a retry after an ambiguous failure (timeout after the CRM accepted) gets the case or note
// the first attempt made, never a second one.
//
// Failures: 429 -> retry after Retry-After; 5xx, 408, network errors, timeouts -> retry with
// backoff; other 4xx (bad token, rejected body, unknown case) -> permanent, with the target's text.
import { ApplicationFailure, type Duration } from '@temporalio/common';
import { permanent, TRANSIENT_DELIVERY_FAILURE } from './failures.js';

export interface CaseTargetSettings {
  /** Base URL of the case webhook, e.g. `https://crm-bridge.example.com/escalations`. */
  url: string;
  token?: string | undefined;
  /** Per-request timeout (default 20 s). */
  timeoutMs?: number | undefined;
}

export interface CreateEscalationCaseInput {
  escalationId: string;
  account: {
    id: string;
    name: string;
    mrr: { amount: number; currency: string };
    crmUrl: string;
    products: string[];
    fmc: boolean;
  };
  trigger: string;
  /** Human-readable trigger, e.g. "The account became past due". */
  reason: string;
  explicit: boolean;
  churn: { primary: string; secondary: string[]; description: string };
  /** Directory keys. */
  csm: string;
  teamLead: string;
  customerContact: { name: string; email: string; phone?: string | undefined };
  summary?: string | undefined;
  escalatedAt: string;
}

export interface EscalationCase {
  caseNumber: string;
  url?: string;
  /** False when the target already had a case for this escalation (a retried request). */
  created: boolean;
}

export interface AddCaseNoteInput {
  escalationId: string;
  caseNumber: string;
  /** Unique per note within the escalation: with the escalation id it is the idempotency key. */
  key: string;
  /** escalation-note (the daily "Escalation Notes"), status, resolution, finance, contact, closure, ... */
  kind: string;
  text: string;
  /** Who wrote it: a directory key, or `engine`. */
  author: string;
  /** Workflow time of the step the note records. */
  at: string;
  /** The escalation's status after the step, for the CRM's case status field. */
  status?: string | undefined;
}

export interface AddedCaseNote {
  noteId: string;
  created: boolean;
}

const TIMEOUT_MS = 20_000;

function transient(message: string, nextRetryDelay?: Duration): ApplicationFailure {
  return ApplicationFailure.create({
    type: TRANSIENT_DELIVERY_FAILURE,
    message,
    details: [{ provider: 'case-target' }],
    ...(nextRetryDelay && { nextRetryDelay }),
  });
}

/** The target's own explanation: `{ error }`, `{ message }` or the text, shortened. */
function explanation(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const reason = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
    if (reason) return reason.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300);
}

async function call(
  settings: CaseTargetSettings | undefined,
  what: string,
  path: string,
  idempotencyKey: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  if (!settings) throw permanent(`${what}: no case target configured (CASE_TARGET_URL)`);
  const url = `${settings.url.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': idempotencyKey,
        ...(settings.token && { authorization: `Bearer ${settings.token}` }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(settings.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (err) {
    // No answer (refused, reset, timeout): the target may or may not have acted; the key makes a retry safe.
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw transient(`${what}: no answer from the case target (${cause})`);
  }
  const text = await res.text().catch(() => '');
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get('retry-after') ?? 0);
    throw transient(`${what}: rate limited by the case target`, retryAfter > 0 ? `${retryAfter}s` : undefined);
  }
  if (res.status >= 500 || res.status === 408) throw transient(`${what}: case target answered ${res.status}: ${explanation(text)}`);
  if (res.status >= 400) {
    throw permanent(`${what}: case target answered ${res.status}: ${explanation(text)}`, { provider: 'case-target', status: res.status });
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) return { status: res.status, json: json as Record<string, unknown> };
  } catch {
    // fall through
  }
  throw permanent(`${what}: case target answered ${res.status} without a JSON object`);
}

export function caseTargetActivities({ caseTarget }: { caseTarget?: CaseTargetSettings | undefined }) {
  return {
    /** Creates the escalation case, or returns the one already made for this escalation. */
    async createEscalationCase(input: CreateEscalationCaseInput): Promise<EscalationCase> {
      const what = `escalation case for '${input.account.name}'`;
      const { status, json } = await call(caseTarget, what, '/cases', `${input.escalationId}/case`, input);
      if (typeof json.caseNumber !== 'string' || json.caseNumber === '') throw permanent(`${what}: case target answered without a caseNumber`);
      return { caseNumber: json.caseNumber, ...(typeof json.url === 'string' && { url: json.url }), created: status === 201 };
    },

    /** Adds a note to the case (daily escalation notes, status changes, decisions). */
    async addCaseNote(input: AddCaseNoteInput): Promise<AddedCaseNote> {
      const what = `note '${input.key}' on case ${input.caseNumber}`;
      const { status, json } = await call(
        caseTarget,
        what,
        `/cases/${encodeURIComponent(input.caseNumber)}/notes`,
        `${input.escalationId}/note/${input.key}`,
        input,
      );
      if (typeof json.noteId !== 'string') throw permanent(`${what}: case target answered without a noteId`);
      return { noteId: json.noteId, created: status === 201 };
    },
  };
}
