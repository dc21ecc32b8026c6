// Where the production topology's programs are: the Temporal server and SQL tool that
// `npm run setup -- --topology` builds into .tools/, the Temporal CLI (for setup-namespace.sh) and
// Debian's PostgreSQL server.
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findTemporalBinary, missingBinaryHelp } from '../temporal/binaries.js';
import { repoRoot, versions } from './settings.js';

export interface TopologyTools {
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** The `temporal` CLI. */
  cli: string;
  /** The folder holding initdb, postgres and pg_isready. */
  postgresBin: string;
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** PostgreSQL's server programs: POSTGRES_BIN_DIR, else Debian's /usr/lib/postgresql/<major>/bin (the pinned major first). */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.POSTGRES_BIN_DIR) candidates.push(env.POSTGRES_BIN_DIR);
  try {
    const majors = readdirSync('/usr/lib/postgresql').map(Number).filter((n) => n > 0);
    majors.sort((a, b) => Number(b === versions.postgresMajor) - Number(a === versions.postgresMajor) || b - a);
    candidates.push(...majors.map((m) => `/usr/lib/postgresql/${m}/bin`));
  } catch {
    // not Debian's layout
  }
  return candidates.find((dir) => ['initdb', 'postgres', 'pg_isready'].every((p) => executable(join(dir, p))));
}

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

export function findTopologyTools(env: NodeJS.ProcessEnv = process.env): TopologyTools {
  const serverDir = join(repoRoot, '.tools', `temporal-server-${versions.temporalServer}`, 'bin');
  const server = env.TEMPORAL_SERVER_PATH ?? join(serverDir, 'server');
  const sqlTool = env.TEMPORAL_SQL_TOOL_PATH ?? join(serverDir, 'sql');
  const missing: string[] = [];
  if (!executable(server) || !executable(sqlTool)) {
    missing.push(`the Temporal server ${versions.temporalServer} and its SQL tool (run \`npm run setup -- --topology\`, which builds them with go install)`);
  }
  const cli = findTemporalBinary('cli', env);
  if (!cli) missing.push(missingBinaryHelp('cli'));
  const postgresBin = findPostgresBin(env);
  if (!postgresBin) missing.push('a PostgreSQL server (`apt-get install -y postgresql`, or set POSTGRES_BIN_DIR)');
  if (missing.length > 0) throw new MissingToolError(`the production topology needs ${missing.join('; and ')}`);
  return { server, sqlTool, cli: cli!, postgresBin: postgresBin! };
}
