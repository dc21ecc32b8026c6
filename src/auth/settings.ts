// The API's authentication settings, from the configuration. Any deployment but the embedded
// default must configure API keys or OIDC (or both); the embedded default without either gets a
// local key with every scope, kept in DATA_DIR so it survives restarts and printed at start.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { ApiKeys, generateApiKey, hashApiKey, loadApiKeys, looksLikeApiKey } from './api-keys.js';
import type { OidcSettings } from './oidc.js';
import type { AccessSettings } from './rules.js';
import { SCOPE_NAMES } from './scopes.js';

export interface AuthSettings {
  apiKeys: ApiKeys;
  oidc?: OidcSettings | undefined;
  /** Embedded default without configured auth: the local key (every scope) and where it is kept. */
  localKey?: { key: string; file: string | null } | undefined;
  /** SLACK_SIGNING_SECRET; the Slack routes answer 401 to everything without it. */
  slackSigningSecret?: string | undefined;
}

/** The tool name of the embedded default's local key. */
export const LOCAL_TOOL = 'local';

export interface LoadAuthOptions {
  /** Where the embedded default keeps its local key; null: in memory only (tests). Default DATA_DIR/local-api-key. */
  localKeyFile?: string | null;
  /** The embedded default's Slack signing secret, shared with the local Slack stand-in. */
  slackSigningSecret?: string;
}

export async function loadAuth(config: Config, opts: LoadAuthOptions = {}): Promise<AuthSettings> {
  const { env } = config;
  const problems: string[] = [];
  const configured = Boolean(env.API_KEYS_FILE || env.OIDC_ISSUER);
  if (!configured && !config.embedded) {
    problems.push(
      '  API_KEYS_FILE or OIDC_ISSUER: required outside the embedded default (TEMPORAL_ADDRESS, NODE_ENV=production, ' +
        'SLACK_BOT_TOKEN or SENDGRID_API_KEY is set); `npm run api-key -- <tool> <scope>...` makes a key',
    );
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('  SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN, to verify Slack button presses and commands');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);

  const apiKeys = env.API_KEYS_FILE ? await loadApiKeys(env.API_KEYS_FILE) : new ApiKeys();
  const settings: AuthSettings = {
    apiKeys,
    ...(env.OIDC_ISSUER && {
      oidc: { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE!, jwksUrl: env.OIDC_JWKS_URL, personClaim: env.OIDC_PERSON_CLAIM },
    }),
    slackSigningSecret: env.SLACK_SIGNING_SECRET ?? opts.slackSigningSecret,
  };
  if (!configured) {
    const file = opts.localKeyFile === undefined ? join(env.DATA_DIR, 'local-api-key') : opts.localKeyFile;
    const key = await localKey(file);
    apiKeys.add(hashApiKey(key), LOCAL_TOOL, SCOPE_NAMES);
    settings.localKey = { key, file };
  }
  return settings;
}

/** What the role rules' limits read (src/auth/rules.ts), from the configuration. */
export function accessSettings(config: Config): AccessSettings {
  return { financeSkipLimitPercent: config.env.FINANCE_SKIP_LIMIT_PERCENT };
}

async function localKey(file: string | null): Promise<string> {
  if (file === null) return generateApiKey();
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (looksLikeApiKey(kept)) return kept;
  } catch {
    // none yet
  }
  const key = generateApiKey();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}
