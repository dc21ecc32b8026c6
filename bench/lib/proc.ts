// Memory and CPU of a process from /proc (Linux): what `ps` shows, sampled without spawning it.
import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

/** User + system CPU seconds the process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A field of /proc/<pid>/task/<tid>/schedstat (nanoseconds), summed over the process's threads, in seconds. */
async function schedstatSeconds(pid: number, field: 0 | 1): Promise<number> {
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '');
    ns += Number(stat.split(' ')[field] ?? 0);
  }
  return ns / 1e9;
}

/**
 * CPU seconds the process's threads have run so far, from the scheduler's nanoseconds: precise
 * enough to meter a few milliseconds, where `cpuSeconds` counts in 10 ms ticks. Threads that have
 * exited are not counted.
 */
export const runSeconds = (pid: number): Promise<number> => schedstatSeconds(pid, 0);

/**
 * Seconds the process's threads spent runnable but waiting for a CPU (the scheduler's run queue),
 * summed over threads: on a shared machine, the CPU a process wanted and did not get.
 */
export const runQueueWaitSeconds = (pid: number): Promise<number> => schedstatSeconds(pid, 1);

/** Share of one core the process used over `ms` (100 = one full core). */
export async function cpuPercent(pid: number, ms: number): Promise<number> {
  const a = await cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = await cpuSeconds(pid);
  return ((b - a) / ((performance.now() - t0) / 1000)) * 100;
}

export async function machine(): Promise<{ cpu: string; cores: number; memoryGiB: number; node: string; load: number[] }> {
  const os = await import('node:os');
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

export const MiB = 2 ** 20;

/** Proportional set size: shared pages divided among the processes that map them, so PSS adds up across processes (RSS does not). */
export async function pssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)\s+kB/m.exec(rollup)?.[1] ?? Number.NaN) * 1024;
}

/** Processes whose command line contains one of `patterns` (e.g. a Temporal server and its PostgreSQL backends). */
export async function pidsMatching(patterns: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (patterns.some((p) => cmdline.replaceAll('\0', ' ').includes(p))) pids.push(Number(entry));
  }
  return pids;
}

/**
 * CPU and memory of a set of processes that may change while it is measured (PostgreSQL backends come
 * and go): CPU seconds only grow (a process that exited keeps what it was last seen using), memory is
 * the sum over the processes there now (PSS when there is more than one, RSS for one).
 */
export class ProcessGroup {
  readonly #seen = new Map<number, number>();
  constructor(private readonly pids: () => Promise<number[]> | number[]) {}

  async cpuSeconds(): Promise<number> {
    for (const pid of await this.pids()) {
      const s = await cpuSeconds(pid).catch(() => undefined);
      if (s !== undefined) this.#seen.set(pid, Math.max(s, this.#seen.get(pid) ?? 0));
    }
    let total = 0;
    for (const s of this.#seen.values()) total += s;
    return total;
  }

  async memoryBytes(): Promise<number> {
    const pids = await this.pids();
    const sizes = await Promise.all(pids.map((pid) => (pids.length > 1 ? pssBytes(pid) : rssBytes(pid)).catch(() => 0)));
    return sizes.reduce((a, b) => a + b, 0);
  }

  async runQueueWaitSeconds(): Promise<number> {
    let total = 0;
    for (const pid of await this.pids()) total += await runQueueWaitSeconds(pid);
    return total;
  }

  /** Share of one core the group used over `ms` (100 = one full core). */
  async cpuPercent(ms: number): Promise<number> {
    const a = await this.cpuSeconds();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    return (((await this.cpuSeconds()) - a) / ((performance.now() - t0) / 1000)) * 100;
  }
}
