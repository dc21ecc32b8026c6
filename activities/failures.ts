// Temporal owns retries: the clients' own retries are off and every error is classified here as
// permanent (no retry, recorded on the escalation's timeline) or transient (retry with backoff,
// honouring the provider's Retry-After).
//
// Slack                                   | SendGrid
// HTTP 429 -> retry after Retry-After      | 429 -> retry after X-RateLimit-Reset (else backoff)
// HTTP 5xx, 408, network, timeout -> retry | 5xx, network, timeout -> retry
// ok:false internal_error, fatal_error,    | other 4xx (400 bad request, 401 bad key, 403, 413)
//   service_unavailable, ... -> retry      |   -> permanent, with SendGrid's error text
// any other ok:false (invalid_auth,        |
//   channel_not_found, not_in_channel,     |
//   is_archived, ...) -> permanent         |
// other HTTP 4xx -> permanent              |
import { ApplicationFailure } from '@temporalio/common';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { DirectoryError } from '../src/directory.js';
import { SlackBlocksError } from './slack-blocks.js';

/** Failure type of every error that must not be retried. */
export const PERMANENT_DELIVERY_FAILURE = 'PermanentDeliveryFailure';
/** Failure types of retryable errors (the activity's retry policy applies). */
export const RATE_LIMITED = { slack: 'SlackRateLimited', sendgrid: 'SendGridRateLimited' } as const;
export const TRANSIENT_DELIVERY_FAILURE = 'TransientDeliveryFailure';

export function permanent(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: PERMANENT_DELIVERY_FAILURE,
    message,
    nonRetryable: true,
    ...(details && { details: [details] }),
  });
}

function transient(message: string, cause: unknown, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: TRANSIENT_DELIVERY_FAILURE,
    message,
    ...(cause instanceof Error && { cause }),
    ...(details && { details: [details] }),
  });
}

/** Errors of our own making (bad directory entries, bad values, unbuildable blocks) are permanent too. */
function configurationFailure(err: unknown, what: string): Error | undefined {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DirectoryError || err instanceof SlackBlocksError) return permanent(`${what}: ${err.message}`);
  return undefined;
}

/**
 * `ok: false` answers that Slack documents as "try again": everything else (invalid_auth,
 * channel_not_found, not_in_channel, is_archived, invalid_blocks, missing_scope, ...) won't change
 * on retry.
 */
export const TRANSIENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
]);

export function slackFailure(err: unknown, what: string): Error {
  const own = configurationFailure(err, what);
  if (own) return own;
  if (err instanceof WebAPIRateLimitedError) {
    return ApplicationFailure.create({
      type: RATE_LIMITED.slack,
      message: `${what}: rate limited by Slack, retry after ${err.retryAfter}s`,
      nextRetryDelay: `${Math.max(1, err.retryAfter)}s`,
    });
  }
  if (err instanceof WebAPIPlatformError) {
    const error = String(err.data.error);
    const explanations = (err.data.response_metadata?.messages ?? []).slice(0, 3);
    const message = `${what}: Slack answered ${error}${explanations.length ? ` (${explanations.join('; ')})` : ''}`;
    if (TRANSIENT_SLACK_ERRORS.has(error)) return transient(message, err, { provider: 'slack', error });
    return permanent(message, { provider: 'slack', error });
  }
  if (err instanceof WebAPIHTTPError) {
    const message = `${what}: Slack answered HTTP ${err.statusCode} ${err.statusMessage}`.trim();
    // Slack only uses 200 and 429 on purpose; 5xx is an outage, another 4xx a wrong API URL or proxy.
    if (err.statusCode >= 500 || err.statusCode === 408) return transient(message, err, { provider: 'slack', status: err.statusCode });
    return permanent(message, { provider: 'slack', status: err.statusCode });
  }
  if (err instanceof WebAPIRequestError) {
    // No answer (connection refused, reset, timeout): Slack may or may not have acted on it.
    return transient(`${what}: no answer from Slack (${err.original.message})`, err, { provider: 'slack' });
  }
  return err instanceof Error ? err : new Error(String(err));
}

interface SendGridResponseError extends Error {
  code: number;
  response?: { headers?: Record<string, string>; body?: unknown };
}

function isSendGridResponseError(err: unknown): err is SendGridResponseError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number';
}

/** SendGrid's own explanation: `errors[].message` (with the field), joined. */
function sendGridReasons(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return typeof body === 'string' ? body.slice(0, 500) : '';
  return errors
    .map((e: { message?: unknown; field?: unknown }) => {
      const message = typeof e.message === 'string' ? e.message : '';
      return typeof e.field === 'string' && e.field ? `${e.field}: ${message}` : message;
    })
    .filter((m) => m !== '')
    .join('; ');
}

export function sendGridFailure(err: unknown, what: string): Error {
  const own = configurationFailure(err, what);
  if (own) return own;
  if (!isSendGridResponseError(err)) {
    // No HTTP answer (connection refused, timeout): SendGrid may or may not have accepted the mail.
    const detail = err instanceof Error ? err.message : String(err);
    return transient(`${what}: no answer from SendGrid (${detail})`, err, { provider: 'sendgrid' });
  }
  const reasons = sendGridReasons(err.response?.body);
  const answered = `${what}: SendGrid answered ${err.code}${reasons ? `: ${reasons}` : ''}`;
  if (err.code === 429) {
    // SendGrid sends no Retry-After; X-RateLimit-Reset is the epoch second the window reopens.
    const reset = Number(err.response?.headers?.['x-ratelimit-reset'] ?? 0);
    const retryAfter = reset > 0 ? Math.ceil(reset - Date.now() / 1000) : 0;
    return ApplicationFailure.create({
      type: RATE_LIMITED.sendgrid,
      message: `${what}: rate limited by SendGrid${retryAfter > 0 ? `, retry after ${retryAfter}s` : ''}`,
      ...(retryAfter > 0 && { nextRetryDelay: `${retryAfter}s` }),
    });
  }
  if (err.code >= 400 && err.code < 500) return permanent(answered, { provider: 'sendgrid', status: err.code });
  return transient(answered, err, { provider: 'sendgrid', status: err.code });
}
