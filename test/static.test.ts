// The module graph (no import cycles; workflows/ never imports src/) is part of the tests. The type
// check and the lint (with the workflow determinism and layering rules) run before vitest in
// `npm test` itself: as test cases they competed with the other test files for the CPU and ran out
// of their time limit on a busy machine, although neither had anything to report.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url);

async function check(cmd: string, args: string[]) {
  try {
    await run(cmd, args, { cwd: root, maxBuffer: 10 * 1024 * 1024 });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}

describe('module graph', () => {
  const load = (skipTypeImports: boolean) =>
    madge(['src', 'workflows', 'activities', 'bench', 'scripts', 'test'].map((d) => fileURLToPath(new URL(d, root))), {
      baseDir: fileURLToPath(root),
      fileExtensions: ['ts'],
      tsConfig: fileURLToPath(new URL('tsconfig.json', root)),
      detectiveOptions: { ts: { skipTypeImports, skipAsyncImports: false }, es6: { skipTypeImports, skipAsyncImports: false } },
    });

  it('has no import cycles between files', async () => {
    const graph = await load(true);
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  }, 120_000);

  it('counting type imports too, the only way back from activities/ to workflows/ is workflow code importing activity types', async () => {
    // Temporal's model: workflows import the activities' types (proxyActivities<Activities>), and the
    // activities serve the playbooks (templates). Without those type edges the graph has no cycle.
    const graph = (await load(false)).obj();
    const edges = Object.fromEntries(
      Object.entries(graph).map(([from, to]) => [from, from.startsWith('workflows/') ? to.filter((t) => !t.startsWith('activities/')) : to]),
    );
    expect(cycles(edges)).toEqual([]);
  }, 120_000);

  it('workflows/ imports nothing from src/, and activities/ only as types (lint keeps it so; here: the graph)', async () => {
    const runtime = (await load(true)).obj();
    const withTypes = (await load(false)).obj();
    const from = (g: Record<string, string[]>, prefix: string) =>
      Object.entries(g).flatMap(([f, to]) => (f.startsWith('workflows/') ? to.filter((t) => t.startsWith(prefix)).map((t) => `${f} -> ${t}`) : []));
    expect(from(withTypes, 'src/')).toEqual([]);
    expect(from(runtime, 'activities/')).toEqual([]);
  }, 120_000);
});

/** Every cycle's files (Tarjan's strongly connected components with more than one file, or a file importing itself). */
function cycles(graph: Record<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1 || (graph[v] ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of Object.keys(graph)) if (!index.has(v)) visit(v);
  return out;
}
