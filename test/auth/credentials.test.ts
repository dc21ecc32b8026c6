// Credentials: API keys by hash, OIDC tokens verified against a real JWKS endpoint (a local HTTP
// server publishing a freshly generated key), and the rule that only the embedded default may run
// without configured auth.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, parseApiKeysFile } from '../../src/auth/api-keys.js';
import { OidcVerifier, TokenRejected } from '../../src/auth/oidc.js';
import { Identities } from '../../src/auth/principal.js';
import { loadAuth } from '../../src/auth/settings.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { directoryFile, loadExampleDirectory } from '../helpers/fixtures.js';

describe('API keys', () => {
  it('a key verifies by its hash only; the file keeps no key', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^ee_[A-Za-z0-9_-]{43}$/);
    const keys = parseApiKeysFile({ keys: { 'crm-sync': { hash: hashApiKey(key), scopes: ['escalations:read'] } } }, 'test');
    expect(keys.verify(key)).toMatchObject({ tool: 'crm-sync' });
    expect([...keys.verify(key)!.scopes]).toEqual(['escalations:read']);
    expect(keys.verify(`${key}x`)).toBeUndefined();
    expect(keys.verify(generateApiKey())).toBeUndefined();
  });

  it('a malformed keys file stops start-up naming the entry', () => {
    expect(() => parseApiKeysFile({ keys: { 'crm-sync': { hash: 'plain-text-key', scopes: ['escalations:read'] } } }, 'f.yaml')).toThrow(
      /API_KEYS_FILE f\.yaml:\n.*\/keys\/crm-sync\/hash/,
    );
    expect(() => parseApiKeysFile({ keys: { x: { hash: hashApiKey('a'), scopes: ['everything'] } } }, 'f.yaml')).toThrow(/scopes/);
    const h = hashApiKey(generateApiKey());
    expect(() => parseApiKeysFile({ keys: { a: { hash: h, scopes: ['events:send'] }, b: { hash: h, scopes: ['events:send'] } } }, 'f')).toThrow(
      /share one key/,
    );
  });
});

describe('only the embedded default runs without configured auth', () => {
  const base = { DIRECTORY_FILE: directoryFile };
  const expectRefused = async (env: Record<string, string>) => {
    const config = await loadConfig({ ...base, ...env });
    await expect(loadAuth(config, { localKeyFile: null })).rejects.toThrow(ConfigError);
    await expect(loadAuth(config, { localKeyFile: null })).rejects.toThrow(/API_KEYS_FILE or OIDC_ISSUER: required/);
  };

  it('refuses TEMPORAL_ADDRESS, NODE_ENV=production, real Slack or SendGrid credentials without API keys or OIDC', async () => {
    await expectRefused({ TEMPORAL_ADDRESS: 'temporal:7233' });
    await expectRefused({ NODE_ENV: 'production' });
    await expectRefused({ SLACK_BOT_TOKEN: 'xoxb-real', SLACK_SIGNING_SECRET: 'a-signing-secret' });
    await expectRefused({ SENDGRID_API_KEY: 'SG.real' });
  });

  it('a real Slack bot token needs the signing secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.yaml');
    await writeFile(file, `keys:\n  crm-sync:\n    hash: ${hashApiKey(generateApiKey())}\n    scopes: [events:send]\n`);
    const config = await loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-real', API_KEYS_FILE: file });
    await expect(loadAuth(config)).rejects.toThrow(/SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN/);
    const ok = await loadAuth(await loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-real', SLACK_SIGNING_SECRET: 'secret-123', API_KEYS_FILE: file }));
    expect(ok.localKey).toBeUndefined();
    expect(ok.apiKeys.size).toBe(1);
  });

  it('the embedded default makes a local key with every scope, kept (mode 600) and reused across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'data-'));
    const config = await loadConfig({ ...base, DATA_DIR: dir });
    const first = await loadAuth(config);
    expect(first.localKey?.file).toBe(join(dir, 'local-api-key'));
    expect((await readFile(join(dir, 'local-api-key'), 'utf8')).trim()).toBe(first.localKey?.key);
    expect((await stat(join(dir, 'local-api-key'))).mode & 0o777).toBe(0o600);
    const second = await loadAuth(config);
    expect(second.localKey?.key).toBe(first.localKey?.key);
    expect([...second.apiKeys.verify(first.localKey!.key)!.scopes].sort()).toEqual(['escalations:read', 'escalations:start', 'events:send', 'on-behalf-of']);
  });
});

describe('OIDC bearer tokens', () => {
  let server: Server;
  let issuer: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let verifier: OidcVerifier;

  beforeAll(async () => {
    ({ privateKey: otherKey } = await generateKeyPair('RS256'));
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/jwks') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    verifier = new OidcVerifier({ issuer, audience: 'escalation-engine', personClaim: 'email' }, new Identities(await loadExampleDirectory()));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const token = (claims: Record<string, unknown>, opts: { signer?: CryptoKey; exp?: string | number; aud?: string; iss?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? 'escalation-engine')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.signer ?? key);

  it("a user's token acts as the directory person of its email, with the token's scopes", async () => {
    const p = await verifier.verify(await token({ sub: 'u-1', email: 'Taylor.Ledger@example.com', scope: 'events:send escalations:read unknown:scope' }));
    expect(p).toMatchObject({ kind: 'person', person: 'accounting-analyst', via: 'oidc' });
    expect([...p.scopes].sort()).toEqual(['escalations:read', 'events:send']);
  });

  it("a client-credentials token acts as the tool named by azp, scopes from scp", async () => {
    const p = await verifier.verify(await token({ sub: 'svc', azp: 'booking-system', scp: ['escalations:start'] }));
    expect(p).toMatchObject({ kind: 'tool', tool: 'booking-system' });
    expect([...p.scopes]).toEqual(['escalations:start']);
  });

  it('rejects expired, foreign-signed, wrong-audience and wrong-issuer tokens, and people not in the directory', async () => {
    const reject = async (t: Promise<string>, why: RegExp, status = 401) => {
      const err = await verifier.verify(await t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TokenRejected);
      expect((err as TokenRejected).message).toMatch(why);
      expect((err as TokenRejected).status).toBe(status);
    };
    await reject(token({ azp: 'x' }, { exp: Math.floor(Date.now() / 1000) - 120 }), /expired/);
    await reject(token({ azp: 'x' }, { signer: otherKey }), /bad signature/);
    await reject(token({ azp: 'x' }, { aud: 'someone-else' }), /claim aud/);
    await reject(token({ azp: 'x' }, { iss: 'https://evil.example' }), /claim iss/);
    await reject(token({ email: 'stranger@example.org' }), /no person in the directory/, 403);
    await expect(verifier.verify('not.a.jwt')).rejects.toBeInstanceOf(TokenRejected);
  });
});
