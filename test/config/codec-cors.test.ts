// CODEC_CORS_ORIGINS follows the Web UI's port: unset, the origins are the embedded Web UI's on the
// configured TEMPORAL_UI_PORT (a UI moved to another port keeps decoding); set, it is taken as is.
import { describe, expect, it } from 'vitest';
import { codecCorsOrigins, loadConfig, parseEnv } from '../../src/config.js';
import { directoryFile } from '../helpers/fixtures.js';

describe('CODEC_CORS_ORIGINS', () => {
  it('defaults to the Web UI origin on the default UI port', () => {
    expect(codecCorsOrigins(parseEnv({}))).toEqual(['http://127.0.0.1:8233', 'http://localhost:8233']);
  });

  it('follows TEMPORAL_UI_PORT when unset', async () => {
    expect(codecCorsOrigins(parseEnv({ TEMPORAL_UI_PORT: '18233' }))).toEqual(['http://127.0.0.1:18233', 'http://localhost:18233']);
    const config = await loadConfig({ DIRECTORY_FILE: directoryFile, TEMPORAL_UI_PORT: '9233' });
    expect(config.codecCorsOrigins).toEqual(['http://127.0.0.1:9233', 'http://localhost:9233']);
  });

  it('is taken as is when set (comma-separated, spaces trimmed)', () => {
    expect(codecCorsOrigins(parseEnv({ TEMPORAL_UI_PORT: '9233', CODEC_CORS_ORIGINS: 'https://temporal.example.com, http://localhost:9233' }))).toEqual([
      'https://temporal.example.com',
      'http://localhost:9233',
    ]);
  });

  it('a variable outside its fixed values is one line naming the values', () => {
    expect(() => parseEnv({ LINK_SCHEMES: 'ftp' })).toThrow(/LINK_SCHEMES: must be one of: https, https,http \(got "ftp"\)/);
  });
});
