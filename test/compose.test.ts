// docker-compose.yml, Dockerfile and .dockerignore, checked statically: no Docker engine needed.
// The app containers may receive only variables src/config.ts (EnvSchema) knows, every reference in
// the files resolves to something that exists, and nothing secret is written into them.
// The checks are plain functions returning problems, so the last block can show each one failing.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvSchema, parseEnv } from '../src/config.js';
import { deployFiles, namespaceRetention, postgresSettings, repoRoot, searchAttributesSetting, temporalServerSettings, versions } from '../src/ops/settings.js';
import type { PostgresServer } from '../src/ops/postgres.js';
import { TemporalServer, standardTemporalPorts } from '../src/ops/temporal-server.js';
import { standardPorts } from '../src/ops/topology.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const exists = (path: string) => existsSync(join(root, path));

/** Every variable the app reads. */
const KNOWN = new Set(Object.keys(EnvSchema.properties));
/** Variables docker-compose.yml interpolates that the app never reads; each must be documented in its comments. */
const COMPOSE_ONLY = new Set(['POSTGRES_PASSWORD']);
const SERVICES = ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'api', 'worker'];
const APP_SERVICES = ['api', 'worker'];
const WORKER_REQUIRED = ['TEMPORAL_ADDRESS', 'SLACK_BOT_TOKEN', 'SENDGRID_API_KEY'];
/** The app's secrets: only from the environment, never with a default in the file. */
const APP_SECRETS = new Set(
  [...KNOWN].filter((name) => /(TOKEN|SECRET|API_KEY)$/.test(name)),
);
/** Values for the file's required (`${VAR:?…}`) variables when resolving it the way compose would. */
const SAMPLE_ENV: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-sample',
  SLACK_SIGNING_SECRET: 'sample-signing-secret',
  SENDGRID_API_KEY: 'sample-key',
  API_KEYS_FILE: 'config/api-keys.yaml',
};
/** Strings shaped like real credentials. */
const SECRET_PATTERNS: [string, RegExp][] = [
  ['Slack token', /xox[abposr]-[A-Za-z0-9-]{10,}/],
  ['SendGrid key', /SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['AWS access key', /AKIA[0-9A-Z]{16}/],
];
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PWD|API_KEY|PRIVATE_KEY)$/;

type Service = Record<string, unknown>;
interface Compose {
  services: Record<string, Service>;
  [key: string]: unknown;
}

const composeText = read('docker-compose.yml');
// `<<: *anchor` merges, as compose applies them.
const compose = parse(composeText, { merge: true }) as Compose;
const clone = (): Compose => structuredClone(compose);

// ---------------------------------------------------------------------------------------------------
// Reading compose's shapes

/** `environment` in either form: list of `NAME=value` / `NAME`, or map (null = passed through from the shell). */
function envOf(service: Service): Map<string, string | null> {
  const env = service.environment;
  const out = new Map<string, string | null>();
  if (env === undefined || env === null) return out;
  if (Array.isArray(env)) {
    for (const item of env) {
      const s = String(item);
      const eq = s.indexOf('=');
      out.set(eq < 0 ? s : s.slice(0, eq), eq < 0 ? null : s.slice(eq + 1));
    }
  } else if (typeof env === 'object') {
    for (const [k, v] of Object.entries(env as Record<string, unknown>)) out.set(k, v === null ? null : String(v));
  } else {
    throw new Error(`environment must be a list or a map, got ${typeof env}`);
  }
  return out;
}

interface Ref {
  name: string;
  /** '' (plain), ':-', '-', ':?', '?', ':+', '+' */
  op: string;
  arg: string;
}

const REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Interpolations in one string (`$$` is a literal dollar). Throws on forms this test does not model. */
function refsIn(value: string): Ref[] {
  const text = value.replace(/\$\$/g, '');
  const refs: Ref[] = [];
  for (const m of text.matchAll(REF)) {
    const arg = m[3] ?? '';
    if (arg.includes('$')) throw new Error(`nested interpolation in ${JSON.stringify(value)} is not checked by this test`);
    refs.push({ name: (m[1] ?? m[4])!, op: m[2] ?? '', arg });
  }
  if (text.replace(REF, '').includes('${')) throw new Error(`malformed interpolation in ${JSON.stringify(value)}`);
  return refs;
}

/** Substitutes interpolations as compose does; a required variable that is unset throws its message. */
function resolve(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare)!;
    const set = Object.hasOwn(env, name);
    const nonEmpty = set && env[name] !== '';
    switch (op ?? '') {
      case '':
        return env[name] ?? '';
      case ':-':
        return nonEmpty ? env[name]! : arg!;
      case '-':
        return set ? env[name]! : arg!;
      case ':?':
      case '?':
        if (op === ':?' ? !nonEmpty : !set) throw new Error(`${name}: ${arg}`);
        return env[name]!;
      case ':+':
        return nonEmpty ? arg! : '';
      case '+':
        return set ? arg! : '';
      default:
        throw new Error(`unknown operator ${op}`);
    }
  });
}

