import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { whoMay } from '../auth/rules.js';
import { publishedSchema } from '../http/openapi.js';
import { playbooks } from '../playbooks.js';

const Rule = Type.Object({
  id: Type.String({ description: 'Named in a 403 refused-by-rule' }),
  events: Type.Array(Type.String()),
  onlyWhen: Type.Boolean({ description: 'The rule governs only some of these events (e.g. resolution-proposed without finance approval)' }),
  allowed: Type.String({ description: 'Who may send them' }),
  limited: Type.Boolean({ description: 'Beyond who, a configured limit applies' }),
  source: Type.String(),
});

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
                listFilters: Type.Record(Type.String(), Type.Object({ searchAttribute: Type.String(), description: Type.String(), pattern: Type.String() }), {
                  description: 'Query parameters of GET /escalations?playbook=<name> the playbook declares, each on one of its search attributes',
                }),
                settingsSchema: Type.Union([Type.Unknown(), Type.Null()], {
                  description: "The schema of the playbook's section of the directory file (playbooks.<name>), or null",
                }),
                rules: Type.Array(Rule, { description: 'Who may send which event (role checks); events no rule names are open' }),
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
        listFilters: Object.fromEntries(
          Object.entries(p.listFilters ?? {}).map(([name, f]) => [name, { searchAttribute: f.key.name, description: f.description, pattern: f.pattern }]),
        ),
        settingsSchema: p.settings ? publishedSchema(p.settings.schema) : null,
        rules: (p.access?.rules ?? []).map((r) => ({
          id: r.id,
          events: [...r.events],
          onlyWhen: Boolean(r.when),
          allowed: whoMay(r as never),
          limited: Boolean(r.limit),
          source: r.source,
        })),
      })),
    }),
  );
};
