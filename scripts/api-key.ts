// `npm run api-key -- <tool> <scope>...`: makes an API key for a calling tool. Prints the key once
// (give it to the tool) and the entry for API_KEYS_FILE, which keeps only the key's SHA-256.
import { generateApiKey, hashApiKey } from '../src/auth/api-keys.js';
import { isScope, SCOPE_NAMES, SCOPES } from '../src/auth/scopes.js';

const [tool, ...scopes] = process.argv.slice(2);
const usage = () => {
  process.stderr.write(
    `usage: npm run api-key -- <tool> <scope>...\n  tool: lower-case name, e.g. crm-sync\n  scopes:\n${SCOPE_NAMES.map((s) => `    ${s}  ${SCOPES[s]}`).join('\n')}\n`,
  );
  process.exit(2);
};
if (!tool || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tool) || scopes.length === 0) usage();
const unknown = scopes.filter((s) => !isScope(s));
if (unknown.length > 0) {
  process.stderr.write(`unknown scope(s): ${unknown.join(', ')}\n`);
  usage();
}
const key = generateApiKey();
process.stdout.write(
  `API key for ${tool} (shown once; give it to the tool, keep it secret):\n\n  ${key}\n\n` +
    `Add to your API_KEYS_FILE (YAML) under "keys:":\n\n  ${tool}:\n    hash: ${hashApiKey(key)}\n    scopes: [${[...new Set(scopes)].join(', ')}]\n`,
);
