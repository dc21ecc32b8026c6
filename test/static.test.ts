// The type check and the lint (including the workflow determinism rules) are part of the tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url);

async function check(cmd: string, args: string[]) {
  try {
    await run(cmd, args, { cwd: root, maxBuffer: 10 * 1024 * 1024 });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}

describe('static checks', () => {
  it('tsc --noEmit (strict) passes', async () => {
    expect(await check(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'])).toBe('');
  }, 180_000);

  it('eslint passes, with no Node built-ins in workflows/ and no floating promises', async () => {
    expect(await check(process.execPath, ['node_modules/eslint/bin/eslint.js', '.'])).toBe('');
  }, 180_000);
});