/** Every string value under a node, with its path. */
function* stringsIn(node: unknown, path: string): Generator<[string, string]> {
  if (typeof node === 'string') yield [path, node];
  else if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* stringsIn(v, `${path}[${i}]`);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) yield* stringsIn(v, `${path}.${k}`);
}

/** The environment a service's container receives, resolved against `env` as compose would. */
function resolvedEnv(service: Service, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries([...envOf(service)].map(([k, v]) => [k, v === null ? (env[k] ?? '') : resolve(v, env)]));
}

function dependsOn(service: Service): Map<string, string | undefined> {
  const deps = service.depends_on;
  if (deps === undefined) return new Map();
  if (Array.isArray(deps)) return new Map(deps.map((d) => [String(d), undefined]));
  return new Map(Object.entries(deps as Record<string, { condition?: string }>).map(([k, v]) => [k, v?.condition]));
}

interface PortBinding {
  hostIp: string;
  host: string | undefined;
  container: string;
}

function portsOf(service: Service): PortBinding[] {
  const ports = (service.ports ?? []) as unknown[];
  return ports.map((p) => {
    if (typeof p === 'object' && p !== null) {
      const { host_ip, published, target } = p as { host_ip?: string; published?: string | number; target: string | number };
      return { hostIp: host_ip ?? '0.0.0.0', host: published === undefined ? undefined : String(published), container: String(target) };
    }
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    const parts = spec.startsWith('[') ? spec.split(/(?<=\]):/) : spec.split(':');
    if (parts.length === 1) return { hostIp: '0.0.0.0', host: undefined, container: parts[0]! };
    if (parts.length === 2) return { hostIp: '0.0.0.0', host: parts[0], container: parts[1]! };
    return { hostIp: parts[0]!, host: parts[1] || undefined, container: parts[2]! };
  });
}

/** `./src:/dst[:mode]` binds (named volumes and long syntax non-binds are skipped). */
function bindsOf(service: Service): { source: string; target: string }[] {
  const out: { source: string; target: string }[] = [];
  for (const v of (service.volumes ?? []) as unknown[]) {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      if (source && target && /^[./~]/.test(source)) out.push({ source: posix.normalize(source), target });
    } else if (v && typeof v === 'object' && (v as { type?: string }).type === 'bind') {
      const { source, target } = v as { source: string; target: string };
      out.push({ source: posix.normalize(source), target });
    }
  }
  return out;
}

/** The repository file a container path comes from through the service's bind mounts, if any. */
function hostPathFor(service: Service, containerPath: string, workdir: string): string | undefined {
  const abs = posix.resolve(workdir, containerPath);
  for (const { source, target } of bindsOf(service)) {
    if (abs === target || abs.startsWith(`${target}/`)) return posix.join(source, abs.slice(target.length));
  }
  return undefined;
}

const commandTokens = (command: unknown): string[] =>
  Array.isArray(command) ? command.map(String) : typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : [];

// ---------------------------------------------------------------------------------------------------
// The checks: each returns the problems it found

function appEnvProblems(doc: Compose): string[] {
  const problems: string[] = [];
  for (const name of APP_SERVICES) {
    const service = doc.services[name];
    if (!service) continue;
    if (service.env_file !== undefined) problems.push(`${name}: env_file would pass variables this test cannot see`);
    for (const key of envOf(service).keys()) {
      if (!KNOWN.has(key)) problems.push(`${name}: environment ${key} is not read by src/config.ts`);
    }
  }
  return problems;
}

function interpolationProblems(doc: Compose, text: string): string[] {
  const problems: string[] = [];
  const comments = text
    .split('\n')
    .filter((l) => l.trimStart().startsWith('#'))
    .join('\n');
  for (const [name, service] of Object.entries(doc.services)) {
    for (const [path, value] of stringsIn(service, name)) {
      let refs: Ref[];
      try {
        refs = refsIn(value);
      } catch (err) {
        problems.push(`${path}: ${(err as Error).message}`);
        continue;
      }
      for (const ref of refs) {
        if (!KNOWN.has(ref.name) && !COMPOSE_ONLY.has(ref.name)) {
          problems.push(`${path}: \${${ref.name}} is neither read by src/config.ts nor a documented compose-only variable`);
        }
        // `${VAR:-}` (empty) is just "optional"; any other default would put a value in the file.
        const defaulted = ref.op === ':-' || ref.op === '-' || ref.op === ':+' || ref.op === '+';
        if (APP_SECRETS.has(ref.name) && defaulted && ref.arg !== '') {
          problems.push(`${path}: secret ${ref.name} must come from the environment, not a default (${ref.op})`);
        }
      }
    }
  }
  for (const name of COMPOSE_ONLY) {
    if (text.includes(name) && !new RegExp(`\\b${name}\\b`).test(comments)) {
      problems.push(`compose-only variable ${name} is not documented in the file's comments`);
    }
  }
  return problems;
}

