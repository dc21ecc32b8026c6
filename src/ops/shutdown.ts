// One Ctrl-C stops `npm start` cleanly (issue 16 item 10). The terminal sends SIGINT to the whole
// foreground process group (npm, the shell, node) and npm forwards the signal to its child once
// more, so one press reaches this process twice within milliseconds; close-with-grace took the
// second as "second SIGINT, exiting" and skipped draining the worker. Here a signal that comes
// within `duplicateWindowMs` of the first is that same press and changes nothing; a later one (a
// second press while the worker drains) forces the exit, as a user pressing twice means.
import type { Logger } from 'pino';

export interface GracefulShutdownOptions {
  /** Stops everything (API, worker drain, Temporal dev server); resolves when done. */
  close: () => Promise<void>;
  log: Logger;
  /** Longest the close may take before the process exits anyway (ms). */
  timeoutMs: number;
  /** Signals closer together than this are one press delivered twice (ms). */
  duplicateWindowMs?: number;
  signals?: NodeJS.Signals[];
}

export function onShutdownSignals(opts: GracefulShutdownOptions): void {
  const { close, log, timeoutMs, duplicateWindowMs = 2_000, signals = ['SIGINT', 'SIGTERM'] } = opts;
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < duplicateWindowMs) return; // the same Ctrl-C, delivered again through npm
      log.error({ signal }, 'stopping now without waiting for the worker to drain (signal during shutdown)');
      process.exit(130);
    }
    firstAt = Date.now();
    log.info({ signal }, 'shutting down: stopping the API, draining the worker, stopping Temporal (press Ctrl-C again to force)');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  // process.on (not once): a repeated signal must reach the handler above rather than Node's
  // default, which would kill the process mid-drain.
  for (const signal of signals) process.on(signal, handler);
}
