// The Grafana dashboard stays in step with what the README documents (and the processes end-to-end
// test checks the documented metrics are emitted): every metric a panel queries is a documented one.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
}

describe('deploy/grafana/escalation-engine.json', () => {
  it('queries only metrics the README documents, through the dashboard’s data source variable', async () => {
    const dashboard = JSON.parse(await read('deploy/grafana/escalation-engine.json')) as { uid: string; panels: Panel[] };
    const readme = await read('README.md');
    const queried = new Set<string>();
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        for (const [, name] of expr.matchAll(/\b([a-z_][a-z0-9_]*)(?=\{|\[)/g)) queried.add(name!.replace(/_(bucket|count|sum)$/, ''));
      }
    }
    expect(queried.size).toBeGreaterThan(10);
    const undocumented = [...queried].filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
