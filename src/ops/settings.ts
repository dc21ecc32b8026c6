// The production topology's settings, shared by the native launcher (src/ops/topology.ts) and
// checked against docker-compose.yml by test/compose.test.ts: versions, the Temporal server's
// configuration and setup scripts, the database names, PostgreSQL's server settings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { searchAttributePairs } from '../temporal/search-attributes.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Versions {
  /** Temporal server (and SQL tool) version: `go install …@v<this>` natively, `temporalio/server:<this>` in compose. */
  temporalServer: string;
  /** PostgreSQL major version: Debian's package natively, `postgres:<this>.x` in compose. */
  postgresMajor: number;
  /** The Go release setup fetches when no Go 1.21+ is installed. */
  goBootstrap: string;
}

export const versions: Versions = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'versions.json'), 'utf8')) as Versions;

/** Files under deploy/temporal/, the same ones compose mounts into its Temporal containers. */
export const deployFiles = {
  serverConfig: join(repoRoot, 'deploy', 'temporal', 'server.yaml'),
  dynamicConfig: join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'),
  setupSchema: join(repoRoot, 'deploy', 'temporal', 'setup-schema.sh'),
  setupNamespace: join(repoRoot, 'deploy', 'temporal', 'setup-namespace.sh'),
};

/** The PostgreSQL role and databases Temporal uses (deploy/temporal/server.yaml's defaults). */
export const database = { user: 'temporal', name: 'temporal', visibilityName: 'temporal_visibility' } as const;

/**
 * PostgreSQL server settings (`-c name=value`) beyond the defaults. One Temporal server process runs
 * four services, each with its own connection pools (20 + 10 connections per service at most):
 * PostgreSQL's default of 100 connections is too few.
 */
export const postgresSettings: Record<string, string> = { max_connections: '200' };

/** How long closed escalations stay readable in Temporal (namespace retention). */
export const namespaceRetention = '168h';

/** SEARCH_ATTRIBUTES for deploy/temporal/setup-namespace.sh: the app's search attributes. */
export const searchAttributesSetting = (): string => searchAttributePairs().join(' ');

/**
 * The Temporal server's environment apart from addresses, ports and the password: what the native
 * launcher sets and what compose's temporal service sets (test/compose.test.ts compares them).
 * Paths are relative to deploy/temporal/ (compose mounts it at /etc/temporal/config/escalation-engine).
 */
export const temporalServerSettings = {
  /** deploy/temporal/server.yaml, read by `temporal-server start`. */
  TEMPORAL_SERVER_CONFIG_FILE_PATH: 'server.yaml',
  DYNAMIC_CONFIG_FILE_PATH: 'dynamicconfig.yaml',
  POSTGRES_USER: database.user,
  DBNAME: database.name,
  VISIBILITY_DBNAME: database.visibilityName,
  // No authorizer: the frontend listens on 127.0.0.1 natively and on compose's private network.
  TEMPORAL_ALLOW_NO_AUTH: 'true',
} as const;
