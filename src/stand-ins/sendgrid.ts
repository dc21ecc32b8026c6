// A local SendGrid v3 API (POST /v3/mail/send) that @sendgrid/mail talks to unmodified: after
// `client.setApiKey(key)`, `client.setDefaultRequest('baseUrl', url)` (in that order: setApiKey
// resets the base URL). Validates like SendGrid, answers 202 + X-Message-Id, records to the outbox.
import { randomBytes } from 'node:crypto';
import { bearerToken, FailureQueue, readBody, sendJson, startServer } from './http.js';
import { Outbox } from './outbox.js';
import type { EmailAddress, EmailOutboxRecord } from './outbox-schema.js';
import { BAD_REQUEST, validateMailSend, type SendGridError } from './sendgrid-validate.js';
import { MemoryStore, type StandInStore } from './store.js';

/**
 * What the next request(s) should get instead of the normal answer:
 * - `{ status, retryAfter? }`: that status with a SendGrid error body (429 carries X-RateLimit-*
 *   headers, the reset `retryAfter` seconds ahead);
 * - `{ acceptThenHang: ms }`: the mail is accepted and recorded, but the 202 comes `ms` late, so a
 *   caller with a shorter timeout sees a failure for a mail that was in fact sent.
 */
export type SendGridFailure = { status: number; retryAfter?: number } | { acceptThenHang: number };

export interface SendGridStandInOptions {
  host?: string;
  port?: number;
  /** The only API key accepted. */
  apiKey: string;
  outbox?: Outbox;
  /** Keeps the accepted emails across restarts; default in memory only. */
  store?: StandInStore;
}

/** One request the stand-in answered. */
export interface SendGridCall {
  at: string;
  method: string;
  path: string;
  status: number;
  messageId?: string;
  /** The parsed JSON body, if it parsed. */
  body?: unknown;
  errors?: SendGridError[];
}

export interface SendGridStandIn {
  /** Base URL for `client.setDefaultRequest('baseUrl', url)`. */
  readonly url: string;
  readonly outbox: Outbox;
  failNext(failure: SendGridFailure, times?: number): void;
  /** Forgets messages (in the store too), calls and queued failures (the outbox is left alone). */
  reset(): void;
  /** Accepted emails, one per personalization, oldest first. */
  messages(): EmailOutboxRecord[];
  calls(): SendGridCall[];
  close(): Promise<void>;
}

const MESSAGES = 'sendgrid.messages';
const MAX_BODY = 30 * 1024 * 1024; // "The total size of your email, including attachments, must be less than 30MB."

const errorBody = (message: string): { errors: SendGridError[] } => ({ errors: [{ message, field: null, help: null }] });

