// The Fastify application as a plugin-built instance: security headers, docs, the problem
// handlers, authentication and rate limits, then the routes. It never listens: server.ts owns the
// socket, tests use app.inject.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
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
import { EventGateway } from './escalations/events.js';
import { EscalationService } from './escalations/service.js';
import { HttpProblem, ProblemSchema, registerProblemHandlers } from './problem.js';
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
import { Escalation, EscalationState } from './routes/schemas.js';

export interface AppOptions {
  client: Client;
  taskQueue: string;
  directory: Directory;
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
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const identities = new Identities(opts.directory);
  const authenticator = new Authenticator(opts.auth.apiKeys, opts.auth, identities);

  // Security headers on every answer. Pages that need more (Swagger UI, the outbox page, template
  // previews) send their own Content-Security-Policy. No upgrade-insecure-requests: the embedded
  // default serves plain http on localhost.
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'escalation-engine',
        version: '0.1.0',
        description:
          'Start escalations, deliver events from people, read what each escalation waits for. Every route but health and ' +
          'docs needs a credential (`Authorization: Bearer <API key or OIDC token>`); the route says which scope.',
      },
      tags: [{ name: 'escalations' }, { name: 'playbooks' }, { name: 'templates' }, { name: 'health' }, { name: 'codec' }],
      components: { securitySchemes: securitySchemes(authenticator.oidc) as never },
    },
  });
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
  registerProblemHandlers(app);

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

  const escalations = new EscalationService(opts.client, opts.taskQueue);
  const events = new EventGateway(escalations, identities, opts.access, app.log);

  app.get('/openapi.json', { config: { auth: 'public', rateLimit: false }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { client: opts.client });
  await app.register(playbookRoutes);
  await app.register(templateRoutes, { templates: opts.templates });
  await app.register(escalationRoutes, { escalations, events, directory: opts.directory, identities });
  if (opts.codec) {
    await app.register(codecRoutes, { codec: opts.codec, corsOrigins: opts.codecCorsOrigins ?? [], localOnly: opts.codecLocalOnly ?? false });
  }

  const slackHandler = opts.slack
    ? new SlackHandler({ web: opts.slack, events, escalations, identities, directory: opts.directory, log: app.log })
    : undefined;
  app.decorate('slackHandler', slackHandler);
  if (slackHandler) {
    await app.register(slackRoutes, { handler: slackHandler, verifier: new SlackRequestVerifier(opts.auth.slackSigningSecret) });
    app.addHook('onClose', async () => slackHandler.drain());
  }
  if (opts.extraRoutes) await opts.extraRoutes(app);
  return app;
}