function serviceShapeProblems(doc: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    if (service.image === undefined && service.build === undefined) problems.push(`${name}: neither image nor build`);
    if (service.build === undefined && typeof service.image === 'string') {
      const m = /^(?:[^/]+\/)*[^:/@]+(?::([^@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(service.image);
      const tag = m?.[1];
      if (!tag || tag === 'latest' || !/\d/.test(tag)) problems.push(`${name}: image ${service.image} is not pinned to a version`);
    }
  }
  return problems;
}

function dependsOnProblems(doc: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    for (const [target, condition] of dependsOn(service)) {
      const dep = doc.services[target];
      if (!dep) {
        problems.push(`${name}: depends_on ${target}, which is not a service`);
        continue;
      }
      if (target === name) problems.push(`${name}: depends on itself`);
      if (condition === 'service_healthy') {
        const hc = dep.healthcheck as { test?: unknown; disable?: boolean } | undefined;
        const hasCheck = hc ? !hc.disable && hc.test !== undefined : dep.build !== undefined;
        if (!hasCheck) problems.push(`${name}: waits for ${target} to be healthy, but ${target} has no healthcheck`);
      }
    }
  }
  return problems;
}

/** A published port or range (`3000-3001`, one port per replica) as the list of host ports. */
function hostPorts(host: string): string[] {
  const range = /^(\d+)-(\d+)$/.exec(host);
  if (!range) return [host];
  const [from, to] = [Number(range[1]), Number(range[2])];
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

function portProblems(doc: Compose): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [name, service] of Object.entries(doc.services)) {
    for (const { host } of portsOf(service)) {
      if (host === undefined) continue;
      for (const port of hostPorts(host)) {
        const owner = seen.get(port);
        if (owner) problems.push(`host port ${port} is published by both ${owner} and ${name}`);
        else seen.set(port, name);
      }
    }
  }
  return problems;
}

function secretProblems(doc: Compose, text: string): string[] {
  const problems: string[] = [];
  for (const [label, pattern] of SECRET_PATTERNS) {
    if (pattern.test(text)) problems.push(`docker-compose.yml contains what looks like a ${label}`);
  }
  for (const [name, service] of Object.entries(doc.services)) {
    for (const [key, value] of envOf(service)) {
      if (SECRET_NAME.test(key) && value !== null && value !== '' && !value.includes('${')) {
        problems.push(`${name}: ${key} is written into the file; take it from the environment`);
      }
    }
  }
  return problems;
}

/** Files named by an entry command (e.g. `node --import tsx src/api-main.ts`) that are missing. */
function entryFileProblems(where: string, tokens: string[]): string[] {
  const files = tokens.filter((t) => /\.(m?[jt]s|cjs)$/.test(t));
  if (files.length === 0) return [`${where}: names no entry file (${tokens.join(' ')})`];
  return files.filter((f) => !exists(f)).map((f) => `${where}: ${f} does not exist`);
}

function commandProblems(doc: Compose): string[] {
  return APP_SERVICES.flatMap((name) => {
    const service = doc.services[name];
    return service ? entryFileProblems(`${name}.command`, commandTokens(service.command)) : [];
  });
}

