// `npm run topology`: the production topology on this machine, without Docker (src/ops/topology.ts):
// PostgreSQL, the Temporal server on it, the stand-ins, two `npm run worker` and two `npm run api`.
//
//   npm run topology -- [--data-dir .data/topology] [--fresh] [--ports standard|free] [--apis 2] [--workers 2]
//
// Prints every address once everything serves; Ctrl-C stops it all (APIs, workers, stand-ins,
// Temporal, PostgreSQL, in that order). The data folder keeps PostgreSQL's cluster, so escalations
// and their timers survive a restart; --fresh starts from nothing.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { versions } from './ops/settings.js';
import { startTopology } from './ops/topology.js';
import { MissingToolError } from './ops/tools.js';

async function main() {
  const { values: flags } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.data/topology' },
      fresh: { type: 'boolean', default: false },
      ports: { type: 'string', default: 'standard' },
      apis: { type: 'string', default: '2' },
      workers: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(
      'usage: npm run topology -- [--data-dir DIR] [--fresh] [--ports standard|free] [--apis N] [--workers N]\n' +
        '  --data-dir  PostgreSQL cluster, logs, Temporal profile (default .data/topology; kept between runs)\n' +
        '  --fresh     delete the data folder first\n' +
        '  --ports     standard: PostgreSQL 5433, Temporal 7233 (+7234/7235/7239/7243, 6933-6939), APIs 3000+, stand-ins 3100-3104\n' +
        '              free: unused ports\n',
    );
    return;
  }
  if (flags.ports !== 'standard' && flags.ports !== 'free') throw new Error(`--ports must be standard or free, got ${flags.ports}`);
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`--${name} must be 1 to 8, got ${value}`);
    return n;
  };
  const started = Date.now();
  const topology = await startTopology({
    dataDir: flags['data-dir'],
    fresh: flags.fresh,
    ports: flags.ports,
    apis: count('apis', flags.apis),
    workers: count('workers', flags.workers),
    progress: (line) => process.stderr.write(`[topology] ${line}\n`),
  });
  closeWithGrace({ delay: 60_000 }, async ({ signal, err }) => {
    if (err) process.stderr.write(`[topology] stopping after an error: ${err.stack ?? String(err)}\n`);
    else process.stderr.write(`[topology] ${signal ?? 'stop'}: stopping\n`);
    await topology.close();
  });

  const rel = (p: string) => {
    const r = relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') ? p : r;
  };
  const { temporal, postgres, standIns } = topology;
  process.stdout.write(
    [
      '',
      `escalation-engine production topology is running (${Math.round((Date.now() - started) / 1000)} s to start)`,
      ...topology.apis.map((a) => `  API          ${a.url}   (${a.name}: npm run api, pid ${a.process.pid}; docs at /docs)`),
      ...topology.workers.map((w, i) => `  Worker       ${w.name}: npm run worker, pid ${w.process.pid}, task queue ${topology.taskQueue}, metrics http://${topology.workerMetrics[i]}/metrics`),
      `  Temporal     ${temporal.address}   (server ${versions.temporalServer}, namespace ${topology.namespace}, pid ${temporal.process.pid})`,
      `  PostgreSQL   127.0.0.1:${postgres.port}   (${postgres.user}, password in ${rel(topology.dataDir)}/postgres-password)`,
      `  Outbox       ${standIns.outboxUrl}   (npm run stand-ins${standIns.process ? `, pid ${standIns.process.pid}` : ''}: Slack, SendGrid, tickets, CRM)`,
      `  API key      ${topology.apiKey}   (tool topology, every scope; kept in ${rel(topology.apiKeyFile)}, API_KEYS_FILE ${rel(topology.apiKeysFile)})`,
      ...(topology.codecKeysFile ? [`  Payloads     encrypted (AES-256-GCM), keys in ${rel(topology.codecKeysFile)}`] : []),
      `  Logs         ${rel(topology.logDir)}/`,
      `  Temporal CLI TEMPORAL_CONFIG_FILE=${rel(topology.profileFile)} temporal workflow list`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  if (err instanceof MissingToolError) process.stderr.write(`escalation-engine topology: ${err.message}\n`);
  else process.stderr.write(`escalation-engine topology failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
