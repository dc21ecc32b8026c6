import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:faults`: the fault suite on the production topology (test/faults/), kept out of
// `npm test` because it runs for minutes. Same pool and setup as the main suite.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: [],
  },
});
