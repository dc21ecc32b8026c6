// Temporal owns retries: the clients' own retries are off and every error is classified here as
// permanent (no retry, recorded on the escalation's timeline) or transient (retry with backoff,
// honouring the provider's Retry-After).
import { ApplicationFailure } from '@temporalio/common';
import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { DirectoryError } from '../src/directory.js';

export const PERMANENT_DELIVERY_FAILURE = 'PermanentDeliveryFailure';

export function permanent(message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: PERMANENT_DELIVERY_FAILURE,
    message,
    nonRetryable: true,
    ...(details && { details: [details] }),
  });
}

/** Errors of our own making (bad directory entries, bad values) are permanent too. */
function configurationFailure(err: unknown, what: string): Error | undefined {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DirectoryError) return permanent(`${what}: ${err.message}`);
  return undefined;
}

export function slackFailure(err: unknown, what: string): Error {
  const own = configurationFailure(err, what);
  if (own) return own;
  if (err instanceof WebAPIRateLimitedError) {
    return ApplicationFailure.create({
      type: 'SlackRateLimited',
      message: `${what}: rate limited by Slack, retry after ${err.retryAfter}s`,
      nextRetryDelay: `${Math.max(1, err.retryAfter)}s`,
    });
  }
  // `ok: false` answers (invalid_auth, channel_not_found, is_archived, ...) won't change on retry.
  if (err instanceof WebAPIPlatformError) {
    return permanent(`${what}: Slack answered ${String(err.data.error)}`, { provider: 'slack', error: err.data.error });
  }
  return err instanceof Error ? err : new Error(String(err));
}

interface SendGridResponseError extends Error {
  code: number;
  response?: { headers?: Record<string, string>; body?: { errors?: { message?: string; field?: string | null }[] } };
}

function isSendGridResponseError(err: unknown): err is SendGridResponseError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number';
}

export function sendGridFailure(err: unknown, what: string): Error {
  const own = configurationFailure(err, what);
  if (own) return own;
  if (!isSendGridResponseError(err)) return err instanceof Error ? err : new Error(String(err));
  const reasons = (err.response?.body?.errors ?? [])
    .map((e) => (e.field ? `${e.field}: ${e.message ?? ''}` : (e.message ?? '')))
    .join('; ');
  if (err.code === 429) {
    // SendGrid sends no Retry-After; X-RateLimit-Reset is the epoch second the window reopens.
    const reset = Number(err.response?.headers?.['x-ratelimit-reset'] ?? 0);
    const retryAfter = reset > 0 ? Math.ceil(reset - Date.now() / 1000) : 0;
    return ApplicationFailure.create({
      type: 'SendGridRateLimited',
      message: `${what}: rate limited by SendGrid`,
      ...(retryAfter > 0 && { nextRetryDelay: `${retryAfter}s` }),
    });
  }
  if (err.code >= 400 && err.code < 500) {
    return permanent(`${what}: SendGrid answered ${err.code}${reasons ? `: ${reasons}` : ''}`, {
      provider: 'sendgrid',
      status: err.code,
    });
  }
  return new Error(`${what}: SendGrid answered ${err.code}${reasons ? `: ${reasons}` : ''}`);
}
