// Each test file runs in its own forked process: keep the Temporal SDK's log to warnings.
import { createLogger } from '../src/logger.js';
import { installTemporalRuntime } from '../src/temporal/runtime.js';

installTemporalRuntime(createLogger(process.env.LOG_LEVEL ?? 'warn'));
