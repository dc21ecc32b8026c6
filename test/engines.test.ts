// `engines` is a promise to users: every locked package must run on every Node version it names,
// and .npmrc's engine-strict makes `npm install` (so CI) fail when the running Node is refused.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('Node engines', () => {
  const ours = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

  it('every locked dependency accepts every Node version package.json promises', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.subset(ours, (p.engines as { node: string }).node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });

  it('this Node is one of them, and installs are engine-strict', () => {
    expect(semver.satisfies(process.version, ours)).toBe(true);
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
  });
});
