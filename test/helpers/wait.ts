// Waiting in tests for what the worker does in real time. An update answers once its handler has
// changed the state; the Slack posts, emails and case notes it queued run afterwards as activities,
// and a timer's workflow task opens a task before it posts the request for it. A condition on the
// state that the workflow sets *before* such an activity says nothing about what the stand-ins hold
// yet: wait for the record the workflow writes *after* the activity returned (`untilMessage`: the
// message in `state.messages`), or for the stand-in's own record (`eventually`).
import type { WorkflowHandle } from '@temporalio/client';
import { vi } from 'vitest';
import { stateQuery } from '../../workflows/kit/messages.js';
import type { SentMessage } from '../../workflows/kit/state.js';

/** How long a wait polls before it fails, in real time: a loaded machine makes the worker slow (seconds), not stuck. */
export const WAIT_MS = 20_000;

/**
 * Reads `read()` until `ok` holds on its value (every 50 ms, at most `timeoutMs` of real time) and
 * returns that value. Fails naming `what` and the last value read.
 */
export function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = WAIT_MS): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!ok(value)) throw new Error(`still waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/**
 * Until the escalation's state lists `count` messages whose step matches `step` (a prefix, or a
 * test), and returns the state. The workflow records a message once its activity returned, so the
 * stand-ins hold every one of them by then.
 */
export async function untilMessage<S extends { messages: SentMessage[] }>(
  handle: WorkflowHandle,
  step: string | ((step: string) => boolean),
  count = 1,
): Promise<S> {
  const matches = typeof step === 'string' ? (s: string) => s.startsWith(step) : step;
  return eventually(
    async () => (await handle.query(stateQuery)) as unknown as S,
    (s) => s.messages.filter((m) => matches(m.step)).length >= count,
    `${count} message(s) ${typeof step === 'string' ? `'${step}…'` : 'matching'} recorded in the state`,
  );
}
