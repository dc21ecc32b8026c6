// Lint: type-aware TypeScript rules, floating promises as errors, and determinism rules for
// workflow code (no Node built-ins, no I/O libraries: anything that touches the world is an activity).
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'timers/promises', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [
              { name: m, message: 'Workflow code must be deterministic: no Node built-ins (use an activity).' },
              { name: `node:${m}`, message: 'Workflow code must be deterministic: no Node built-ins (use an activity).' },
            ]),
            { name: '@temporalio/activity', message: 'Activities run in the worker, not in workflow code.' },
            { name: '@temporalio/client', message: 'Workflows do not call the client.' },
            { name: '@temporalio/worker', message: 'Workflows do not import the worker.' },
            { name: 'mjml', message: 'Templates render in activities.' },
            { name: '@slack/web-api', message: 'Slack is an activity.' },
            { name: '@sendgrid/mail', message: 'Email is an activity.' },
          ],
          patterns: [
            { group: ['**/activities/**'], allowTypeImports: true, message: 'Import activities as types only.' },
            { group: ['**/src/**'], allowTypeImports: true, message: 'Workflows may use types from src/, not code.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'console', message: 'Use log from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code has no process.' },
        { name: 'fetch', message: 'I/O belongs in activities.' },
      ],
    },
  },
);
