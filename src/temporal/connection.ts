// Connection options for a Temporal cluster (self-hosted with mTLS, or Temporal Cloud with an API key).
import { readFile } from 'node:fs/promises';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config.js';

/** Accepted by both the client's Connection and the worker's NativeConnection. */
export type ConnectionSettings = Pick<NativeConnectionOptions, 'address' | 'apiKey' | 'tls'> & { address: string };

export async function connectionOptions(temporal: Config['temporal'], address: string): Promise<ConnectionSettings> {
  const { tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName, apiKey } = temporal;
  if (!tls) return { address };
  return {
    address,
    ...(apiKey && { apiKey }),
    tls: {
      ...(tlsServerName && { serverNameOverride: tlsServerName }),
      ...(tlsCaPath && { serverRootCACertificate: await readFile(tlsCaPath) }),
      ...(tlsCertPath &&
        tlsKeyPath && { clientCertPair: { crt: await readFile(tlsCertPath), key: await readFile(tlsKeyPath) } }),
    },
  };
}
