import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { Type } from 'typebox';
import { problemResponses } from '../http/openapi.js';
import { problems } from '../problem.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ client: Client }> = async (app, { client }) => {
  const Ok = Type.Object({ status: Type.Literal('ok') });
  app.get('/healthz', { config: { auth: 'public', rateLimit: false }, schema: { summary: 'The process is alive', operationId: 'healthz', tags: ['health'], response: { 200: Ok } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/readyz',
    { config: { auth: 'public', rateLimit: false }, schema: { summary: 'Temporal is reachable', operationId: 'readyz', tags: ['health'], response: { 200: Ok, ...problemResponses(503) } } },
    async () => {
      try {
        await client.withDeadline(Date.now() + 3_000, () => client.workflowService.getSystemInfo({}));
      } catch (err) {
        throw problems.unavailable(`Temporal is not reachable: ${(err as Error).message}`);
      }
      return { status: 'ok' as const };
    },
  );
};
