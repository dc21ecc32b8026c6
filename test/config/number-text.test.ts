// Settings are text in the environment; a number must mean what was written (src/number-text.ts).
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, parseEnv } from '../../src/config.js';
import { convertEnvText } from '../../src/number-text.js';

describe('numbers in environment variables', () => {
  it('takes decimal text, with spaces around or a sign', () => {
    expect(parseEnv({ PORT: ' 8080 ' }).PORT).toBe(8080);
    expect(parseEnv({ RATE_LIMIT_PER_MINUTE: '+120' }).RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(parseEnv({ FINANCE_SKIP_LIMIT_PERCENT: '12.5' }).FINANCE_SKIP_LIMIT_PERCENT).toBe(12.5);
    expect(parseEnv({ FINANCE_SKIP_LIMIT_PERCENT: '.5' }).FINANCE_SKIP_LIMIT_PERCENT).toBe(0.5);
  });

  it.each([
    ['PORT', '8080.5', 'must be integer'],
    ['PORT', '0x1F90', 'must be integer'],
    ['API_WORKER_WAIT_MS', '5e3', 'must be integer'],
    ['TEMPORAL_MAX_CACHED_WORKFLOWS', '1.5', 'must be integer'],
    ['RATE_LIMIT_PER_MINUTE', '0b101', 'must be integer'],
    ['FINANCE_SKIP_LIMIT_PERCENT', '0x10', 'must be number'],
    ['FINANCE_SKIP_LIMIT_PERCENT', '1e1', 'must be number'],
  ])('refuses %s=%s, naming the variable and the text as written', (variable, written, message) => {
    expect(() => parseEnv({ [variable]: written })).toThrow(ConfigError);
    expect(() => parseEnv({ [variable]: written })).toThrow(`${variable}: ${message} (got "${written}")`);
  });

  it('leaves the text it was given unchanged', () => {
    const raw = { PORT: '8080', TEMPORAL_MAX_CACHED_WORKFLOWS: '2.5' };
    expect(convertEnvText(EnvSchema, raw)).toMatchObject({ PORT: 8080, TEMPORAL_MAX_CACHED_WORKFLOWS: '2.5' });
    expect(raw).toEqual({ PORT: '8080', TEMPORAL_MAX_CACHED_WORKFLOWS: '2.5' });
  });
});
