// Lint: type-aware TypeScript rules, floating promises as errors, and determinism rules for
// workflow code (no Node built-ins, no I/O libraries: anything that touches the world is an activity).
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'timers/promises', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

const config = tseslint.config(
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
);

// Everything under workflows/: deterministic, no Node built-ins, no I/O libraries, nothing from src/,
// activities as types only (workflows reach them through proxyActivities).
const workflowPaths = [
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
];
const workflowPatterns = [
  { group: ['**/activities/**'], allowTypeImports: true, message: 'Import activities as types only.' },
  { group: ['**/src/**'], message: 'workflows/ never imports src/: src/ imports the playbooks (registry, contracts), not the other way round.' },
];
// Workflow code proper (what the bundle runs): contracts and TypeBox as types only, so the schemas stay
// in the API and out of the workflow sandbox; definitions only through the registry's lazy import.
const contractFiles = ['workflows/*/contract.ts', 'workflows/*/definition.ts', 'workflows/kit/contract.ts', 'workflows/kit/schemas/*.ts'];
const workflowCodePatterns = [
  ...workflowPatterns,
  { group: ['**/contract.js', '!**/kit/contract.js'], allowTypeImports: true, message: "Workflow code imports the playbook's contract as types only (values live in codes.ts)." },
  { group: ['**/kit/contract.js', '**/kit/schemas/*.js'], allowTypeImports: true, message: 'Schema helpers are for contracts, not workflow code.' },
  { group: ['typebox', 'typebox/*'], allowTypeImports: true, message: 'TypeBox schemas belong in contract.ts (the API), not in the workflow bundle.' },
  { group: ['**/definition.js'], message: 'Definitions are for the API: the registry loads them lazily, outside the workflow bundle.' },
];
const workflowGlobals = [
  'error',
  { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
  { name: 'setInterval', message: 'Use sleep() in a loop.' },
  { name: 'console', message: 'Use log from @temporalio/workflow.' },
  { name: 'process', message: 'Workflow code has no process.' },
  { name: 'fetch', message: 'I/O belongs in activities.' },
];

config.push(
  {
    files: ['workflows/**/*.ts'],
    ignores: contractFiles,
    rules: {
      'no-restricted-imports': ['error', { paths: workflowPaths, patterns: workflowCodePatterns }],
      'no-restricted-globals': workflowGlobals,
    },
  },
  {
    files: contractFiles,
    rules: {
      'no-restricted-imports': ['error', { paths: workflowPaths, patterns: workflowPatterns }],
      'no-restricted-globals': workflowGlobals,
    },
  },
);

export default config;
