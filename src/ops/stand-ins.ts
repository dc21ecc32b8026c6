// The stand-ins the topology's workers talk to instead of Slack, SendGrid, the ticket intake and the
// CRM: real HTTP servers behind the real clients. The topology only needs `env` (what the workers
// are given); tests also use the handles (outbox, injected failures).
//
// Here they run inside the launcher's process. Running them as their own process is
// `npm run stand-ins` (src/stand-ins-main.ts): the launcher then starts that command and takes
// `env` from its ready line instead; only startTopologyStandIns changes.
import Fastify from 'fastify';
import type { Directory } from '../directory.js';
import { devOutboxRoutes } from '../routes/dev-outbox.js';
import { startCaseTargetStandIn, type CaseTargetStandIn } from '../stand-ins/case-target.js';
import { Outbox } from '../stand-ins/outbox.js';
import { startSendGridStandIn, type SendGridStandIn } from '../stand-ins/sendgrid.js';
import { startSlackStandIn, type SlackStandIn } from '../stand-ins/slack.js';
import { startTicketTargetStandIn, type TicketTargetStandIn } from '../stand-ins/ticket-target.js';

export interface TopologyStandIns {
  outbox: Outbox;
  slack: SlackStandIn;
  sendgrid: SendGridStandIn;
  tickets: TicketTargetStandIn;
  cases: CaseTargetStandIn;
  /** The outbox page (`/dev/outbox/view`) and JSON (`/dev/outbox`). */
  outboxUrl: string;
  /** SLACK_*, SENDGRID_*, TICKET_TARGET_*, CASE_TARGET_*: what `npm run worker` needs to use them. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StandInPorts {
  /** The outbox page; Slack, SendGrid, tickets and cases on the next four (as `npm run stand-ins`). 0: free ports. */
  base: number;
}

const CREDENTIALS = {
  slackBotToken: 'xoxb-local-stand-in',
  sendgridApiKey: 'SG.local-stand-in',
  ticketToken: 'local-ticket-token',
  caseToken: 'local-case-token',
};

export async function startTopologyStandIns(directory: Directory, ports: StandInPorts, host = '127.0.0.1'): Promise<TopologyStandIns> {
  const port = (offset: number) => (ports.base === 0 ? 0 : ports.base + offset);
  const outbox = new Outbox();
  const d = directory.data;
  const closers: (() => Promise<void>)[] = [];
  try {
    const slack = await startSlackStandIn({
      host,
      port: port(1),
      token: CREDENTIALS.slackBotToken,
      outbox,
      channels: Object.values(d.channels).map((c, i) => ({ id: c.id ?? `C0LOCAL${i}`, name: c.name })),
      users: Object.values(d.people).flatMap((p) => (p.slackUserId ? [{ id: p.slackUserId, name: p.name }] : [])),
      userGroups: Object.values(d.groups).flatMap((g) => (g.slackUserGroupId ? [{ id: g.slackUserGroupId, handle: g.name }] : [])),
    });
    closers.push(() => slack.close());
    const sendgrid = await startSendGridStandIn({ host, port: port(2), apiKey: CREDENTIALS.sendgridApiKey, outbox });
    closers.push(() => sendgrid.close());
    const tickets = await startTicketTargetStandIn({ host, port: port(3), token: CREDENTIALS.ticketToken });
    closers.push(() => tickets.close());
    const cases = await startCaseTargetStandIn({ host, port: port(4), token: CREDENTIALS.caseToken });
    closers.push(() => cases.close());

    const page = Fastify();
    await page.register(devOutboxRoutes, { outbox });
    await page.listen({ host, port: port(0) });
    closers.push(() => page.close());
    const { port: pagePort } = page.server.address() as { port: number };

    return {
      outbox,
      slack,
      sendgrid,
      tickets,
      cases,
      outboxUrl: `http://${host}:${pagePort}/dev/outbox/view`,
      env: {
        SLACK_BOT_TOKEN: CREDENTIALS.slackBotToken,
        SLACK_API_URL: slack.url,
        SENDGRID_API_KEY: CREDENTIALS.sendgridApiKey,
        SENDGRID_API_URL: sendgrid.url,
        TICKET_TARGET_URL: tickets.url,
        TICKET_TARGET_TOKEN: CREDENTIALS.ticketToken,
        CASE_TARGET_URL: cases.url,
        CASE_TARGET_TOKEN: CREDENTIALS.caseToken,
      },
      async close() {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close();
    throw err;
  }
}
