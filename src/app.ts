// The Fastify application as a plugin-built instance: body parsing and limits, security headers,
// docs, the problem handlers, authentication and rate limits, then the routes. It never listens:
// server.ts owns the socket, tests use app.inject.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { Authenticator, installAuth, securitySchemes } from './auth/http.js';
import { Identities, principalKey } from './auth/principal.js';
import type { AccessSettings } from './auth/rules.js';
import type { AuthSettings } from './auth/settings.js';
import type { Directory } from './directory.js';
import type { AllPlaybookSettings } from './playbooks.js';
import { EventGateway } from './escalations/events.js';
import { EscalationService } from './escalations/service.js';
import { compileSchemas } from './escalations/intake.js';
import { BODY_LIMIT_BYTES, registerJsonBodyParser } from './http/json-body.js';
import { validatorPerPart } from './http/validation.js';
import { trackRouteMethods } from './http/methods.js';
import { completeRouteSchemas, swaggerOptions } from './http/openapi.js';
import { playbooks } from './playbooks.js';
import { clientErrorHandler, handleError, HttpProblem, ProblemSchema, registerProblemHandlers } from './problem.js';
import { codecRoutes } from './routes/codec.js';
import { escalationRoutes } from './routes/escalations.js';
import { apiMetrics } from './routes/metrics.js';
import { healthRoutes } from './routes/health.js';
import { playbookRoutes } from './routes/playbooks.js';
import { templateRoutes } from './routes/templates.js';
import { SlackHandler } from './slack/handler.js';
import { slackRoutes } from './slack/routes.js';
import { SlackRequestVerifier } from './slack/verify.js';
import type { TemplateCatalog } from '../activities/email/templates.js';
import { Escalation, EscalationId, EscalationListItem, EscalationState } from './routes/schemas.js';
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
  /** Each playbook's deployment settings (config.playbookSettings); default: every setting's default. */
  playbookSettings?: AllPlaybookSettings | undefined;
  /** A pino logger; none means silent (tests). */
  logger?: FastifyBaseLogger;
  /** Email templates for the preview routes. */
  templates: TemplateCatalog;
  /** API keys, OIDC, the Slack signing secret (src/auth/settings.ts). */
  auth: AuthSettings;
  /** What the role rules' limits read (FINANCE_SKIP_LIMIT_PERCENT, ...). */
  access: AccessSettings;
  /** Requests per minute per credential. */
  rateLimitPerMinute: number;
  /** The Slack Web API client (bot token or the local stand-in) that answers Slack interactions. */
  slack?: WebClient | undefined;
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
  /**
   * The codec endpoint without credentials, for this machine only (the embedded default, whose
   * Web UI has no login to pass a token); otherwise it needs `escalations:read`.
   */
  codecLocalOnly?: boolean | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Slack interactivity; `drain()` waits for the work started after acknowledging Slack. */
    slackHandler: SlackHandler | undefined;
  }
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
    // A response schema with anyOf (the start's and the event's answers) picks its branch with Ajv
    // validators: compiled when the app is built, not by the first request of each kind (50-120 ms).
    serializerOpts: { compileValidators: true },
    schemaController: { compilersFactory: { buildValidator: validatorPerPart() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON is the one body type (415 otherwise); the Slack routes add their form parser in their own scope.
  registerJsonBodyParser(app);
  const methods = trackRouteMethods(app, { maxParamLength: MAX_PARAM_LENGTH });
  completeRouteSchemas(app);

  const identities = new Identities(opts.directory);
  const authenticator = new Authenticator(opts.auth.apiKeys, opts.auth, identities);

  // Security headers on every answer (helmet's). Pages that need more (Swagger UI, the outbox page,
  // template previews) send their own Content-Security-Policy. No upgrade-insecure-requests: the
  // embedded default serves plain http on localhost. The middleware is built once: @fastify/helmet
  // built it again for every request (its options parsed and checked each time, about 0.2 ms).
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
  await app.register(
    swagger,
    swaggerOptions({ playbooks: () => Object.values(playbooks), escalationId: EscalationId, securitySchemes: securitySchemes(authenticator.oidc) }),
  );
  installAuth(app, authenticator);
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });
  // GET /metrics; its hooks time every route registered after it.
  await app.register(apiMetrics);
  app.addSchema(ProblemSchema);
  app.addSchema(EscalationState);
  app.addSchema(Escalation);
  app.addSchema(EscalationListItem);
  registerProblemHandlers(app, (request) => ({ allow: methods.allowed(request) }));

  // After authentication (onRequest) and Slack's signature check (preValidation): keyed per
  // credential, so one noisy tool cannot starve the others.
  await app.register(rateLimit, {
    hook: 'preHandler',
    max: opts.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) =>
      request.principal ? principalKey(request.principal) : request.slackUserId ? `slack:${request.slackUserId}` : `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'rate-limited', 'Too many requests', `more than ${context.max} requests per minute for this credential; retry after ${context.after}`),
  });

  compileSchemas(Object.values(playbooks));
  const escalations = new EscalationService(opts.client, opts.taskQueue, {
    workerWaitMs: opts.workerWaitMs ?? DEFAULT_WORKER_WAIT_MS,
    playbookSettings: (playbook) => opts.directory.settings(playbook),
  });
  const events = new EventGateway(escalations, identities, opts.access, app.log);

  app.get('/openapi.json', { config: { auth: 'public', rateLimit: false }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { client: opts.client });
  await app.register(playbookRoutes);
  await app.register(templateRoutes, { templates: opts.templates });
  await app.register(escalationRoutes, { escalations, events, directory: opts.directory, identities, playbookSettings: opts.playbookSettings });
  if (opts.codec) {
    await app.register(codecRoutes, {
      prefix: '/codec',
      codec: opts.codec,
      corsOrigins: opts.codecCorsOrigins ?? [],
      localOnly: opts.codecLocalOnly ?? false,
    });
  }

  const slackHandler = opts.slack
    ? new SlackHandler({ web: opts.slack, events, escalations, identities, directory: opts.directory, playbookSettings: opts.playbookSettings, log: app.log })
    : undefined;
  app.decorate('slackHandler', slackHandler);
  if (slackHandler) {
    await app.register(slackRoutes, { handler: slackHandler, verifier: new SlackRequestVerifier(opts.auth.slackSigningSecret) });
    app.addHook('onClose', async () => slackHandler.drain());
  }
  if (opts.extraRoutes) await opts.extraRoutes(app);
  return app;
}
