// Prometheus metrics of the API on GET /metrics (prom-client, one registry per app):
//   http_request_duration_seconds{method,route,status_code}   histogram: request rate, latency, status per route
//   escalations_started_total{playbook,result}                result: created | existing (an idempotent repeat)
//   escalation_events_total{playbook,type,result,status_code} result: accepted | refused (4xx) | error (5xx)
//   process_* and nodejs_*                                     the process (prom-client's default metrics)
// Routes say which escalation a request is about through request-context.ts; the worker's figures
// (deadlines fired, notification failures, SDK metrics) are on the worker's own endpoint.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ApiMetricsOptions {
  /** Default: a registry of its own (several apps in one process do not collide). */
  registry?: Registry;
  /** prom-client's process metrics (default true). */
  defaultMetrics?: boolean;
}

const START_ROUTE = '/escalations';
const EVENT_ROUTE = '/escalations/:id/events';

const plugin: FastifyPluginAsync<ApiMetricsOptions> = async (app, opts) => {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API request duration in seconds, by method, route (the route pattern) and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const started = new Counter({
    name: 'escalations_started_total',
    help: 'Escalations started through the API, by playbook; result existing = an idempotent repeat of a start',
    labelNames: ['playbook', 'result'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'escalation_events_total',
    help: 'Events delivered to escalations, by playbook and event type; result accepted, refused (4xx: invalid, not applicable now, closed) or error (5xx)',
    labelNames: ['playbook', 'type', 'result', 'status_code'] as const,
    registers: [registry],
  });

  app.decorateRequest('escalation', null);

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const status = reply.statusCode;
    duration.observe({ method: request.method, route, status_code: String(status) }, reply.elapsedTime / 1000);
    if (request.method !== 'POST') return;
    const playbook = request.escalation?.playbook ?? 'unknown';
    if (route === START_ROUTE && (status === 200 || status === 201)) {
      started.inc({ playbook, result: status === 201 ? 'created' : 'existing' });
    } else if (route === EVENT_ROUTE) {
      const result = status < 300 ? 'accepted' : status < 500 ? 'refused' : 'error';
      events.inc({ playbook, type: request.escalation?.eventType ?? 'unknown', result, status_code: String(status) });
    }
  });

  // Open like /healthz, for the scraper; it holds counts, never escalation data.
  app.get('/metrics', { config: { auth: 'public', rateLimit: false }, schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};

export const apiMetrics = fp(plugin, { name: 'escalation-engine-metrics', fastify: '5.x' });
