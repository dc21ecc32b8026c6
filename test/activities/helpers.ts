// Shared by the activity tests: run an activity as Temporal would on a given attempt, the real
// clients (createClients) pointed at the stand-ins, and checks on the failures activities throw.
import { createServer } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import { expect } from 'vitest';
import { PERMANENT_DELIVERY_FAILURE } from '../../activities/failures.js';

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs `fn(input)` in an activity context on attempt `attempt`. `scheduledAt` is when Temporal first
 * scheduled the activity (the same for every attempt of one activity).
 */
export function runAttempt<I, O>(fn: (input: I) => Promise<O>, input: I, attempt = 1, scheduledAt = Date.now()): Promise<O> {
  const env = new MockActivityEnvironment(
    { attempt, scheduledTimestampMs: scheduledAt, currentAttemptScheduledTimestampMs: Date.now() },
    { logger: quiet },
  );
  return env.run(fn, input);
}

/** The ApplicationFailure a promise rejects with (fails the test if it resolves or throws anything else). */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

/** Temporal will not retry it, and the timeline gets the message. */
export function expectPermanent(failure: ApplicationFailure, messagePart: string | RegExp): void {
  expect(failure.type).toBe(PERMANENT_DELIVERY_FAILURE);
  expect(failure.nonRetryable).toBe(true);
  if (typeof messagePart === 'string') expect(failure.message).toContain(messagePart);
  else expect(failure.message).toMatch(messagePart);
}

/** Temporal will retry it with the policy's backoff (or `nextRetryDelay`). */
export function expectRetryable(failure: ApplicationFailure, type: string, nextRetryDelay?: string): void {
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBeFalsy();
  if (nextRetryDelay === undefined) expect(failure.nextRetryDelay).toBeUndefined();
  else expect(failure.nextRetryDelay).toBe(nextRetryDelay);
}

/**
 * createClients gives the Slack client a 20 s timeout; the ambiguous-failure tests need one shorter
 * than the stand-in's `acceptThenHang`. WebClient reads its (private) `timeout` field per request.
 */
export function setSlackTimeout(slack: WebClient, ms: number): void {
  expect(Reflect.get(slack, 'timeout')).toBeTypeOf('number');
  Reflect.set(slack, 'timeout', ms);
}

/** A local URL where nothing listens (connection refused). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