// ---------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('is a Compose-spec file with the stack\'s services', () => {
    expect(compose).toBeTypeOf('object');
    expect(compose).not.toHaveProperty('version');
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(SERVICES));
  });

  it('gives every service an image or a build, third-party images pinned', () => {
    expect(serviceShapeProblems(compose)).toEqual([]);
    expect(compose.services.api!.build).toBeDefined();
    expect(compose.services.worker!.image).toBe(compose.services.api!.image);
  });

  it('runs Temporal on PostgreSQL: the schema job, the server, the namespace job, in that order', () => {
    const { temporal, postgresql } = compose.services as Record<string, Service>;
    expect([...dependsOn(compose.services['temporal-schema']!)]).toEqual([['postgresql', 'service_healthy']]);
    expect([...dependsOn(temporal!)]).toEqual([['temporal-schema', 'service_completed_successfully']]);
    expect([...dependsOn(compose.services['temporal-namespace']!)]).toEqual([['temporal', 'service_healthy']]);
    for (const name of [...APP_SERVICES, 'temporal-ui']) {
      expect([...dependsOn(compose.services[name]!)], name).toEqual([['temporal-namespace', 'service_completed_successfully']]);
    }
    // The password Temporal uses is the one PostgreSQL was given.
    for (const vars of [{}, { POSTGRES_PASSWORD: 'other' }] as Record<string, string>[]) {
      for (const name of ['temporal', 'temporal-schema']) {
        expect(resolvedEnv(compose.services[name]!, vars).POSTGRES_PWD, name).toBe(resolvedEnv(postgresql!, vars).POSTGRES_PASSWORD);
      }
    }
    const dynamic = parse(read('deploy/temporal/dynamicconfig.yaml')) as Record<string, unknown>;
    for (const [key, values] of Object.entries(dynamic)) {
      expect(Array.isArray(values), key).toBe(true);
      for (const v of values as unknown[]) expect(v, key).toHaveProperty('value');
    }
  });
});

// The native topology (npm run topology, src/ops/) and this file run the same thing.
describe('docker-compose.yml and the native topology (src/ops/) agree', () => {
  /** The environment the native launcher gives the Temporal server, with stand-in ports and password. */
  const native = new TemporalServer({
    tools: { server: 'server', sqlTool: 'sql', cli: 'temporal', postgresBin: '/usr/lib/postgresql/15/bin' },
    postgres: { port: 5433, user: 'temporal', password: 'native-password' } as PostgresServer,
    ports: standardTemporalPorts,
    namespace: 'default',
    logDir: '/tmp',
  }).process.spec.env;
  const temporal = compose.services.temporal!;
  const serverEnv = resolvedEnv(temporal, {});
  const containerFile = (service: Service, path: string) => hostPathFor(service, path, '/etc/temporal');
  const repoPath = (abs: string) => posix.relative(repoRoot.replace(/\/$/, ''), abs);

  it('runs the same Temporal server version natively and as images (deploy/versions.json)', () => {
    expect(temporal.image).toBe(`temporalio/server:${versions.temporalServer}`);
    for (const job of ['temporal-schema', 'temporal-namespace']) expect(compose.services[job]!.image, job).toBe(`temporalio/admin-tools:${versions.temporalServer}`);
    // scripts/setup.mjs builds exactly this version.
    expect(read('scripts/setup.mjs')).toContain('versions.temporalServer');
  });

  it('runs the same PostgreSQL major version with the same server settings', () => {
    const pg = compose.services.postgresql!;
    expect(String(pg.image)).toMatch(new RegExp(`^postgres:${versions.postgresMajor}\\.\\d+(-bookworm)?$`));
    const command = commandTokens(pg.command);
    expect(command[0]).toBe('postgres');
    const settings = Object.fromEntries(command.slice(1).filter((t) => t !== '-c').map((t) => t.split('=') as [string, string]));
    expect(settings).toEqual(postgresSettings);
    expect(resolvedEnv(pg, {}).POSTGRES_USER).toBe(native.POSTGRES_USER);
  });

  it('gives the server the same configuration file, dynamic config and settings', () => {
    // The files the container reads are the ones the native server reads.
    expect(containerFile(temporal, serverEnv.TEMPORAL_SERVER_CONFIG_FILE_PATH!)).toBe(repoPath(deployFiles.serverConfig));
    expect(containerFile(temporal, serverEnv.DYNAMIC_CONFIG_FILE_PATH!)).toBe(repoPath(deployFiles.dynamicConfig));
    expect(native.TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe(deployFiles.serverConfig);
    expect(native.DYNAMIC_CONFIG_FILE_PATH).toBe(deployFiles.dynamicConfig);
    for (const [key, value] of Object.entries(temporalServerSettings)) {
      if (key.endsWith('_PATH')) continue;
      expect(serverEnv[key], key).toBe(value);
      expect(native[key], key).toBe(value);
    }
    // Every variable the native server gets, compose gives too (ports and the bind address differ
    // by design: Temporal's defaults in the container, free or standard ports natively).
    const differs = new Set(['PATH', 'POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_PWD', 'BIND_ON_IP', 'LOG_LEVEL']);
    const nativeKeys = Object.keys(native).filter((k) => !differs.has(k) && !/_PORT$/.test(k));
    expect(Object.keys(serverEnv)).toEqual(expect.arrayContaining(nativeKeys));
    // Compose's ports are the native topology's standard ones: Temporal's defaults in server.yaml.
    const yaml = read('deploy/temporal/server.yaml');
    for (const [env, port] of [['FRONTEND_GRPC_PORT', standardTemporalPorts.frontendGrpc], ['FRONTEND_HTTP_PORT', standardTemporalPorts.frontendHttp]] as const) {
      expect(yaml).toContain(`default "${port}" (env "${env}")`);
      expect(native[env]).toBe(String(port));
    }
    expect(portsOf(temporal).map((p) => p.container)).toEqual([String(standardTemporalPorts.frontendGrpc)]);
  });

  it('fills every variable server.yaml reads without a default, in compose and natively', () => {
    const yaml = read('deploy/temporal/server.yaml');
    const withoutDefault = [...yaml.matchAll(/\{\{[^}]*?\(?env "([A-Z_]+)"\)?[^}]*\}\}/g)]
      .filter((m) => !/default /.test(m[0]))
      .map((m) => m[1]!)
      .filter((name) => !['TEMPORAL_BROADCAST_ADDRESS', 'PROMETHEUS_ENDPOINT'].includes(name));
    expect(withoutDefault).toEqual(expect.arrayContaining(['POSTGRES_PWD', 'DYNAMIC_CONFIG_FILE_PATH']));
    for (const name of withoutDefault) {
      expect(serverEnv[name], `compose: ${name}`).toBeTruthy();
      expect(native[name], `native: ${name}`).toBeTruthy();
    }
  });

  it('sets up the schema and the namespace with the same scripts and values', () => {
    const schema = compose.services['temporal-schema']!;
    const namespace = compose.services['temporal-namespace']!;
    expect(containerFile(schema, commandTokens(schema.entrypoint).at(-1)!)).toBe(repoPath(deployFiles.setupSchema));
    expect(containerFile(namespace, commandTokens(namespace.entrypoint).at(-1)!)).toBe(repoPath(deployFiles.setupNamespace));
    // The schema job reaches the database the server uses.
    const schemaEnv = resolvedEnv(schema, {});
    for (const key of ['POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME']) expect(schemaEnv[key], key).toBe(serverEnv[key]);
    const nsEnv = resolvedEnv(namespace, {});
    expect(nsEnv.SEARCH_ATTRIBUTES).toBe(searchAttributesSetting());
    expect(nsEnv.NAMESPACE_RETENTION).toBe(namespaceRetention);
    expect(nsEnv.TEMPORAL_ADDRESS).toBe(`temporal:${standardTemporalPorts.frontendGrpc}`);
    for (const vars of [SAMPLE_ENV, { ...SAMPLE_ENV, TEMPORAL_NAMESPACE: 'support' }]) {
      for (const name of APP_SERVICES) expect(resolvedEnv(compose.services[name]!, vars).TEMPORAL_NAMESPACE).toBe(resolvedEnv(namespace, vars).TEMPORAL_NAMESPACE);
    }
  });

  it('runs two APIs on the native topology\'s ports and two workers', () => {
    const api = compose.services.api!;
    expect((api.deploy as { replicas: number }).replicas).toBe(2);
    expect((compose.services.worker!.deploy as { replicas: number }).replicas).toBe(2);
    expect(portsOf(api).flatMap((p) => hostPorts(p.host!))).toEqual([String(standardPorts.apiBase), String(standardPorts.apiBase + 1)]);
  });
});

