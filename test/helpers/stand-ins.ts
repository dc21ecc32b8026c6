// The local Slack and SendGrid stand-ins, seeded from a directory, with the real clients' settings.
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import type { TemplateCatalog } from '../../activities/email/templates.js';
import type { Directory } from '../../src/directory.js';
import { createClients } from '../../src/worker.js';
import { Outbox, type SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { startSendGridStandIn, type SendGridStandIn } from '../../src/stand-ins/sendgrid.js';
import { startSlackStandIn, type SlackStandIn } from '../../src/stand-ins/slack.js';
import { startTicketTargetStandIn, type TicketTargetStandIn } from '../../src/stand-ins/ticket-target.js';
import { startCaseTargetStandIn, type CaseTargetStandIn } from '../../src/stand-ins/case-target.js';
import { startTrackingListStandIn, type TrackingListStandIn } from '../../src/stand-ins/tracking-list.js';
import type { ProviderSettings } from '../../src/worker.js';

export interface StandIns {
  outbox: Outbox;
  slack: SlackStandIn;
  sendgrid: SendGridStandIn;
  tickets: TicketTargetStandIn;
  cases: CaseTargetStandIn;
  tracking: TrackingListStandIn;
  providers: ProviderSettings;
  /** Forgets what every stand-in received (messages, emails, tickets, cases, rows, the outbox) and any injected failure. */
  reset(): void;
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
  const ticketToken = 'ticket-test-token';
  const tickets = await startTicketTargetStandIn({ token: ticketToken });
  const caseToken = 'case-test-token';
  const cases = await startCaseTargetStandIn({ token: caseToken });
  const trackingToken = 'tracking-test-token';
  const tracking = await startTrackingListStandIn({ token: trackingToken, outbox });
  return {
    outbox,
    slack,
    sendgrid,
    tickets,
    cases,
    tracking,
    providers: {
      slack: { token, apiUrl: slack.url },
      sendgrid: { apiKey, apiUrl: sendgrid.url },
      tickets: { url: tickets.url, token: ticketToken },
      caseTarget: { url: cases.url, token: caseToken },
      tracking: { url: tracking.url, token: trackingToken },
    },
    reset() {
      slack.reset();
      sendgrid.reset();
      tickets.reset();
      cases.reset();
      tracking.reset();
      outbox.clear();
    },
    async close() {
      await slack.close();
      await sendgrid.close();
      await tickets.close();
      await cases.close();
      await tracking.close();
    },
  };
}

/** The real activities, with the real clients pointed at the stand-ins; `deps` adds to or overrides what they get (e.g. `financeMeeting`). */
export function standInActivities(standIns: StandIns, directory: Directory, templates: TemplateCatalog, deps: Partial<ActivityDeps> = {}) {
  return createActivities({
    ...createClients(standIns.providers),
    tickets: standIns.providers.tickets,
    caseTarget: standIns.providers.caseTarget,
    tracking: standIns.providers.tracking,
    directory,
    templates,
    ...deps,
  });
}

/** The Slack messages posted for one escalation, oldest first, with the step each came from (updates of them, e.g. a request closed, are not new messages). */
export function slackPosts(standIns: StandIns, escalationId: string): (SlackOutboxRecord & { step: string })[] {
  return standIns.outbox
    .list({ kind: 'slack', escalationId })
    .reverse()
    .filter((r) => r.method !== 'chat.update')
    .map((r) => ({ ...r, step: String(r.metadata?.event_payload.step ?? '') }));
}

/** The steps of the escalation's Slack posts, oldest first. */
export const slackSteps = (standIns: StandIns, escalationId: string) => slackPosts(standIns, escalationId).map((p) => p.step);
