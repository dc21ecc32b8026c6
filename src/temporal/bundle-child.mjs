// The child process of cachedWorkflowBundle (workflow-bundle.ts): bundles the workflows with the
// SDK's bundler and writes the code to a file. Webpack's working memory dies with this process;
// bundled inside the worker it stayed in the worker's heap for the worker's whole life (an idle
// worker held 499 MiB RSS after bundling against 372 MiB with the bundle read from the cache).
// Plain JavaScript, so it runs on bare `node` whatever loader (tsx, vitest) the parent has.
//
//   node src/temporal/bundle-child.mjs <workflowsPath> <outFile>
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

const [workflowsPath, out] = process.argv.slice(2);
if (!workflowsPath || !out) {
  console.error('usage: node bundle-child.mjs <workflowsPath> <outFile>');
  process.exit(2);
}
// Warnings and errors go to stderr, which the parent shows when the bundling fails.
const toStderr = (message, meta) => console.error(meta ? `${message} ${JSON.stringify(meta)}` : message);
const logger = { trace() {}, debug() {}, info() {}, warn: toStderr, error: toStderr, log: (level, message, meta) => (level === 'WARN' || level === 'ERROR' ? toStderr(message, meta) : undefined) };
const { code } = await bundleWorkflowCode({ workflowsPath, logger });
await writeFile(out, code);
