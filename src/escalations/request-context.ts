// The escalation a request is about, once a route knows it: its log lines then carry the escalation
// id, playbook and workflow run id (the "request completed" line too), and the metrics plugin counts
// starts and events by playbook from it.
import type { FastifyRequest } from 'fastify';

export interface EscalationContext {
  escalationId?: string;
  playbook?: string;
  workflowRunId?: string;
  /** An event type the escalation's playbook knows (never an arbitrary string from the body). */
  eventType?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    escalation: EscalationContext | null;
  }
}

/** Adds to what the request knows about its escalation, and to its log bindings. */
export function tagEscalation(request: FastifyRequest, context: EscalationContext): void {
  const fresh = Object.fromEntries(Object.entries(context).filter(([k, v]) => v !== undefined && request.escalation?.[k as keyof EscalationContext] !== v));
  if (Object.keys(fresh).length === 0) return;
  request.escalation = { ...request.escalation, ...fresh };
  // In place (pino's setBindings), so reply.log, the same logger, writes "request completed" with them too.
  const log = request.log as typeof request.log & { setBindings?: (bindings: Record<string, unknown>) => void };
  if (typeof log.setBindings === 'function') log.setBindings(fresh);
  else request.log = request.log.child(fresh);
}
