// `npm run api-key -- <tool> <scope>... [--file FILE]`: makes an API key for a calling tool. Prints
// the key once (give it to the tool) and the entry for API_KEYS_FILE, which keeps only the key's
// SHA-256; with --file, adds the entry to that keys file (made if missing, the tool's old entry
// replaced: its old key stops working).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Document, parseDocument } from 'yaml';
import { generateApiKey, hashApiKey, parseApiKeysFile } from '../src/auth/api-keys.js';
import { isScope, SCOPE_NAMES, SCOPES } from '../src/auth/scopes.js';

const { values, positionals } = parseArgs({ options: { file: { type: 'string' } }, allowPositionals: true });
const [tool, ...scopes] = positionals;
const usage = () => {
  process.stderr.write(
    `usage: npm run api-key -- <tool> <scope>... [--file API_KEYS_FILE]\n  tool: lower-case name, e.g. crm-sync\n  scopes:\n${SCOPE_NAMES.map((s) => `    ${s}  ${SCOPES[s]}`).join('\n')}\n`,
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
const entry = { hash: hashApiKey(key), scopes: [...new Set(scopes)] };
process.stdout.write(`API key for ${tool} (shown once; give it to the tool, keep it secret):\n\n  ${key}\n\n`);
if (values.file) {
  const file = values.file;
  // A YAML document edit keeps the file's comments and order.
  const doc = existsSync(file) ? parseDocument(await readFile(file, 'utf8')) : new Document({ keys: {} });
  if (!doc.has('keys') || doc.get('keys') === null) doc.set('keys', doc.createNode({}));
  doc.setIn(['keys', tool!], doc.createNode(entry));
  parseApiKeysFile(doc.toJS(), file); // refuses to write a file the API would not start with
  await writeFile(file, doc.toString(), { mode: 0o600 });
  process.stdout.write(`Entry for ${tool} written to ${file} (restart the API to apply).\n`);
} else {
  process.stdout.write(`Add to your API_KEYS_FILE (YAML) under "keys:":\n\n  ${tool}:\n    hash: ${entry.hash}\n    scopes: [${entry.scopes.join(', ')}]\n`);
}
