// Ports for the topology's servers. Not the kernel's free-port pick (listen on 0): that comes from the
// ephemeral range (32768 and up on Linux), and the Temporal server stores its membership ports in a
// PostgreSQL smallint column, so they must stay below 32768. Picking below the ephemeral range also
// keeps clear of the ports outgoing connections use.
import { createServer } from 'node:net';

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

/** A port in [20000, 32000) that was free a moment ago and that this process has not handed out before. */
export async function lowFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port, host)) {
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
