// The workflow bundle, built once per version of the code and reused across restarts.
//
// Bundling the workflows with webpack costs 5–20 s of CPU, which every `npm start`, every worker
// restart and every test file paid again. The bundle depends only on the workflow sources, the
// locked dependencies and the SDK's bundler, so it is kept under a hash of exactly those: an edit to
// any of them builds a new one, never a stale one.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

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
 * SDK's `bundleWorkflowCode` and stored (written to a temporary name and renamed, so concurrent
 * builders — parallel test files, a worker and a test — never read half a file).
 */
export async function cachedWorkflowBundle(opts: CachedBundleOptions): Promise<WorkflowBundleWithSourceMap> {
  const cacheDir = opts.cacheDir ?? defaultBundleCacheDir;
  const file = join(cacheDir, `workflows-${await workflowBundleKey(opts.workflowsPath)}.js`);
  const cached = await readFile(file, 'utf8').catch(() => undefined);
  if (cached) return { code: cached, sourceMap: '' };
  const bundle = await bundleWorkflowCode({ workflowsPath: opts.workflowsPath, ...(opts.logger && { logger: opts.logger }) });
  try {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bundle.code);
    await rename(tmp, file);
  } catch {
    // A read-only install still runs: it bundles on every start, as without a cache.
  }
  return bundle;
}
