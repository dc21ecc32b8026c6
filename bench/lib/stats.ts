// Percentiles, interleaved A/B batches and the ratio table every bench section reports.

/** Nearest-rank percentile of a sample (ms); NaN for an empty sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export const median = (xs: readonly number[]) => percentile(xs, 50);

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(xs: readonly number[]): LatencySummary {
  return {
    n: xs.length,
    p50: round(percentile(xs, 50)),
    p95: round(percentile(xs, 95)),
    p99: round(percentile(xs, 99)),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
  };
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** One timed call: the latency in ms, or the error it threw (an error is never a sample). */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface BatchResult {
  latencies: number[];
  /** Wall time of the whole batch (ms), for throughput. */
  wallMs: number;
  errors: string[];
}

/** Runs `count` calls of `fn(i)` with `concurrency` callers, each call timed on its own. */
export async function batch(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<BatchResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const t0 = performance.now();
  const caller = async () => {
    for (let i = next++; i < count; i = next++) {
      const s = performance.now();
      try {
        await fn(i);
        latencies.push(performance.now() - s);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  return { latencies, wallMs: performance.now() - t0, errors };
}

export interface Side {
  latencies: number[];
  wallMs: number;
  calls: number;
  errors: string[];
}

const emptySide = (): Side => ({ latencies: [], wallMs: 0, calls: 0, errors: [] });

/**
 * A against B in `rounds` rounds of one batch each, the order alternating (AB, BA, AB, ...) so that
 * whatever drifts during the run (other load on the machine, history growing) falls on both sides.
 * On a shared machine the load swings within seconds: keep batches short (one call where no
 * throughput is measured), so each A and its B see the same machine.
 * `between` runs after every batch (e.g. waiting until the worker is idle again), untimed.
 */
export async function interleaved(opts: {
  rounds: number;
  a: (round: number) => Promise<BatchResult>;
  b: (round: number) => Promise<BatchResult>;
  between?: () => Promise<void>;
}): Promise<{ a: Side; b: Side }> {
  const { a, b } = await interleavedSides({ rounds: opts.rounds, sides: { a: opts.a, b: opts.b }, ...(opts.between && { between: opts.between }) });
  return { a: a!, b: b! };
}

/**
 * The same for any number of sides: each round runs one batch of every side, the order rotated by
 * one place per round (ABC, BCA, CAB, ...), so each side takes each place equally often.
 */
export async function interleavedSides(opts: {
  rounds: number;
  sides: Record<string, (round: number) => Promise<BatchResult>>;
  between?: () => Promise<void>;
}): Promise<Record<string, Side>> {
  const names = Object.keys(opts.sides);
  const out: Record<string, Side> = Object.fromEntries(names.map((k) => [k, emptySide()]));
  for (let r = 0; r < opts.rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const side = names[(r + i) % names.length]!;
      const res = await opts.sides[side]!(r);
      const acc = out[side]!;
      acc.latencies.push(...res.latencies);
      acc.wallMs += res.wallMs;
      acc.calls += res.latencies.length + res.errors.length;
      acc.errors.push(...res.errors);
      if (opts.between) await opts.between();
    }
  }
  return out;
}

/** One row of the table: a figure measured through the API and through the raw SDK, and their ratio. */
export interface Row {
  section: string;
  figure: string;
  unit: 'ms' | '/s' | 'events' | 'bytes' | 'MiB' | '%' | '';
  api: number | null;
  raw: number | null;
  /** api / raw; for throughput higher is better, so the goal is a floor there. */
  ratio: number | null;
  goal?: string;
  met?: boolean;
  note?: string;
}

export function ratioRows(section: string, api: Side, raw: Side, opts: { throughput?: boolean; rawLabel: string; goals?: boolean }): Row[] {
  const a = summarize(api.latencies);
  const b = summarize(raw.latencies);
  const rows: Row[] = (['p50', 'p95', 'p99'] as const).map((k) => {
    const ratio = round(a[k] / b[k], 2);
    const goalApplies = opts.goals && k !== 'p95';
    return {
      section,
      figure: k,
      unit: 'ms',
      api: a[k],
      raw: b[k],
      ratio,
      ...(goalApplies && { goal: '<= 1.2x', met: ratio <= 1.2 }),
      ...(k === 'p50' && { note: `raw = ${opts.rawLabel}; n = ${a.n} / ${b.n}${api.errors.length + raw.errors.length ? `; errors ${api.errors.length} / ${raw.errors.length}` : ''}` }),
    };
  });
  if (opts.throughput) {
    const ta = round((api.latencies.length / api.wallMs) * 1000);
    const tb = round((raw.latencies.length / raw.wallMs) * 1000);
    const ratio = round(ta / tb, 2);
    rows.push({ section, figure: 'throughput', unit: '/s', api: ta, raw: tb, ratio, ...(opts.goals && { goal: '>= 0.8x', met: ratio >= 0.8 }) });
  }
  return rows;
}

const fmt = (x: number | null | undefined, unit = '') =>
  x === null || x === undefined || Number.isNaN(x) ? '' : `${x >= 100 ? Math.round(x) : x}${unit}`;

/** A markdown table (the README's Performance section is this text). */
export function table(rows: Row[], previous?: Row[]): string {
  const prev = new Map(previous?.map((r) => [`${r.section}|${r.figure}`, r]));
  const head = ['section', 'figure', 'API', 'raw SDK', 'API/raw', 'goal', ...(previous ? ['before: API/raw'] : []), 'note'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const unit = r.unit === 'ms' ? ' ms' : r.unit === '/s' ? ' /s' : r.unit ? ` ${r.unit}` : '';
    const p = prev.get(`${r.section}|${r.figure}`);
    lines.push(
      `| ${[
        r.section,
        r.figure,
        fmt(r.api, unit),
        fmt(r.raw, unit),
        r.ratio === null ? '' : `${r.ratio}x`,
        r.goal ? `${r.goal} ${r.met ? 'met' : '**not met**'}` : '',
        ...(previous ? [p?.ratio != null ? `${p.ratio}x` : p ? fmt(p.api, unit) : ''] : []),
        r.note ?? '',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
