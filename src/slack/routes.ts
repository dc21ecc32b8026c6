// Slack's requests: POST /slack/interactions (buttons, modal submissions, shortcuts) and
// POST /slack/commands (/escalate). Form-encoded bodies are accepted here only, kept raw for the
// signature check, and nothing is done before the signature, the timestamp window and the replay
// check pass. No API credential: Slack's signature is the credential.
import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../problem.js';
import type { SlackHandler } from './handler.js';
import type { SlackRequestVerifier } from './verify.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Slack user behind a verified Slack request (rate limiting keys on it). */
    slackUserId?: string;
  }
}

export interface SlackRoutesOptions {
  handler: SlackHandler;
  verifier: SlackRequestVerifier;
}

const FORM = 'application/x-www-form-urlencoded';

function userOf(form: Record<string, string>): string | undefined {
  if (form.user_id) return form.user_id;
  try {
    const user = (JSON.parse(form.payload ?? '{}') as { user?: { id?: unknown } }).user;
    return typeof user?.id === 'string' ? user.id : undefined;
  } catch {
    return undefined;
  }
}

export const slackRoutes: FastifyPluginAsync<SlackRoutesOptions> = async (app, { handler, verifier }) => {
  // Scoped to this plugin: the JSON API keeps refusing forms, and these routes take nothing else
  // (415 naming the form type, before the body is read or any signature work).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', (request, _payload, done) =>
    done(new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', `Slack requests are ${FORM} (got ${String(request.headers['content-type'] ?? 'no content-type').slice(0, 80)})`), undefined),
  );

  const forms = new WeakMap<object, Record<string, string>>();
  app.addHook('preValidation', async (request) => {
    if (typeof request.body !== 'string') {
      throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', `Slack requests are ${FORM}`);
    }
    verifier.verify(request.headers, request.body);
    const form = Object.fromEntries(new URLSearchParams(request.body));
    forms.set(request, form);
    request.slackUserId = userOf(form);
  });

  const hidden = { hide: true, tags: ['slack'] };

  app.post('/slack/interactions', { config: { auth: 'slack' }, schema: { ...hidden, summary: 'Slack interactivity (signed by Slack)' } }, async (request, reply) => {
    const form = forms.get(request)!;
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload ?? '');
    } catch {
      throw new HttpProblem(400, 'bad-request', 'Bad request', 'payload is not JSON');
    }
    if (typeof payload !== 'object' || payload === null) throw new HttpProblem(400, 'bad-request', 'Bad request', 'payload is not an object');
    const ack = await handler.interaction(payload as { type?: unknown });
    return ack === undefined ? reply.code(200).send() : reply.code(200).send(ack);
  });

  app.post('/slack/commands', { config: { auth: 'slack' }, schema: { ...hidden, summary: 'Slack slash commands (signed by Slack)' } }, async (request, reply) => {
    const form = forms.get(request)!;
    if (!form.user_id || !form.trigger_id) throw new HttpProblem(400, 'bad-request', 'Bad request', 'user_id and trigger_id are required');
    const ack = await handler.command({
      command: form.command ?? '/escalate',
      text: form.text ?? '',
      user_id: form.user_id,
      channel_id: form.channel_id ?? '',
      trigger_id: form.trigger_id,
    });
    return ack === undefined ? reply.code(200).send() : reply.code(200).send(ack);
  });
};
