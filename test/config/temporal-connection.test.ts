// Temporal connection settings: Temporal's standard TEMPORAL_* names and profile file through
// @temporalio/envconfig, the project's older names still accepted (deprecated) for one release.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEPRECATED_TEMPORAL_VARIABLES } from '../../src/temporal/connection.js';
import { directoryFile } from '../helpers/fixtures.js';

const base = { DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'silent' };
const dir = mkdtempSync(join(tmpdir(), 'temporal-connection-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const cert = file('client.pem', 'CLIENT CERT');
const key = file('client.key', 'CLIENT KEY');
const ca = file('ca.pem', 'SERVER CA');

describe('Temporal connection settings', () => {
  it('nothing set: no address (npm start embeds a dev server), namespace "default", plain connection', async () => {
    const config = await loadConfig(base);
    expect(config.temporal).toEqual({ address: undefined, namespace: 'default', taskQueue: 'escalations', connection: {}, maxCachedWorkflows: 400 });
    expect(config.deprecations).toEqual([]);
  });

  it('TEMPORAL_WORKFLOW_THREADS sets the worker\'s workflow threads; unset leaves the SDK\'s default', async () => {
    expect((await loadConfig(base)).temporal.workflowThreads).toBeUndefined();
    expect((await loadConfig({ ...base, TEMPORAL_WORKFLOW_THREADS: '2' })).temporal.workflowThreads).toBe(2);
    for (const bad of ['0', '17', '1.5', 'two']) {
      await expect(loadConfig({ ...base, TEMPORAL_WORKFLOW_THREADS: bad }), bad).rejects.toThrow(/TEMPORAL_WORKFLOW_THREADS/);
    }
  });

  it('takes the standard names: an API key implies TLS', async () => {
    const config = await loadConfig({
      ...base,
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(config.temporal).toEqual({
      address: 'my-ns.a1b2c.tmprl.cloud:7233',
      namespace: 'my-ns.a1b2c',
      taskQueue: 'escalations',
      connection: { apiKey: 'key-123', tls: true },
      maxCachedWorkflows: 400,
    });
  });

  it('TEMPORAL_TLS=false switches TLS off even with an API key (as the Temporal CLI reads it)', async () => {
    const config = await loadConfig({ ...base, TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(config.temporal.connection).toEqual({ apiKey: 'k', tls: false });
  });

  it('mTLS from TEMPORAL_TLS_CLIENT_CERT_PATH, _KEY_PATH, _SERVER_CA_CERT_PATH and _SERVER_NAME: the files are read', async () => {
    const config = await loadConfig({
      ...base,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    const tls = config.temporal.connection.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array }; serverRootCACertificate: Uint8Array; serverNameOverride: string };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CLIENT CERT');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('CLIENT KEY');
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('SERVER CA');
    expect(tls.serverNameOverride).toBe('temporal');
    expect(config.deprecations).toEqual([]);
  });

  it('the old names still work for this release, each with a deprecation warning naming its replacement', async () => {
    const config = await loadConfig({
      ...base,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT_PATH: cert,
      TEMPORAL_TLS_KEY_PATH: key,
      TEMPORAL_TLS_CA_PATH: ca,
    });
    const tls = config.temporal.connection.tls as { clientCertPair: { crt: Uint8Array }; serverRootCACertificate: Uint8Array };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CLIENT CERT');
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('SERVER CA');
    expect(config.deprecations).toEqual(
      Object.entries(DEPRECATED_TEMPORAL_VARIABLES).map(([old, standard]) => `${old} is deprecated and will be removed in 0.3.0: use ${standard}`),
    );
  });

  it('an old and a new name with different values, a certificate without its key, a missing file: start-up stops naming them', async () => {
    const at = { ...base, TEMPORAL_ADDRESS: 'temporal.internal:7233' };
    await expect(loadConfig({ ...at, TEMPORAL_TLS_CA_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert })).rejects.toThrow(
      /TEMPORAL_TLS_CA_PATH \(deprecated\) and TEMPORAL_TLS_SERVER_CA_CERT_PATH are both set/,
    );
    // The same value under both names is fine.
    await expect(loadConfig({ ...at, TEMPORAL_TLS_CA_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca })).resolves.toBeDefined();
    await expect(loadConfig({ ...at, TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).rejects.toThrow(/TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
    await expect(loadConfig({ ...at, TEMPORAL_TLS_KEY_PATH: key })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ ...at, TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') })).rejects.toThrow(/Temporal TLS: .*nope\.pem/);
    await expect(loadConfig({ ...base, TEMPORAL_ADDRESS: 'no-port' })).rejects.toThrow(/TEMPORAL_ADDRESS/);
    await expect(loadConfig({ ...base, TEMPORAL_TLS: 'yes' })).rejects.toThrow(/TEMPORAL_TLS/);
  });

  it('reads a profile from TEMPORAL_CONFIG_FILE (TEMPORAL_PROFILE picks it); variables override the profile', async () => {
    const toml = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '',
        '[profile.prod]',
        'address = "temporal.prod.internal:7233"',
        'namespace = "support"',
        '[profile.prod.tls]',
        `server_ca_cert_path = "${ca}"`,
        '[profile.prod.grpc_meta]',
        'x-team = "support"',
      ].join('\n'),
    );
    expect((await loadConfig({ ...base, TEMPORAL_CONFIG_FILE: toml })).temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', connection: {} });
    const prod = await loadConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    expect(prod.temporal).toMatchObject({ address: 'temporal.prod.internal:7233', namespace: 'support', connection: { metadata: { 'x-team': 'support' } } });
    expect(Buffer.from((prod.temporal.connection.tls as { serverRootCACertificate: Uint8Array }).serverRootCACertificate).toString()).toBe('SERVER CA');
    const overridden = await loadConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'support-eu' });
    expect(overridden.temporal.namespace).toBe('support-eu');
    await expect(loadConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' })).rejects.toThrow(/Profile 'staging' not found/);
    const bad = file('bad.toml', '[profile.default]\naddress = "no-port"\n');
    await expect(loadConfig({ ...base, TEMPORAL_CONFIG_FILE: bad })).rejects.toThrow(/host:port/);
  });
});
