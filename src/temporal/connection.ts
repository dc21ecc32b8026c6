// Temporal connection settings in Temporal's standard form: `@temporalio/envconfig` reads the
// profile file (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; profile
// TEMPORAL_PROFILE, else "default") and the standard TEMPORAL_* variables on top of it, the same way
// the Temporal CLI and the other SDKs do. The project's older variable names still work for one
// release (see DEPRECATED_TEMPORAL_VARIABLES).
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

/** Accepted by both the client's Connection and the worker's NativeConnection. */
export type ConnectionSettings = Pick<NativeConnectionOptions, 'address' | 'apiKey' | 'tls' | 'metadata'> & { address: string };

/**
 * The project's pre-envconfig names and the standard name each stands for. Deprecated in 0.2.0,
 * removed in 0.3.0; setting one logs a warning at start-up.
 */
export const DEPRECATED_TEMPORAL_VARIABLES = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const satisfies Record<string, string>;

export interface TemporalConnectConfig {
  /** From TEMPORAL_ADDRESS or the profile; undefined: nothing configured (npm start embeds a dev server). */
  address: string | undefined;
  /** From TEMPORAL_NAMESPACE or the profile, else "default". */
  namespace: string;
  /** TLS, API key and gRPC metadata, without the address. */
  connection: Omit<ConnectionSettings, 'address'>;
  /** One line per deprecated variable in use, for a start-up warning. */
  deprecations: string[];
}

/** A setting that cannot be used as given; the message names the variable or profile key. */
export class TemporalSettingsError extends Error {
  override name = 'TemporalSettingsError';
}

/**
 * Resolves the connection settings from `source` (the process environment by default).
 * Throws TemporalSettingsError for: a deprecated and a standard name with different values, a client
 * certificate without its key (or the reverse), an unreadable certificate file, an unknown profile,
 * a malformed profile file, an address that is not `host:port`.
 */
export function loadTemporalConnectConfig(source: NodeJS.ProcessEnv = process.env): TemporalConnectConfig {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) if (value !== undefined && value !== '') env[key] = value;

  const deprecations: string[] = [];
  for (const [old, standard] of Object.entries(DEPRECATED_TEMPORAL_VARIABLES)) {
    const value = env[old];
    if (value === undefined) continue;
    if (env[standard] !== undefined && env[standard] !== value) {
      throw new TemporalSettingsError(`${old} (deprecated) and ${standard} are both set, to different values; keep ${standard}`);
    }
    env[standard] = value;
    delete env[old];
    deprecations.push(`${old} is deprecated and will be removed in 0.3.0: use ${standard}`);
  }
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? env.TEMPORAL_TLS_CLIENT_CERT_DATA) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? env.TEMPORAL_TLS_CLIENT_KEY_DATA)) {
    throw new TemporalSettingsError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or their _DATA forms) must be set together');
  }

  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: env });
  } catch (err) {
    throw new TemporalSettingsError(`Temporal profile${env.TEMPORAL_CONFIG_FILE ? ` (${env.TEMPORAL_CONFIG_FILE})` : ''}: ${(err as Error).message}`);
  }
  if (profile.address !== undefined && !/^[^\s:]+:\d+$/.test(profile.address)) {
    throw new TemporalSettingsError(`Temporal address must be host:port, got ${JSON.stringify(profile.address)}`);
  }
  if (Boolean(profile.tls?.clientCert) !== Boolean(profile.tls?.clientKey)) {
    throw new TemporalSettingsError('the Temporal profile sets a client certificate without its key (or the reverse)');
  }

  let options: ReturnType<typeof toClientOptions>;
  try {
    // Reads the certificate files named by the profile or the variables.
    options = toClientOptions(profile);
  } catch (err) {
    throw new TemporalSettingsError(`Temporal TLS: ${(err as Error).message}`);
  }
  const { tls, apiKey, metadata } = options.connectionOptions;
  return {
    address: profile.address,
    namespace: profile.namespace ?? 'default',
    connection: {
      ...(tls !== undefined && { tls }),
      ...(apiKey !== undefined && { apiKey }),
      ...(metadata !== undefined && Object.keys(metadata).length > 0 && { metadata }),
    },
    deprecations,
  };
}

/** The options for Connection.connect / NativeConnection.connect to `address`. */
export async function connectionOptions(temporal: { connection: Omit<ConnectionSettings, 'address'> }, address: string): Promise<ConnectionSettings> {
  return { ...temporal.connection, address };
}
