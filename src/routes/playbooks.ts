import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { publishedSchema } from '../http/openapi.js';
import { playbooks } from '../playbooks.js';

export const playbookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/playbooks',
    {
      schema: {
        summary: 'Each playbook with its input schema and event types',
        operationId: 'listPlaybooks',
        tags: ['playbooks'],
        response: {
          200: Type.Object({
            playbooks: Type.Array(
              Type.Object({
                name: Type.String(),
                title: Type.String(),
                description: Type.String(),
                inputSchema: Type.Unknown(),
                events: Type.Record(Type.String(), Type.Unknown()),
                statuses: Type.Array(Type.String(), { description: 'Its statuses (EscalationStatus; GET /escalations?status=)' }),
                outcomes: Type.Array(Type.String()),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      playbooks: Object.values(playbooks).map((p) => ({
        name: p.name,
        title: p.title,
        description: p.description,
        inputSchema: publishedSchema(p.inputSchema),
        events: Object.fromEntries(Object.entries(p.events).map(([type, schema]) => [type, publishedSchema(schema)])),
        statuses: [...p.statuses],
        outcomes: [...p.outcomes],
      })),
    }),
  );
};