export async function startSendGridStandIn(options: SendGridStandInOptions): Promise<SendGridStandIn> {
  const outbox = options.outbox ?? new Outbox();
  const failures = new FailureQueue<SendGridFailure>();
  const store = options.store ?? new MemoryStore();
  let sent = store.list<EmailOutboxRecord>(MESSAGES);
  let callLog: SendGridCall[] = [];

  const server = await startServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const method = req.method ?? 'GET';
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}, extra: Partial<SendGridCall> = {}) => {
      callLog.push({ at: new Date().toISOString(), method, path, status, ...extra });
      sendJson(res, status, body, headers);
    };

    const { body: raw, tooLarge, malformed } = await readBody(req, MAX_BODY);
    if (path !== '/v3/mail/send') return respond(404, errorBody('not found'));
    if (method !== 'POST') return respond(405, errorBody('method not allowed'));

    const failure = failures.take('*');
    if (failure && 'status' in failure) {
      const headers: Record<string, string> = {};
      if (failure.status === 429) {
        Object.assign(headers, {
          'x-ratelimit-limit': '600',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (failure.retryAfter ?? 1)),
        });
      }
      return respond(failure.status, errorBody(failure.status === 429 ? 'too many requests' : 'internal server error'), headers);
    }

    // The size cap is enforced at SendGrid's edge, before the key is looked at.
    if (tooLarge) return respond(413, errorBody('content too large'));
    const key = bearerToken(req);
    if (key === undefined) return respond(401, errorBody('authorization required'));
    if (key !== options.apiKey) return respond(401, errorBody('The provided authorization grant is invalid, expired, or revoked'));

    let body: unknown;
    try {
      if (malformed) throw new Error('bad gzip');
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return respond(400, { errors: [BAD_REQUEST] }, {}, { errors: [BAD_REQUEST] });
    }
    const errors = validateMailSend(body);
    if (errors.length > 0) return respond(400, { errors }, {}, { body, errors });

    const messageId = randomBytes(16).toString('base64url').slice(0, 22);
    const records = toRecords(body as MailSend, messageId).map((r) => outbox.append(r) as EmailOutboxRecord);
    sent.push(...records);
    store.transaction(() => records.forEach((r) => store.put(MESSAGES, r.id, r)));
    callLog.push({ at: new Date().toISOString(), method, path, status: 202, messageId, body });
    if (failure && 'acceptThenHang' in failure) await server.delay(failure.acceptThenHang);
    if (res.destroyed || res.writableEnded) return;
    // SendGrid's 202 has an empty body; the id is only in the header.
    res.writeHead(202, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0', 'x-message-id': messageId });
    res.end();
  }, options.host, options.port);

  return {
    url: server.origin,
    outbox,
    failNext(failure, times = 1) {
      failures.add('*', failure, times);
    },
    reset() {
      failures.clear();
      sent = [];
      store.clear(MESSAGES);
      callLog = [];
    },
    messages: () => [...sent],
    calls: () => [...callLog],
    close: () => server.close(),
  };
}

// The parts of a validated mail/send body the outbox keeps.
interface Personalization {
  to?: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  from?: EmailAddress;
  subject?: string;
  custom_args?: Record<string, string>;
  substitutions?: Record<string, unknown>;
  dynamic_template_data?: Record<string, unknown>;
}

interface MailSend {
  personalizations: Personalization[];
  from: EmailAddress;
  reply_to?: EmailAddress;
  subject?: string;
  content?: { type: string; value: string }[];
  custom_args?: Record<string, string>;
  categories?: string[];
  template_id?: string;
  attachments?: { filename: string; type?: string; content: string }[];
}

function toRecords(mail: MailSend, messageId: string): Omit<EmailOutboxRecord, 'id' | 'at'>[] {
  const text = mail.content?.find((c) => c.type.toLowerCase() === 'text/plain')?.value;
  const html = mail.content?.find((c) => c.type.toLowerCase() === 'text/html')?.value;
  return mail.personalizations.map((p) => {
    // SendGrid applies a personalization's substitutions to subject and content.
    const substitute = (s: string | undefined) =>
      s === undefined
        ? undefined
        : Object.entries(p.substitutions ?? {}).reduce((acc, [tag, value]) => acc.split(tag).join(String(value)), s);
    const customArgs = { ...mail.custom_args, ...p.custom_args };
    const subject = substitute(p.subject ?? mail.subject);
    const pText = substitute(text);
    const pHtml = substitute(html);
    const escalationId = customArgs.escalation_id;
    return {
      kind: 'email' as const,
      ...(escalationId ? { escalationId } : {}),
      messageId,
      from: address(p.from ?? mail.from),
      ...(mail.reply_to ? { reply_to: address(mail.reply_to) } : {}),
      to: (p.to ?? []).map(address),
      cc: (p.cc ?? []).map(address),
      bcc: (p.bcc ?? []).map(address),
      ...(subject === undefined ? {} : { subject }),
      ...(pText === undefined ? {} : { text: pText }),
      ...(pHtml === undefined ? {} : { html: pHtml }),
      custom_args: customArgs,
      categories: mail.categories ?? [],
      ...(mail.template_id ? { template_id: mail.template_id } : {}),
      ...(p.dynamic_template_data ? { dynamic_template_data: p.dynamic_template_data } : {}),
      ...(mail.attachments
        ? {
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              ...(a.type ? { type: a.type } : {}),
              bytes: Buffer.from(a.content, 'base64').length,
            })),
          }
        : {}),
    };
  });
}

function address(a: EmailAddress): EmailAddress {
  return a.name ? { email: a.email, name: a.name } : { email: a.email };
}
