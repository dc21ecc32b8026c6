// Slack request signatures: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's signing
// secret, compared in constant time by Slack's own verifier (@slack/bolt's verifySlackRequest,
// imported alone so the API does not load Bolt's HTTP stack). On top of it: the timestamp must be
// within 5 minutes either way (Bolt checks only the past), and a signature seen before is refused
// for as long as it could pass (a replay within the window).
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import { HttpProblem } from '../problem.js';

const WINDOW_S = 5 * 60;

export class SlackSignatureError extends HttpProblem {
  constructor(detail: string) {
    super(401, 'invalid-slack-signature', 'Unauthorized', detail);
  }
}

export class SlackRequestVerifier {
  /** Signatures accepted, with when they leave the window (ms); oldest first. */
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly signingSecret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get configured(): boolean {
    return Boolean(this.signingSecret);
  }

  /** Throws SlackSignatureError (401) unless the request is Slack's, fresh, and not seen before. */
  verify(headers: Record<string, string | string[] | undefined>, rawBody: string): void {
    if (!this.signingSecret) throw new SlackSignatureError('Slack requests are not accepted here: SLACK_SIGNING_SECRET is not set');
    const timestamp = single(headers['x-slack-request-timestamp']);
    const signature = single(headers['x-slack-signature']);
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) {
      throw new SlackSignatureError('missing x-slack-signature or x-slack-request-timestamp');
    }
    const nowMs = this.now();
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > WINDOW_S) {
      throw new SlackSignatureError('x-slack-request-timestamp is more than 5 minutes off: stale or replayed');
    }
    try {
      verifySlackRequest({
        signingSecret: this.signingSecret,
        body: rawBody,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
        nowMilliseconds: nowMs,
      });
    } catch {
      throw new SlackSignatureError('the request signature does not match');
    }
    this.prune(nowMs);
    if (this.#seen.has(signature)) throw new SlackSignatureError('this request was already received (replay)');
    this.#seen.set(signature, (Number(timestamp) + WINDOW_S) * 1000 + 1000);
  }

  private prune(nowMs: number): void {
    for (const [signature, until] of this.#seen) {
      if (until > nowMs) break;
      this.#seen.delete(signature);
    }
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
