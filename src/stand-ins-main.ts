// `npm run stand-ins`: the local Slack, SendGrid, ticket and CRM-case stand-ins as their own process,
// for separate `npm run api` / `npm run worker` processes (the production topology on one machine).
// Their state is kept in DATA_DIR/stand-ins.sqlite (or in memory with --in-memory), and their outbox
// page is served on the first port.
//
//   npm run stand-ins -- [--host 127.0.0.1] [--port 3100] [--data-dir .data | --in-memory] [--write-env FILE]
//
// Ports: the outbox page on --port (STAND_INS_PORT, default 3100), then Slack, SendGrid, tickets and
// cases on the next four; --port 0 picks free ports. It prints the URLs and the environment for the
// api and worker, for people, and as one JSON line (`{"event":"stand-ins-ready",...}`) for scripts;
// --write-env also writes that environment as KEY=value lines (for `node --env-file` or `set -a; . FILE`).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import closeWithGrace from 'close-with-grace';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from './config.js';
import { DirectoryError } from './directory.js';
import { createLogger } from './logger.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import { standInsFile, startLocalStandIns, type StandInName } from './stand-ins/local.js';

const ORDER: StandInName[] = ['slack', 'sendgrid', 'tickets', 'cases'];

async function main() {
  const { values: flags } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      'write-env': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(
      'usage: npm run stand-ins -- [--host HOST] [--port PORT] [--data-dir DIR | --in-memory] [--write-env FILE]\n' +
        '  --port       the outbox page; Slack, SendGrid, tickets, cases on the next four ports (0: free ports)\n' +
        '  --data-dir   where stand-ins.sqlite keeps their state (default DATA_DIR, .data)\n' +
        '  --in-memory  keep nothing across restarts\n' +
        '  --write-env  also write the api/worker environment to FILE\n',
    );
    return;
  }
  const config = await loadConfig({
    ...process.env,
    ...(flags.host !== undefined && { STAND_INS_HOST: flags.host }),
    ...(flags.port !== undefined && { STAND_INS_PORT: flags.port }),
    ...(flags['data-dir'] !== undefined && { DATA_DIR: flags['data-dir'] }),
  });
  const { env } = config;
  const log = createLogger(env.LOG_LEVEL).child({ component: 'stand-ins' });
  const host = env.STAND_INS_HOST;
  const base = env.STAND_INS_PORT;
  const ports = Object.fromEntries(ORDER.map((name, i) => [name, base === 0 ? 0 : base + 1 + i]));

  // The credentials the api/worker will send: the configured ones if set, so one env file serves all three.
  const standIns = await startLocalStandIns({
    directory: config.directory,
    host,
    ports,
    file: flags['in-memory'] ? null : standInsFile(env.DATA_DIR),
    credentials: {
      ...(env.SLACK_BOT_TOKEN && { slackBotToken: env.SLACK_BOT_TOKEN }),
      ...(env.SENDGRID_API_KEY && { sendgridApiKey: env.SENDGRID_API_KEY }),
      ...(env.TICKET_TARGET_TOKEN && { ticketToken: env.TICKET_TARGET_TOKEN }),
      ...(env.CASE_TARGET_TOKEN && { caseToken: env.CASE_TARGET_TOKEN }),
    },
  });

  // Slack interactivity: the Slack stand-in sends presses, commands and modal submissions to the
  // API, signed with the secret the API gets in the printed environment.
  const apiBase = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
  const signingSecret = env.SLACK_SIGNING_SECRET ?? randomBytes(32).toString('hex');
  standIns.env.SLACK_SIGNING_SECRET = signingSecret;
  standIns.slack?.connectApp({ interactivityUrl: `${apiBase}/slack/interactions`, commandsUrl: `${apiBase}/slack/commands`, signingSecret });

  const page = Fastify({ loggerInstance: log }).withTypeProvider<TypeBoxTypeProvider>();
  await page.register(devOutboxRoutes, { outbox: standIns.outbox, apiBase, slack: standIns.slack });
  const urls = {
    outbox: '',
    slack: standIns.slack!.url,
    sendgrid: standIns.sendgrid!.url,
    tickets: standIns.tickets!.url,
    cases: standIns.cases!.url,
  };
  page.get('/', { schema: { hide: true } }, async () => ({ standIns: urls, env: standIns.env, stateFile: standIns.file }));
  page.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  await page.listen({ host, port: base });
  const { port: pagePort } = page.server.address() as { port: number };
  urls.outbox = `http://${host.includes(':') ? `[${host}]` : host}:${pagePort}/dev/outbox/view`;

  if (flags['write-env']) {
    await writeFile(flags['write-env'], Object.entries(standIns.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  }
  const envLine = Object.entries(standIns.env).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(
    [
      '',
      'escalation-engine stand-ins are running',
      `  Outbox       ${urls.outbox}`,
      `  Slack        ${urls.slack}`,
      `  SendGrid     ${urls.sendgrid}`,
      `  Tickets      ${urls.tickets}`,
      `  CRM cases    ${urls.cases}`,
      `  State        ${standIns.file ?? 'in memory'}`,
      'Give the api and worker this environment (with TEMPORAL_ADDRESS):',
      `  ${envLine}`,
      ...(flags['write-env'] ? [`  (also written to ${flags['write-env']})`] : []),
      'Ctrl-C stops them.',
      '',
    ].join('\n') + '\n',
  );
  process.stdout.write(`${JSON.stringify({ event: 'stand-ins-ready', urls, env: standIns.env, stateFile: standIns.file })}\n`);

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await page.close();
    await standIns.close();
  });
}

main().catch((err: unknown) => {
  const usage = String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  if (err instanceof ConfigError || err instanceof DirectoryError || usage) process.stderr.write(`escalation-engine stand-ins: ${(err as Error).message}\n`);
  else process.stderr.write(`escalation-engine stand-ins failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
