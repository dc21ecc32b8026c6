// Ports named up front for servers we start (the topology's, and the dev servers, APIs and metrics
// endpoints of the tests and the bench). Not the kernel's free-port pick (listen on 0): that comes from
// the ephemeral range (32768 and up on Linux), where the port can be taken between the pick and the
// bind: by an outgoing connection, or by `temporal server start-dev` itself, which picks its internal
// services' ports that way (a restart test's dev server once failed: its worker service was handed the
// frontend port we had just picked and released). The Temporal server also stores its membership ports
// in a PostgreSQL smallint column, so they must stay below 32768.
import { mkdirSync, openSync, closeSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Ports handed out on this machine, one file per port: a topology binds its ports seconds after it
 * picked them (a worker's metrics port after PostgreSQL and Temporal are up), so two topologies
 * started at once (two test runs) could pick the same free port and the later one fail with
 * "Address already in use". A reservation older than RESERVED_MS is stale and taken over.
 */
const RESERVATIONS = join(tmpdir(), 'escalation-engine-ports');
const RESERVED_MS = 6 * 3_600_000;

/** True when this process now holds `port` (no other process reserved it in the last RESERVED_MS). */
function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  try {
    mkdirSync(RESERVATIONS, { recursive: true });
    closeSync(openSync(file, 'wx'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no reservations possible here: the bind check alone
    try {
      if (Date.now() - statSync(file).mtimeMs < RESERVED_MS) return false;
      const now = new Date();
      utimesSync(file, now, now);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A port in [20000, 32000) that was free a moment ago, that this process has not handed out before,
 * and that no other process on this machine reserved in the last hours (see RESERVATIONS).
 */
export async function lowFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if ((await bindable(port, host)) && reserve(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in [${LOW}, ${HIGH})`);
}

/** Fails naming the port when something already listens on it (fixed ports of `npm run topology`). */
export async function assertFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  if (!(await bindable(port, host))) throw new Error(`port ${port} (${what}) is in use on ${host}`);
}
