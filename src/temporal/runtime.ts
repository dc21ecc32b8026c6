// Routes the Temporal SDK's own log (worker state, webpack bundling, core warnings) into pino, at
// warn and above unless LOG_LEVEL asks for more. Call once per process, before any connection.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const sdkLevel = (level: string): LogLevel =>
  level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : level === 'info' ? 'WARN' : level === 'silent' ? 'ERROR' : 'WARN';

export function installTemporalRuntime(log: Logger): void {
  const sdk = log.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(sdkLevel(log.level), ({ level, message, meta }) => {
      const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
      sdk[method](meta ?? {}, message);
    }),
  });
}
