// Slack's request signatures, checked with Slack's own verifier plus a window both ways and a
// replay guard; the clock is injected, so the 5-minute window is tested at its real size.
import { describe, expect, it } from 'vitest';
import { SlackRequestVerifier, SlackSignatureError } from '../../src/slack/verify.js';
import { signSlackRequest } from '../../src/stand-ins/slack-interactions.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

function headers(ts: number, secret = SECRET, b = body) {
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(secret, ts, b) };
}

describe('Slack request verification', () => {
  it("accepts Slack's signature once within 5 minutes either way; refuses a replay, a late one, an early one, a forged one", () => {
    let now = 1_800_000_000_000;
    const v = new SlackRequestVerifier(SECRET, () => now);
    const ts = now / 1000;
    expect(() => v.verify(headers(ts), body)).not.toThrow();
    expect(() => v.verify(headers(ts), body)).toThrow(/replay/);
    expect(() => v.verify(headers(ts - 300), body)).not.toThrow(); // exactly 5 minutes old
    expect(() => v.verify(headers(ts - 301), body)).toThrow(/more than 5 minutes/);
    expect(() => v.verify(headers(ts + 301), body)).toThrow(/more than 5 minutes/);
    expect(() => v.verify(headers(ts + 1, 'another-secret'), body)).toThrow(/does not match/);
    expect(() => v.verify(headers(ts + 2), `${body}x`)).toThrow(/does not match/);
    expect(() => v.verify({ 'x-slack-request-timestamp': String(ts + 3) }, body)).toThrow(/missing/);
    expect(() => v.verify({ ...headers(ts + 4), 'x-slack-signature': 'v1=abc' }, body)).toThrow(SlackSignatureError);
    // Once out of the window, the remembered signature is forgotten (and could not pass anyway).
    now += 10 * 60_000;
    expect(() => v.verify(headers(ts), body)).toThrow(/more than 5 minutes/);
  });

  it('without a signing secret every request is refused', () => {
    const v = new SlackRequestVerifier(undefined);
    expect(v.configured).toBe(false);
    expect(() => v.verify(headers(Math.floor(Date.now() / 1000)), body)).toThrow(/SLACK_SIGNING_SECRET is not set/);
  });
});
