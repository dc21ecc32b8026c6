// API keys, one per calling tool. Keys are random (256 bits), so a plain SHA-256 of the key is a safe
// thing to keep in configuration (as GitHub and Stripe do for tokens): the file holds hashes only,
// a key is shown once when it is made (`npm run api-key`), and a lost key is replaced, not recovered.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { schemaErrors } from '../http/schema-errors.js';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config.js';
import { SCOPE_NAMES, type Scope } from './scopes.js';

/** Every key starts with this, so logs, secret scanners and the API tell it from a JWT. */
export const API_KEY_PREFIX = 'ee_';
const HASH_PREFIX = 'sha256:';

const ToolName = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'The calling tool (recorded as tool:<name>)' });

export const ApiKeysFileSchema = Type.Object(
  {
    keys: Type.Record(
      ToolName,
      Type.Object(
        {
          /** `sha256:<64 hex digits>` of the key. */
          hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
          scopes: Type.Array(Type.Union(SCOPE_NAMES.map((s) => Type.Literal(s))), { minItems: 1, uniqueItems: true }),
          description: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ApiKeysFile = Static<typeof ApiKeysFileSchema>;

export interface ApiKeyEntry {
  tool: string;
  scopes: ReadonlySet<Scope>;
}

export function hashApiKey(key: string): string {
  return HASH_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A fresh key: `ee_` and 43 base64url characters (32 random bytes). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** Keys by hash; a look-up hashes the presented key, so no key is compared character by character. */
export class ApiKeys {
  readonly #byHash = new Map<string, ApiKeyEntry>();

  constructor(entries: Iterable<{ hash: string; tool: string; scopes: Iterable<Scope> }> = []) {
    for (const e of entries) this.add(e.hash, e.tool, e.scopes);
  }

  add(hash: string, tool: string, scopes: Iterable<Scope>): void {
    this.#byHash.set(hash, { tool, scopes: new Set(scopes) });
  }

  get size(): number {
    return this.#byHash.size;
  }

  verify(key: string): ApiKeyEntry | undefined {
    return this.#byHash.get(hashApiKey(key));
  }
}

export function parseApiKeysFile(data: unknown, source: string): ApiKeys {
  const errors = schemaErrors(ApiKeysFileSchema, data);
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.field}: ${e.message}`);
    throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE ${source}:\n${lines.join('\n')}`);
  }
  const file = data as ApiKeysFile;
  const seen = new Map<string, string>();
  for (const [tool, entry] of Object.entries(file.keys)) {
    const other = seen.get(entry.hash);
    if (other) throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE ${source}: tools '${other}' and '${tool}' share one key`);
    seen.set(entry.hash, tool);
  }
  return new ApiKeys(Object.entries(file.keys).map(([tool, e]) => ({ tool, hash: e.hash, scopes: e.scopes })));
}

export async function loadApiKeys(path: string): Promise<ApiKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE: cannot read ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE: ${path} is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseApiKeysFile(data, path);
}
