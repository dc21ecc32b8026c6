// The local stand-ins as a set: Slack, SendGrid, the ticket intake and the CRM case target, seeded
// from the directory, sharing one outbox and one store. `npm start` runs them in its own process
// (for the parts without real credentials); `npm run stand-ins` runs them alone for separate api and
// worker processes.
import { join } from 'node:path';
import type { Directory } from '../directory.js';
import { startCaseTargetStandIn, type CaseTargetStandIn } from './case-target.js';
import { Outbox } from './outbox.js';
import { startSendGridStandIn, type SendGridStandIn } from './sendgrid.js';
import { startSlackStandIn, type SlackStandIn } from './slack.js';
import { MemoryStore, SqliteStore, type StandInStore } from './store.js';
import { startTicketTargetStandIn, type TicketTargetStandIn } from './ticket-target.js';

/** The credentials the stand-ins accept unless told otherwise (they guard nothing: local only). */
export interface StandInCredentials {
  slackBotToken: string;
  sendgridApiKey: string;
  ticketToken: string;
  caseToken: string;
}

export const LOCAL_CREDENTIALS: Readonly<StandInCredentials> = {
  slackBotToken: 'xoxb-local-stand-in',
  sendgridApiKey: 'SG.local-stand-in',
  ticketToken: 'local-ticket-token',
  caseToken: 'local-case-token',
};

export type StandInName = 'slack' | 'sendgrid' | 'tickets' | 'cases';

export interface LocalStandInsOptions {
  directory: Directory;
  /** Which to start; default all four. */
  only?: readonly StandInName[];
  host?: string;
  /** Per stand-in port; 0 or absent picks a free one. */
  ports?: Partial<Record<StandInName, number>>;
  /** The state file (SQLite), e.g. `<DATA_DIR>/stand-ins.sqlite`; null keeps everything in memory. */
  file: string | null;
  credentials?: Partial<StandInCredentials>;
}

export interface LocalStandIns {
  outbox: Outbox;
  store: StandInStore;
  /** The state file, or null in memory. */
  file: string | null;
  slack?: SlackStandIn;
  sendgrid?: SendGridStandIn;
  tickets?: TicketTargetStandIn;
  cases?: CaseTargetStandIn;
  credentials: StandInCredentials;
  /**
   * The environment `npm run api` / `npm run worker` need to use these stand-ins (the URLs and the
   * credentials they accept).
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const standInsFile = (dataDir: string) => join(dataDir, 'stand-ins.sqlite');

export async function startLocalStandIns(opts: LocalStandInsOptions): Promise<LocalStandIns> {
  const want = new Set<StandInName>(opts.only ?? ['slack', 'sendgrid', 'tickets', 'cases']);
  const credentials = { ...LOCAL_CREDENTIALS, ...opts.credentials };
  const store: StandInStore = opts.file === null ? new MemoryStore() : new SqliteStore(opts.file);
  const outbox = new Outbox({ store });
  const host = opts.host ?? '127.0.0.1';
  const port = (name: StandInName) => opts.ports?.[name] ?? 0;
  const running: LocalStandIns = {
    outbox,
    store,
    file: opts.file,
    credentials,
    env: {},
    async close() {
      for (const part of [running.slack, running.sendgrid, running.tickets, running.cases]) await part?.close();
      store.close();
    },
  };
  try {
    if (want.has('slack')) {
      const d = opts.directory.data;
      running.slack = await startSlackStandIn({
        host,
        port: port('slack'),
        token: credentials.slackBotToken,
        outbox,
        store,
        channels: Object.values(d.channels).map((c, i) => ({ id: c.id ?? `C0LOCAL${i}`, name: c.name })),
        users: Object.values(d.people).flatMap((p) => (p.slackUserId ? [{ id: p.slackUserId, name: p.name }] : [])),
        userGroups: Object.values(d.groups).flatMap((g) => (g.slackUserGroupId ? [{ id: g.slackUserGroupId, handle: g.name }] : [])),
      });
      running.env.SLACK_API_URL = running.slack.url;
      running.env.SLACK_BOT_TOKEN = credentials.slackBotToken;
    }
    if (want.has('sendgrid')) {
      running.sendgrid = await startSendGridStandIn({ host, port: port('sendgrid'), apiKey: credentials.sendgridApiKey, outbox, store });
      running.env.SENDGRID_API_URL = running.sendgrid.url;
      running.env.SENDGRID_API_KEY = credentials.sendgridApiKey;
    }
    if (want.has('tickets')) {
      running.tickets = await startTicketTargetStandIn({ host, port: port('tickets'), token: credentials.ticketToken, outbox, store });
      running.env.TICKET_TARGET_URL = running.tickets.url;
      running.env.TICKET_TARGET_TOKEN = credentials.ticketToken;
    }
    if (want.has('cases')) {
      running.cases = await startCaseTargetStandIn({ host, port: port('cases'), token: credentials.caseToken, outbox, store });
      running.env.CASE_TARGET_URL = running.cases.url;
      running.env.CASE_TARGET_TOKEN = credentials.caseToken;
    }
    return running;
  } catch (err) {
    await running.close();
    throw err;
  }
}
