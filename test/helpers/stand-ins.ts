// The local Slack and SendGrid stand-ins, seeded from a directory, with the real clients' settings.
import type { Directory } from '../../src/directory.js';
import { Outbox } from '../../src/stand-ins/outbox.js';
import { startSendGridStandIn, type SendGridStandIn } from '../../src/stand-ins/sendgrid.js';
import { startSlackStandIn, type SlackStandIn } from '../../src/stand-ins/slack.js';
import type { ProviderSettings } from '../../src/worker.js';

export interface StandIns {
  outbox: Outbox;
  slack: SlackStandIn;
  sendgrid: SendGridStandIn;
  providers: ProviderSettings;
  close(): Promise<void>;
}

export async function startStandIns(directory: Directory): Promise<StandIns> {
  const outbox = new Outbox();
  const token = 'xoxb-test-token';
  const apiKey = 'SG.test-key';
  const d = directory.data;
  const slack = await startSlackStandIn({
    token,
    outbox,
    channels: Object.values(d.channels).map((c, i) => ({ id: c.id ?? `C0TEST${i}`, name: c.name })),
    users: Object.values(d.people).flatMap((p) => (p.slackUserId ? [{ id: p.slackUserId, name: p.name }] : [])),
    userGroups: Object.values(d.groups).flatMap((g) => (g.slackUserGroupId ? [{ id: g.slackUserGroupId, handle: g.name }] : [])),
  });
  const sendgrid = await startSendGridStandIn({ apiKey, outbox });
  return {
    outbox,
    slack,
    sendgrid,
    providers: { slack: { token, apiUrl: slack.url }, sendgrid: { apiKey, apiUrl: sendgrid.url } },
    async close() {
      await slack.close();
      await sendgrid.close();
    },
  };
}
