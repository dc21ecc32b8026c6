// A PostgreSQL cluster of its own for the topology, from Debian's server programs: initdb once into
// the data folder (password authentication for the `temporal` role, the password kept beside it
// with mode 0600), then `postgres` on 127.0.0.1 only, TCP only. PostgreSQL refuses to run as root;
// as root (CI) it runs as Debian's `postgres` system user.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess, waitFor } from './process.js';
import { database, postgresSettings } from './settings.js';

export interface PostgresOptions {
  /** initdb, postgres, pg_isready live here. */
  binDir: string;
  /** The topology's data folder: the cluster goes to `postgres/`, the password to `postgres-password`. */
  dataDir: string;
  logDir: string;
  port: number;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Root may not run PostgreSQL: use the `postgres` system user Debian's package creates. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('PostgreSQL cannot run as root and there is no `postgres` user (apt-get install -y postgresql creates it)');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export class PostgresServer {
  readonly port: number;
  readonly user = database.user;
  readonly password: string;
  readonly process: ManagedProcess;
  readonly clusterDir: string;
  readonly #opts: PostgresOptions;

  private constructor(opts: PostgresOptions, password: string, user: RunAs | undefined) {
    this.#opts = opts;
    this.port = opts.port;
    this.password = password;
    this.clusterDir = join(opts.dataDir, 'postgres');
    const settings = Object.entries(postgresSettings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    this.process = new ManagedProcess({
      name: 'postgres',
      command: join(opts.binDir, 'postgres'),
      args: ['-D', this.clusterDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...settings],
      env: { PATH: process.env.PATH, LANG: 'C' },
      logFile: join(opts.logDir, 'postgres.log'),
      ...(user && { uid: user.uid, gid: user.gid }),
    });
  }

  /** Creates the cluster on first use (initdb), keeps it afterwards; does not start it. */
  static prepare(opts: PostgresOptions): PostgresServer {
    const user = runAs();
    const clusterDir = join(opts.dataDir, 'postgres');
    const passwordFile = join(opts.dataDir, 'postgres-password');
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      rmSync(clusterDir, { recursive: true, force: true });
      mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
      const password = randomBytes(18).toString('base64url');
      writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
      // initdb reads the password from a file it can open as the cluster's owner; removed right after.
      const initPw = join(clusterDir, '..', `.initdb-pw-${process.pid}`);
      writeFileSync(initPw, `${password}\n`, { mode: 0o600 });
      if (user) {
        // The postgres user must reach the cluster folder: traverse (not read) the data folder.
        chmodSync(opts.dataDir, 0o711);
        chownSync(clusterDir, user.uid, user.gid);
        chownSync(initPw, user.uid, user.gid);
      }
      const r = spawnSync(
        join(opts.binDir, 'initdb'),
        ['-D', clusterDir, '-U', database.user, `--pwfile=${initPw}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale'],
        { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: 'C' }, ...(user && { uid: user.uid, gid: user.gid }) },
      );
      rmSync(initPw, { force: true });
      if (r.status !== 0) throw new Error(`initdb failed:\n${r.stdout}\n${r.stderr}`);
    }
    const password = readFileSync(passwordFile, 'utf8').trim();
    return new PostgresServer(opts, password, user);
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.process.start();
    const isready = join(this.#opts.binDir, 'pg_isready');
    await waitFor(
      'waiting for PostgreSQL to accept connections',
      async () => spawnSync(isready, ['-q', '-h', '127.0.0.1', '-p', String(this.port)]).status === 0,
      { timeoutMs, proc: this.process },
    );
  }

  /** Fast shutdown: open transactions are rolled back, the cluster is left consistent. */
  stop(): Promise<void> {
    return this.process.stop(30_000, 'SIGINT');
  }
}
