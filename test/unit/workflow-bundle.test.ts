// The workflow bundle cache: one bundle per version of the workflow code, never a stale one.
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedWorkflowBundle, workflowBundleKey } from '../../src/temporal/workflow-bundle.js';
import { workflowsPath } from '../../src/worker.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('workflowBundleKey', () => {
  it('changes when any workflow source changes, is added or renamed, and only then', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'kit'));
    await writeFile(join(dir, 'index.ts'), 'export {};\n');
    await writeFile(join(dir, 'kit', 'a.ts'), 'export const a = 1;\n');
    await writeFile(join(dir, 'kit', 'template.mjml'), '<mjml></mjml>');
    const entry = join(dir, 'index.ts');
    const first = await workflowBundleKey(entry);
    expect(await workflowBundleKey(entry)).toBe(first);

    await writeFile(join(dir, 'kit', 'template.mjml'), '<mjml>not bundled</mjml>');
    expect(await workflowBundleKey(entry)).toBe(first);

    await writeFile(join(dir, 'kit', 'a.ts'), 'export const a = 2;\n');
    const edited = await workflowBundleKey(entry);
    expect(edited).not.toBe(first);

    await writeFile(join(dir, 'kit', 'b.ts'), 'export const a = 2;\n');
    const added = await workflowBundleKey(entry);
    expect(added).not.toBe(edited);

    await rm(join(dir, 'kit', 'b.ts'));
    await writeFile(join(dir, 'kit', 'c.ts'), 'export const a = 2;\n');
    expect(await workflowBundleKey(entry)).not.toBe(added);
  });
});

describe('cachedWorkflowBundle', () => {
  it('builds the real workflows once, concurrent callers included, and reads the same code back', async () => {
    const cacheDir = await tempDir();
    const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
    const [a, b] = await Promise.all([
      cachedWorkflowBundle({ workflowsPath: workflowsPath(), cacheDir, logger: quiet }),
      cachedWorkflowBundle({ workflowsPath: workflowsPath(), cacheDir, logger: quiet }),
    ]);
    expect(a.code).toBe(b.code);
    expect(a.code).toContain('liveDelivery');
    const files = await readdir(cacheDir);
    expect(files).toEqual([`workflows-${await workflowBundleKey(workflowsPath())}.js`]);
    const again = await cachedWorkflowBundle({ workflowsPath: workflowsPath(), cacheDir, logger: quiet });
    expect(again.code).toBe(a.code);
  });

  it('a workflow file that does not compile fails with the bundler\'s error (built in a child process)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'index.ts'), 'export async function broken(: string) {}\n');
    const err = await cachedWorkflowBundle({ workflowsPath: join(dir, 'index.ts'), cacheDir: await tempDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`Bundling the workflows (${join(dir, 'index.ts')}) failed`);
    expect((err as Error).message).toContain('Unexpected token'); // swc's error, from the child's stderr
  });
});
