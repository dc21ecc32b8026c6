// /templates: the client email templates and a preview of each, rendered with example values, so a
// team lead can see what a client will receive.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isTemplateName, locales, templateFlagNames, templateValueNames, type TemplateCatalog, type TemplateFlagName } from '../../activities/email/templates.js';
import { problems } from '../problem.js';
import { problemResponses } from '../http/openapi.js';

export interface TemplateRoutesOptions {
  templates: TemplateCatalog;
}

const LocaleSchema = Type.Enum([...locales], { description: 'Template language' });

export const TemplateInfoSchema = Type.Object({
  name: Type.String({ description: 'Template name, as playbooks send it' }),
  description: Type.String({ description: 'When the template is sent' }),
  locales: Type.Array(LocaleSchema),
  requiredValues: Type.Array(Type.Enum([...templateValueNames]), {
    description: 'Values the template may print (some only under a flag); rendering fails (nothing is sent) when one the chosen text prints is missing',
  }),
  flags: Type.Array(Type.Enum([...templateFlagNames]), {
    description: "Flags its sections depend on (e.g. ownerOnline: the booking owner is online, not 'out of the office'); unset flags read as the SOP wrote it",
  }),
});

export const TemplateListResponse = Type.Object({ templates: Type.Array(TemplateInfoSchema) });

export const PreviewParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'Template name' }) });

export const PreviewQuery = Type.Object(
  {
    locale: Type.Optional(Type.Enum([...locales], { default: 'en', description: 'Template language' })),
    format: Type.Optional(
      Type.Enum(['html', 'text'], { default: 'html', description: 'html: the email as the client sees it; text: subject and plain-text part' }),
    ),
    flags: Type.Optional(
      Type.String({
        pattern: `^((${templateFlagNames.join('|')})(,(${templateFlagNames.join('|')}))*)?$`,
        description: `Comma-separated flags to set (${templateFlagNames.join(', ')}); none: the SOP's own situation`,
      }),
    ),
  },
  { additionalProperties: false },
);

/** The preview is a whole email document: its own inline styles and remote fonts/images, nothing else. */
export const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline' https:; font-src https: data:; img-src http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export const templateRoutes: FastifyPluginAsyncTypebox<TemplateRoutesOptions> = async (app, { templates }) => {
  app.get(
    '/templates',
    {
      schema: {
        summary: 'The client email templates',
        operationId: 'listTemplates',
        tags: ['templates'],
        response: { 200: TemplateListResponse },
      },
    },
    async () => ({ templates: templates.list() }),
  );

  app.get(
    '/templates/:name/preview',
    {
      schema: {
        summary: 'A template rendered with example values',
        operationId: 'previewTemplate',
        description: 'The email a client would receive, filled with fictitious example values (HTML, or subject and plain text).',
        tags: ['templates'],
        params: PreviewParams,
        querystring: PreviewQuery,
        produces: ['text/html', 'text/plain'],
        response: {
          200: {
            description: 'The rendered email',
            content: {
              'text/html': { schema: Type.String() },
              'text/plain': { schema: Type.String() },
            },
          },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const locale = request.query.locale ?? 'en';
      const format = request.query.format ?? 'html';
      if (!isTemplateName(name)) throw problems.notFound(`No email template '${name}'; GET /templates lists them`);
      const flags = Object.fromEntries((request.query.flags ?? '').split(',').filter(Boolean).map((f) => [f as TemplateFlagName, true]));
      const email = templates.render(name, locale, templates.exampleValues(name, locale), flags);
      void reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
      if (format === 'text') {
        return reply.type('text/plain; charset=utf-8').send(`Subject: ${email.subject}\n\n${email.text}\n`);
      }
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PREVIEW_CSP).send(email.html);
    },
  );
};
