// The workflow bundle, built once per version of the code and reused across restarts.
//
// Bundling the workflows with webpack costs 5–20 s of CPU, which every `npm start`, every worker
// restart and every test file paid again. The bundle depends only on the workflow sources, the
// locked dependencies and the SDK's bundler, so it is kept under a hash of exactly those: an edit to
// any of them builds a new one, never a stale one.
//
// A bundle that is not in the cache is built in a child process (bundle-child.mjs), never in the
// caller's: webpack's working memory stayed in a worker that bundled at start-up for its whole life
// (an idle worker 499 MiB RSS against 372 MiB with the bundle from the cache; with 10,000
// escalations in flight 1,049 MiB against 912-930 MiB, over the 1 GiB goal). A container, whose
// cache folder is read-only, bundles at every start.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BundleOptions, WorkflowBundleWithSourceMap } from '@temporalio/worker';

const execFileAsync = promisify(execFile);
const childScript = fileURLToPath(new URL('./bundle-child.mjs', import.meta.url));

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Default cache folder: next to the installed packages, so a fresh `npm install` clears it with them. */
export const defaultBundleCacheDir = join(root, 'node_modules', '.cache', 'escalation-engine');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(?:[cm]?[jt]s|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Hash of what the bundle is made of: every source file under the workflows folder (path and
 * content), package-lock.json (the bundled dependencies) and the SDK version (its bundler).
 */
export async function workflowBundleKey(workflowsPath: string): Promise<string> {
  const hash = createHash('sha256');
  const folder = dirname(workflowsPath);
  hash.update(`entry:${relative(root, workflowsPath)}\n`);
  for (const file of await sourceFiles(folder)) {
    hash.update(`${relative(root, file)}\n`);
    hash.update(await readFile(file));
  }
  for (const file of ['package-lock.json', 'node_modules/@temporalio/worker/package.json']) {
    hash.update(await readFile(join(root, file)).catch(() => Buffer.from(`missing ${file}`)));
  }
  return hash.digest('hex').slice(0, 24);
}

export interface CachedBundleOptions extends Pick<BundleOptions, 'workflowsPath' | 'logger'> {
  /** Where bundles are kept; default `node_modules/.cache/escalation-engine`. */
  cacheDir?: string;
}

/**
 * The bundle for `workflowsPath`, read from the cache when its key matches, else built with the
 * SDK's `bundleWorkflowCode` in a child process and stored (written to a temporary name and
 * renamed, so concurrent builders — parallel test files, a worker and a test — never read half a
 * file). Throws when the bundling fails, with the bundler's errors in the message.
 */
export async function cachedWorkflowBundle(opts: CachedBundleOptions): Promise<WorkflowBundleWithSourceMap> {
  const cacheDir = opts.cacheDir ?? defaultBundleCacheDir;
  const file = join(cacheDir, `workflows-${await workflowBundleKey(opts.workflowsPath)}.js`);
  const cached = await readFile(file, 'utf8').catch(() => undefined);
  if (cached) return { code: cached, sourceMap: '' };
  const startedAt = Date.now();
  const code = await bundleInChildProcess(opts.workflowsPath);
  opts.logger?.info(`Workflow bundle built in a child process in ${Date.now() - startedAt} ms`, { size: code.length });
  try {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  } catch {
    // A read-only install still runs: it bundles on every start, as without a cache.
  }
  return { code, sourceMap: '' };
}

/** Runs bundle-child.mjs on bare `node`; throws with the child's stderr when it fails. */
async function bundleInChildProcess(workflowsPath: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'escalation-engine-bundle-'));
  try {
    const out = join(dir, 'workflows.js');
    try {
      await execFileAsync(process.execPath, [childScript, workflowsPath, out], { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
      throw new Error(`Bundling the workflows (${workflowsPath}) failed${stderr ? `:\n${stderr}` : ''}`, { cause: err });
    }
    return await readFile(out, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
