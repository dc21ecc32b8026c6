// The Fastify application as a plugin-built instance: docs first, then the problem handlers,
// then the routes. It never listens: server.ts owns the socket, tests use app.inject.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Directory } from './directory.js';
import { EscalationService } from './escalations/service.js';
import { ProblemSchema, registerProblemHandlers } from './problem.js';
import { codecRoutes } from './routes/codec.js';
import { escalationRoutes } from './routes/escalations.js';
import { apiMetrics } from './routes/metrics.js';
import { healthRoutes } from './routes/health.js';
import { playbookRoutes } from './routes/playbooks.js';
import { templateRoutes } from './routes/templates.js';
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
  /** Extra routes (e.g. the dev outbox on the embedded default). */
  extraRoutes?: (app: FastifyInstance) => PromiseLike<unknown>;
  /** The payload codec (PAYLOAD_CODEC_KEYS): serves POST /codec/decode and /codec/encode for the Web UI. */
  codec?: PayloadCodec | undefined;
  /** Browser origins allowed to call the codec endpoint (CODEC_CORS_ORIGINS). */
  codecCorsOrigins?: string[] | undefined;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'escalation-engine',
        version: '0.1.0',
        description: 'Start escalations, deliver events from people, read what each escalation waits for.',
      },
      tags: [{ name: 'escalations' }, { name: 'playbooks' }, { name: 'templates' }, { name: 'health' }, { name: 'codec' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // GET /metrics; its hooks time every route registered after it.
  await app.register(apiMetrics);
  await app.register(formbody);
  app.addSchema(ProblemSchema);
  app.addSchema(EscalationState);
  app.addSchema(Escalation);
  registerProblemHandlers(app);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { client: opts.client });
  await app.register(playbookRoutes);
  await app.register(templateRoutes, { templates: opts.templates });
  await app.register(escalationRoutes, {
    escalations: new EscalationService(opts.client, opts.taskQueue),
    directory: opts.directory,
  });
  if (opts.codec) await app.register(codecRoutes, { codec: opts.codec, corsOrigins: opts.codecCorsOrigins ?? [] });
  if (opts.extraRoutes) await opts.extraRoutes(app);
  return app;
}
