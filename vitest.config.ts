import { configDefaults, defineConfig } from 'vitest/config';

// The Temporal SDK's native core does not survive worker threads, and the time-skipping server
// skips time globally: run test files one after another in forked processes.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    include: ['test/**/*.test.ts', 'activities/**/*.test.ts', 'src/**/*.test.ts'],
    // The fault suite has its own command (npm run test:faults, vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
  },
});