describe('docker-compose.yml, the app services', () => {
  it('gives the app services only variables src/config.ts reads', () => {
    expect(appEnvProblems(compose)).toEqual([]);
    for (const name of APP_SERVICES) expect(envOf(compose.services[name]!).size, name).toBeGreaterThan(0);
  });

  it('interpolates only variables the app reads or documented compose-only ones, secrets without defaults', () => {
    expect(interpolationProblems(compose, composeText)).toEqual([]);
  });

  it('gives the app services an environment that src/config.ts accepts', () => {
    for (const name of APP_SERVICES) {
      const env = resolvedEnv(compose.services[name]!, SAMPLE_ENV);
      expect(() => parseEnv(env), name).not.toThrow();
      expect(parseEnv(env).TEMPORAL_ADDRESS, name).toBeDefined();
    }
  });

  it('provides the worker its required variables, secrets only from the environment', () => {
    const worker = compose.services.worker!;
    const env = resolvedEnv(worker, SAMPLE_ENV);
    for (const key of WORKER_REQUIRED) expect(env[key], key).toBeTruthy();
    expect(env.SLACK_BOT_TOKEN).toBe(SAMPLE_ENV.SLACK_BOT_TOKEN);
    expect(env.SENDGRID_API_KEY).toBe(SAMPLE_ENV.SENDGRID_API_KEY);
    // Unset, compose stops with the file's message instead of starting a worker that would exit.
    expect(() => resolvedEnv(worker, { SENDGRID_API_KEY: 'k' })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => resolvedEnv(worker, { SLACK_BOT_TOKEN: 'xoxb-sample' })).toThrow(/SENDGRID_API_KEY/);
    // The API sends no email; it answers Slack's interactions (so it verifies them and talks to Slack).
    expect(envOf(compose.services.api!).has('SENDGRID_API_KEY')).toBe(false);
    const api = resolvedEnv(compose.services.api!, SAMPLE_ENV);
    expect(api.SLACK_BOT_TOKEN).toBe(SAMPLE_ENV.SLACK_BOT_TOKEN);
    expect(api.SLACK_SIGNING_SECRET).toBe(SAMPLE_ENV.SLACK_SIGNING_SECRET);
    expect(() => resolvedEnv(compose.services.api!, { ...SAMPLE_ENV, SLACK_SIGNING_SECRET: '' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect([...APP_SECRETS]).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'SENDGRID_API_KEY']));
  });

  it('points the app at the temporal service, on its namespace', () => {
    const namespace = compose.services['temporal-namespace']!;
    for (const vars of [SAMPLE_ENV, { ...SAMPLE_ENV, TEMPORAL_NAMESPACE: 'support' }]) {
      for (const name of APP_SERVICES) {
        const env = resolvedEnv(compose.services[name]!, vars);
        const [host, port] = env.TEMPORAL_ADDRESS!.split(':');
        expect(compose.services[host!], `${name}: TEMPORAL_ADDRESS host`).toBeDefined();
        expect(portsOf(compose.services[host!]!).map((p) => p.container)).toContain(port);
        expect(env.TEMPORAL_NAMESPACE, name).toBe(resolvedEnv(namespace, vars).TEMPORAL_NAMESPACE);
      }
      expect(resolvedEnv(compose.services.worker!, vars).TEMPORAL_TASK_QUEUE ?? 'escalations').toBe(
        resolvedEnv(compose.services.api!, vars).TEMPORAL_TASK_QUEUE ?? 'escalations',
      );
    }
    expect(resolvedEnv(compose.services['temporal-ui']!, {}).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('publishes the API on the port it listens on, on all container interfaces', () => {
    const api = compose.services.api!;
    const env = parseEnv(resolvedEnv(api, SAMPLE_ENV));
    expect(env.HOST).toBe('0.0.0.0');
    expect(portsOf(api).map((p) => p.container)).toContain(String(env.PORT));
    expect(portsOf(compose.services.worker!)).toEqual([]);
  });

  it('mounts the directory file the app services are told to read', () => {
    for (const name of APP_SERVICES) {
      const service = compose.services[name]!;
      expect(bindsOf(service)).toContainEqual({ source: 'config', target: '/app/config' });
      const directory = resolvedEnv(service, SAMPLE_ENV).DIRECTORY_FILE!;
      const file = hostPathFor(service, directory, '/app');
      expect(file, `${name}: DIRECTORY_FILE ${directory} is outside the mounted folders`).toBeDefined();
      expect(exists(file!), file).toBe(true);
      expect(String(service.volumes)).toMatch(/:ro\b/);
    }
  });

  it('binds only to folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const { source } of bindsOf(service)) expect(exists(source), `${name}: ${source}`).toBe(true);
    }
  });

  it('has depends_on targets that exist, with health checks where it waits for health', () => {
    expect(dependsOnProblems(compose)).toEqual([]);
    expect([...dependsOn(compose.services['temporal-schema']!).keys()]).toContain('postgresql');
    for (const name of APP_SERVICES) expect([...dependsOn(compose.services[name]!).keys()], name).toContain('temporal-namespace');
  });

  it('has no clashing host ports', () => {
    expect(portProblems(compose)).toEqual([]);
  });

  it('runs the entry files directly, not through npm (whose prestart runs scripts/setup.mjs)', () => {
    expect(commandProblems(compose)).toEqual([]);
    expect(commandTokens(compose.services.api!.command)).toContain('src/api-main.ts');
    expect(commandTokens(compose.services.worker!.command)).toContain('src/worker-main.ts');
    for (const name of APP_SERVICES) expect(commandTokens(compose.services[name]!.command), name).not.toContain('npm');
  });

  it('switches off the image\'s HTTP health check for the worker, which serves no HTTP', () => {
    expect(compose.services.worker!.healthcheck).toEqual({ disable: true });
  });

  it('contains no literal secrets', () => {
    expect(secretProblems(compose, composeText)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

interface Instruction {
  cmd: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuations joined and comments dropped; `stage` counts FROMs. */
function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let buffer = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) {
      buffer += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    const full = (buffer + line).trim();
    buffer = '';
    if (!full) continue;
    const [, cmd, args] = /^(\S+)\s*(.*)$/s.exec(full)!;
    if (cmd!.toUpperCase() === 'FROM') stage++;
    out.push({ cmd: cmd!.toUpperCase(), args: args!.replace(/\s+/g, ' ').trim(), stage });
  }
  return out;
}

const execForm = (args: string): string[] => {
  expect(args.startsWith('['), `exec form expected: ${args}`).toBe(true);
  return JSON.parse(args) as string[];
};

describe('Dockerfile', () => {
  it('exists next to docker-compose.yml, which builds it', () => {
    expect(exists('Dockerfile')).toBe(true);
    for (const name of APP_SERVICES) expect(compose.services[name]!.build, name).toBe('.');
  });

  const instructions = exists('Dockerfile') ? dockerInstructions(read('Dockerfile')) : [];
  const lastStage = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === lastStage);
  const args = new Map(
    instructions
      .filter((i) => i.cmd === 'ARG' && i.stage === -1)
      .map((i) => i.args.split('=') as [string, string]),
  );

  it('builds from a pinned node 20 bookworm-slim image', () => {
    const froms = instructions.filter((i) => i.cmd === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.args.split(' ')[0]!.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args.get(name) ?? '');
      expect(image).toMatch(/^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it('installs production dependencies only, and tsx is one of them', () => {
    const install = instructions.find((i) => i.cmd === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    expect(install?.args).toMatch(/--omit=dev/);
    expect(install!.stage).toBeLessThan(lastStage);
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies).toHaveProperty('tsx');
  });

  it('copies sources that exist and that .dockerignore lets through, templates included', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = instructions
      .filter((i) => i.cmd === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(' ').filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(exists(source), source).toBe(true);
      expect(ignored, `.dockerignore excludes ${source}`).not.toContain(source);
    }
    for (const dir of ['src', 'workflows', 'activities', 'config']) expect(sources, dir).toContain(dir);
    // Email templates live with their playbooks (workflows/<playbook>/templates/<locale>/).
    expect(statSync(join(root, 'workflows/live-delivery/templates')).isDirectory()).toBe(true);
  });

  it('runs the final stage as the node user in production mode', () => {
    expect(final.filter((i) => i.cmd === 'USER').at(-1)?.args).toBe('node');
    expect(final.some((i) => i.cmd === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
    expect(final.some((i) => i.cmd === 'EXPOSE' && i.args.split(' ').includes('3000'))).toBe(true);
  });

  it('checks health against a route the API serves, with node (slim has no curl)', () => {
    const hc = final.find((i) => i.cmd === 'HEALTHCHECK');
    expect(hc).toBeDefined();
    const probe = execForm(hc!.args.slice(hc!.args.indexOf('CMD ') + 4));
    expect(probe[0]).toBe('node');
    expect(probe.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    const path = /\/[a-z]+(?='|"|`|\?)/.exec(probe.join(' '))?.[0];
    expect(path).toBe('/healthz');
    expect(read('src/routes/health.ts')).toContain(`'${path}'`);
  });

  it('starts the API entry file directly, not through npm', () => {
    const cmd = final.filter((i) => i.cmd === 'CMD').at(-1);
    const tokens = execForm(cmd!.args);
    expect(entryFileProblems('CMD', tokens)).toEqual([]);
    expect(tokens).toEqual(['node', '--import', 'tsx', 'src/api-main.ts']);
    expect(final.some((i) => i.cmd === 'ENTRYPOINT')).toBe(false);
  });
});

describe('.dockerignore', () => {
  it('keeps host dependencies, local state, VCS data and secrets out of the build context', () => {
    const lines = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.tools', '.data', '.git', 'dist', 'coverage', '.env', 'test', '**/*.test.ts']) {
      expect(lines, entry).toContain(entry);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the checks catch mistakes', () => {
  // Built at run time so the test file itself holds nothing a secret scanner would flag.
  const fakeSlackToken = ['xoxb', '1234567890', '1234567890', 'abcdefghijklmnop'].join('-');

  it('a typo in an app variable name (map form)', () => {
    const doc = clone();
    const env = doc.services.worker!.environment as Record<string, unknown>;
    env.SENDGRID_APIKEY = env.SENDGRID_API_KEY;
    delete env.SENDGRID_API_KEY;
    expect(appEnvProblems(doc)).toEqual(['worker: environment SENDGRID_APIKEY is not read by src/config.ts']);
    expect(() => resolvedEnv(doc.services.worker!, SAMPLE_ENV)).not.toThrow();
    expect(resolvedEnv(doc.services.worker!, SAMPLE_ENV).SENDGRID_API_KEY).toBeUndefined();
  });

  it('a typo in an app variable name (list form), and env_file', () => {
    const doc = clone();
    doc.services.api!.environment = ['TEMPORAL_ADDRESS=temporal:7233', 'TEMPORAL_ADRESS=temporal:7233', 'LOG_LEVEL'];
    doc.services.api!.env_file = '.env';
    expect(envOf(doc.services.api!)).toEqual(
      new Map([['TEMPORAL_ADDRESS', 'temporal:7233'], ['TEMPORAL_ADRESS', 'temporal:7233'], ['LOG_LEVEL', null]]),
    );
    expect(appEnvProblems(doc)).toEqual([
      'api: env_file would pass variables this test cannot see',
      'api: environment TEMPORAL_ADRESS is not read by src/config.ts',
    ]);
  });

  it('a typo in an interpolated variable, an undocumented one, and a secret with a default', () => {
    const doc = clone();
    const env = doc.services.worker!.environment as Record<string, unknown>;
    env.LOG_LEVEL = '${LOG_LEVL:-info}';
    env.SLACK_BOT_TOKEN = `\${SLACK_BOT_TOKEN:-${fakeSlackToken}}`;
    (doc.services.postgresql!.environment as Record<string, unknown>).POSTGRES_DB = '${POSTGRES_DB_NAME:-temporal}';
    expect(interpolationProblems(doc, composeText)).toEqual([
      'postgresql.environment.POSTGRES_DB: ${POSTGRES_DB_NAME} is neither read by src/config.ts nor a documented compose-only variable',
      'worker.environment.LOG_LEVEL: ${LOG_LEVL} is neither read by src/config.ts nor a documented compose-only variable',
      'worker.environment.SLACK_BOT_TOKEN: secret SLACK_BOT_TOKEN must come from the environment, not a default (:-)',
    ]);
    expect(interpolationProblems(compose, composeText.replace(/^#.*POSTGRES_PASSWORD.*$/gm, '#'))).toEqual([
      'compose-only variable POSTGRES_PASSWORD is not documented in the file\'s comments',
    ]);
    expect(refsIn('$$HOME ${A} $B ${C:?msg}')).toEqual([
      { name: 'A', op: '', arg: '' },
      { name: 'B', op: '', arg: '' },
      { name: 'C', op: ':?', arg: 'msg' },
    ]);
  });

  it('a literal secret', () => {
    const doc = clone();
    (doc.services.worker!.environment as Record<string, unknown>).SLACK_BOT_TOKEN = fakeSlackToken;
    (doc.services.postgresql!.environment as Record<string, unknown>).POSTGRES_PASSWORD = 'hunter2';
    expect(secretProblems(doc, `${composeText}\n# ${fakeSlackToken}\n`)).toEqual([
      'docker-compose.yml contains what looks like a Slack token',
      'postgresql: POSTGRES_PASSWORD is written into the file; take it from the environment',
      'worker: SLACK_BOT_TOKEN is written into the file; take it from the environment',
    ]);
  });

  it('a depends_on target that does not exist, or has no health check to wait for', () => {
    const doc = clone();
    doc.services.api!.depends_on = { temporl: { condition: 'service_healthy' } };
    doc.services.worker!.depends_on = ['temporal', 'worker'];
    delete doc.services.temporal!.healthcheck;
    doc.services['temporal-ui']!.depends_on = { temporal: { condition: 'service_healthy' } };
    expect(dependsOnProblems(doc)).toEqual([
      'temporal-namespace: waits for temporal to be healthy, but temporal has no healthcheck',
      'temporal-ui: waits for temporal to be healthy, but temporal has no healthcheck',
      'api: depends_on temporl, which is not a service',
      'worker: depends on itself',
    ]);
  });

  it('a clashing host port', () => {
    const doc = clone();
    doc.services['temporal-ui']!.ports = ['127.0.0.1:3000:8080'];
    doc.services.worker!.ports = [{ target: 9000, published: '7233' }];
    expect(portProblems(doc)).toEqual([
      'host port 3000 is published by both temporal-ui and api',
      'host port 7233 is published by both temporal and worker',
    ]);
  });

  it('a command naming a missing entry file, an unpinned image, a service with neither', () => {
    const doc = clone();
    doc.services.worker!.command = 'node --import tsx src/worker.main.ts';
    doc.services['temporal-ui']!.image = 'temporalio/ui:latest';
    doc.services.postgresql!.image = 'postgres';
    doc.services.extra = {};
    expect(commandProblems(doc)).toEqual(['worker.command: src/worker.main.ts does not exist']);
    expect(serviceShapeProblems(doc)).toEqual([
      'postgresql: image postgres is not pinned to a version',
      'temporal-ui: image temporalio/ui:latest is not pinned to a version',
      'extra: neither image nor build',
    ]);
  });
});
