// `npx tsx bench/gc-vs-deadlines.ts <capacity result .json> <worker-<pid>.log>`: the worker's garbage
// collections beside the capacity run's deadlines. The log is what `npm run bench:capacity --
// "--worker-node-options=--max-old-space-size=512 --trace-gc" --worker-log-dir DIR` wrote (each line
// prefixed with the epoch ms the bench read it, about when the collection ended). Prints, per V8
// isolate (the main thread's and the workflow thread's), the collections within 60 s of the
// deadlines and their share of the thread; then each deadline's breakdown (ms after its instant)
// with the collections whose marking overlapped it (start = end - marking walltime).
import { readFileSync } from 'node:fs';

interface Gc {
  isolate: string;
  kind: string;
  /** The final pause, ms. */
  pause: number;
  /** Incremental marking steps on the thread, ms. */
  stepMs: number;
  biggestStep: number;
  start: number;
  end: number;
  beforeMB: number;
  afterMB: number;
}

const [resultFile, logFile] = process.argv.slice(2);
if (!resultFile || !logFile) throw new Error('usage: gc-vs-deadlines <capacity result .json> <worker log>');
const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
  details: { precision: { deadlines?: number[]; lateness: (number | null)[]; breakdown: Record<string, number | undefined>[] } };
};
const { deadlines, lateness, breakdown } = result.details.precision;
if (!deadlines) throw new Error(`${resultFile} has no deadline instants (a run before they were recorded)`);

const gcs: Gc[] = [];
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
  const m = line.match(/^(\d+) \[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: ([A-Za-z-]+(?: \([a-z]+\))?) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/);
  if (!m) continue;
  const steps = line.match(/\+ ([\d.]+) ms in \d+ steps since start of marking, biggest step ([\d.]+) ms, walltime since start of marking (\d+) ms/);
  const end = Number(m[1]);
  const pause = Number(m[6]);
  gcs.push({
    isolate: m[2]!,
    kind: m[3]!,
    pause,
    stepMs: steps ? Number(steps[1]) : 0,
    biggestStep: steps ? Number(steps[2]) : 0,
    start: end - (steps ? Number(steps[3]) : pause),
    end,
    beforeMB: Number(m[4]),
    afterMB: Number(m[5]),
  });
}

const from = deadlines[0]! - 60_000;
const to = deadlines.at(-1)! + 60_000;
const major = (g: Gc) => g.kind.startsWith('Mark-Compact');
for (const isolate of new Set(gcs.map((g) => g.isolate))) {
  const near = gcs.filter((g) => g.isolate === isolate && g.end >= from && g.end <= to);
  if (near.length === 0) continue;
  const spent = (xs: Gc[]) => xs.reduce((sum, g) => sum + g.pause + g.stepMs, 0);
  const share = (xs: Gc[]) => `${((spent(xs) / (to - from)) * 100).toFixed(1)}%`;
  const mc = near.filter(major);
  console.log(
    `isolate ${isolate}: ${near.length} collections within 60 s of the deadlines; minor ${share(near.filter((g) => !major(g)))} of the thread, ` +
      `major ${mc.length} (${share(mc)}): final pauses ${mc.map((g) => g.pause).join(', ')} ms, biggest steps ${mc.map((g) => g.biggestStep).join(', ')} ms, ` +
      `heap ${mc.map((g) => `${g.beforeMB}->${g.afterMB}`).join(', ')} MB`,
  );
}
deadlines.forEach((d, i) => {
  const b = breakdown[i] ?? {};
  const window = [d + (b.timerFired ?? 0), d + (b.arrived ?? b.taskDone ?? 0)];
  const inside = gcs.filter((g) => g.end >= window[0]! && g.start <= window[1]! && (g.pause >= 5 || g.biggestStep >= 5));
  console.log(
    `deadline ${i}: ${lateness[i]} ms late (timer fired +${b.timerFired}, workflow task done +${b.taskDone}, at the stand-in +${b.arrived})` +
      (inside.length
        ? `; collections overlapping: ${inside.map((g) => `${g.isolate} ${g.kind} +${Math.round(g.start - d)}..+${g.end - d} ms, final pause ${g.pause} ms, steps ${g.stepMs} ms`).join('; ')}`
        : ''),
  );
});
