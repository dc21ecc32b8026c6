// The Fastify application as a plugin-built instance: body parsing and limits, docs, the problem
// handlers, then the routes. It never listens: server.ts owns the socket, tests use app.inject.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Directory } from './directory.js';
import { EscalationService } from './escalations/service.js';
import { BODY_LIMIT_BYTES, registerJsonBodyParser } from './http/json-body.js';
import { validatorPerPart } from './http/validation.js';
import { trackRouteMethods } from './http/methods.js';
import { completeRouteSchemas, swaggerOptions } from './http/openapi.js';
import { playbooks } from './playbooks.js';
import { clientErrorHandler, handleError, ProblemSchema, registerProblemHandlers } from './problem.js';
import { codecRoutes } from './routes/codec.js';
import { escalationRoutes } from './routes/escalations.js';
import { apiMetrics } from './routes/metrics.js';
import { healthRoutes } from './routes/health.js';
import { playbookRoutes } from './routes/playbooks.js';
import { templateRoutes } from './routes/templates.js';
import type { TemplateCatalog } from '../activities/email/templates.js';
import { Escalation, EscalationId, EscalationState } from './routes/schemas.js';
import { configureContract, DEFAULT_CONTRACT_SETTINGS, type ContractSettings } from '../workflows/kit/schemas/index.js';

/**
 * The router's limit for one path parameter, in decoded characters: above every parameter schema's
 * own limit (escalation ids: 200), so an over-long id is a 400 naming `/id`, and only absurd
 * paths meet the router's 414.
 */
export const MAX_PARAM_LENGTH = 1024;

/** How long an event or a state read waits for a worker, unless configured (API_WORKER_WAIT_MS). */
export const DEFAULT_WORKER_WAIT_MS = 5_000;

export interface AppOptions {
  client: Client;
  taskQueue: string;
  directory: Directory;
  /** A pino logger; none means silent (tests). */
  logger?: FastifyBaseLogger;
  /** Email templates for the preview routes. */
  templates: TemplateCatalog;
  /** Business-date window and link schemes (config: BUSINESS_DATE_*_DAYS, LINK_SCHEMES). */
  contract?: Partial<ContractSettings>;
  /** How long events and state reads wait for a worker before a 503 (config: API_WORKER_WAIT_MS). */
  workerWaitMs?: number;
  /** Extra routes (e.g. the dev outbox on the embedded default). */
  extraRoutes?: (app: FastifyInstance) => PromiseLike<unknown>;
  /** The payload codec (PAYLOAD_CODEC_KEYS): serves POST /codec/decode and /codec/encode for the Web UI. */
  codec?: PayloadCodec | undefined;
  /** Browser origins allowed to call the codec endpoint (CODEC_CORS_ORIGINS). */
  codecCorsOrigins?: string[] | undefined;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  configureContract(opts.contract ?? DEFAULT_CONTRACT_SETTINGS);
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors raised before routing (a malformed percent-encoding, an over-long parameter) and
    // before Fastify (malformed HTTP) are problem details too.
    frameworkErrors: handleError,
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: validatorPerPart() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerJsonBodyParser(app);
  const methods = trackRouteMethods(app, { maxParamLength: MAX_PARAM_LENGTH });
  completeRouteSchemas(app);

  await app.register(swagger, swaggerOptions({ playbooks: () => Object.values(playbooks), escalationId: EscalationId }));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // GET /metrics; its hooks time every route registered after it.
  await app.register(apiMetrics);
  app.addSchema(ProblemSchema);
  app.addSchema(EscalationState);
  app.addSchema(Escalation);
  registerProblemHandlers(app, (request) => ({ allow: methods.allowed(request) }));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { client: opts.client });
  await app.register(playbookRoutes);
  await app.register(templateRoutes, { templates: opts.templates });
  await app.register(escalationRoutes, {
    escalations: new EscalationService(opts.client, opts.taskQueue, { workerWaitMs: opts.workerWaitMs ?? DEFAULT_WORKER_WAIT_MS }),
    directory: opts.directory,
  });
  if (opts.codec) await app.register(codecRoutes, { prefix: '/codec', codec: opts.codec, corsOrigins: opts.codecCorsOrigins ?? [] });
  if (opts.extraRoutes) await opts.extraRoutes(app);
  return app;
}
