// A child process of the topology: its own process group (so `npm run worker` and the node process
// it starts are signalled together, as `kill -9` on a host would hit the worker), output appended to
// a log file, started again with the same command after a crash or a kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

const running = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Whatever happens to this process (a failed test, an exception), its children do not outlive it. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of running) p.signal('SIGKILL');
  });
}

export class ManagedProcess {
  readonly spec: ProcessSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** How many times it was started. */
  starts = 0;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The group leader's pid while it runs. */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#exit === undefined;
  }

  /** How the last run ended, if it did. */
  get exit() {
    return this.#exit;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    installExitHook();
    const fd = openSync(this.spec.logFile, 'a');
    try {
      const child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env,
        stdio: ['ignore', fd, fd],
        detached: true,
        ...(this.spec.uid !== undefined && { uid: this.spec.uid }),
        ...(this.spec.gid !== undefined && { gid: this.spec.gid }),
      });
      this.#child = child;
      this.#exit = undefined;
      this.starts += 1;
      running.add(this);
      this.#exited = new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          this.#exit = { code, signal };
          running.delete(this);
          resolve();
        });
        child.once('error', (err) => {
          this.#exit = { code: null, signal: null };
          running.delete(this);
          this.#spawnError = err;
          resolve();
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  #spawnError: Error | undefined;

  /** Runs to completion; throws with the log's tail unless it exits 0 within `timeoutMs`. */
  async runToCompletion(timeoutMs: number): Promise<void> {
    this.start();
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
    if (this.#exit?.code !== 0) {
      const how = this.#spawnError ? this.#spawnError.message : `exit ${this.#exit?.code ?? this.#exit?.signal}`;
      throw new Error(`${this.name} failed (${how}); ${this.spec.logFile} ends with:\n${this.tail()}`);
    }
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (!this.running || pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }

  /** `kill -9`: no shutdown hook runs, in-flight work is abandoned. Resolves once it is gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.#exited;
  }

  /** Graceful stop (SIGTERM, or `signal`), then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Resolves when the current run ends. */
  exited(): Promise<void> {
    return this.#exited;
  }

  /** The last `lines` lines of the log, for error messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '';
    }
  }

  /** Throws with the log's tail if the process ended (or never started). */
  assertRunning(what: string): void {
    if (this.running) return;
    const how = this.#spawnError ? this.#spawnError.message : `exit ${this.#exit?.code ?? this.#exit?.signal ?? 'unknown'}`;
    throw new Error(`${this.name} stopped while ${what} (${how}); ${this.spec.logFile} ends with:\n${this.tail()}`);
  }
}

/** Polls `check` until it resolves truthy; fails early when `proc` dies, or after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs, proc, intervalMs = 250 }: { timeoutMs: number; proc?: ManagedProcess; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    proc?.assertRunning(what);
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      const log = proc ? `\n${proc.spec.logFile} ends with:\n${proc.tail()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms ${what}${why}${log}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
