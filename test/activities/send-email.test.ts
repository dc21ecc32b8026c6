// sendTemplateEmail with the real @sendgrid/mail client (createClients) against the SendGrid
// stand-in: what the client receives, and how each failure is handed to Temporal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities, type Activities, type SendTemplateEmailInput } from '../../activities/index.js';
import { TemplateCatalog } from '../../activities/email/templates.js';
import { RATE_LIMITED, TRANSIENT_DELIVERY_FAILURE } from '../../activities/failures.js';
import { parseDirectory, type Directory } from '../../src/directory.js';
import { createClients } from '../../src/worker.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';
import { startStandIns, type StandIns } from '../helpers/stand-ins.js';
import { deadUrl, expectPermanent, expectRetryable, failureOf, runAttempt } from './helpers.js';

let standIns: StandIns;
let directory: Directory;
let templates: TemplateCatalog;
let acts: Activities;

let seq = 0;
const escalationId = () => `live-delivery:B-${Date.now().toString(36)}-${++seq}`;

function activities(opts: { directory?: Directory; apiKey?: string; apiUrl?: string } = {}): Activities {
  const clients = createClients({
    ...standIns.providers,
    sendgrid: { apiKey: opts.apiKey ?? standIns.providers.sendgrid.apiKey, apiUrl: opts.apiUrl ?? standIns.providers.sendgrid.apiUrl },
  });
  return createActivities({ ...clients, directory: opts.directory ?? directory, templates });
}

/** The example directory with some changes (they still pass the directory's own schema). */
function directoryWith(change: (data: Directory['data']) => void): Directory {
  const data = structuredClone(directory.data);
  change(data);
  return parseDirectory(data);
}

/**
 * A directory changed after it was loaded, past the load-time check (which now refuses a bad address
 * by the same rule): the sender's own guard still names the person and sends nothing.
 */
function directoryChangedAfterLoad(change: (data: Directory['data']) => void): Directory {
  const loaded = parseDirectory(structuredClone(directory.data));
  change(loaded.data);
  return loaded;
}

beforeAll(async () => {
  directory = await loadExampleDirectory();
  templates = await TemplateCatalog.load();
  standIns = await startStandIns(directory);
  acts = activities();
});

afterAll(async () => {
  await standIns?.close();
});

beforeEach(() => {
  standIns.sendgrid.reset();
});

const email = (overrides: Partial<SendTemplateEmailInput> = {}): SendTemplateEmailInput => ({
  escalationId: escalationId(),
  step: 'client-email-facilitator-no-show',
  template: 'facilitator-no-show',
  locale: 'en',
  to: { name: 'Dana Client', email: 'dana.client@example.org' },
  ccPeople: ['booking-owner', 'portfolio-team-lead'],
  values: { clientName: 'Dana Client', facilitatorName: 'Alex Facilitator', sessionTitle: 'Leading Essentials', sessionFormat: 'Virtual Workout' },
  times: { startTimeLabel: { iso: '2026-01-13T17:00:00Z', timeZone: 'America/Chicago' } },
  ...overrides,
});

describe('names, signature and the day (issue 17 items 9, 10, 18)', () => {
  it('a recipient name with , and ; is sent quoted, so SendGrid delivers it; no CR/LF reaches a header', async () => {
    await runAttempt(acts.sendTemplateEmail, email({ to: { name: 'Client, Dana; Acme Clinics, Inc.', email: 'dana.client@example.org' } }));
    await runAttempt(acts.sendTemplateEmail, email({ to: { name: 'Dana\r\nBcc: spy@example.net', email: 'dana.client@example.org' }, values: { ...email().values, sessionTitle: 'Leading\r\nBcc: spy@example.net' } }));
    const [quoted, injected] = standIns.sendgrid.messages();
    expect(quoted?.to).toEqual([{ email: 'dana.client@example.org', name: '"Client, Dana; Acme Clinics, Inc."' }]);
    expect(injected?.to).toEqual([{ email: 'dana.client@example.org', name: 'Dana Bcc: spy@example.net' }]);
    expect(injected?.subject).not.toMatch(/[\r\n]/);
    expect(quoted?.cc).toEqual([
      { email: 'morgan.owner@example.com', name: 'Morgan Owner' },
      { email: 'riley.lead@example.com', name: 'Riley Lead' },
    ]);
  });

  it('directory names with a comma (cc, from) are quoted too', async () => {
    const commas = activities({
      directory: directoryWith((d) => {
        d.people['booking-owner']!.name = 'Owner, Morgan';
        d.organisation.emailFrom.name = 'Example Learning Co, Service Support Center';
      }),
    });
    await runAttempt(commas.sendTemplateEmail, email());
    const [mail] = standIns.sendgrid.messages();
    expect(mail?.from).toEqual({ email: 'support-desk@example.com', name: '"Example Learning Co, Service Support Center"' });
    expect(mail?.cc[0]).toEqual({ email: 'morgan.owner@example.com', name: '"Owner, Morgan"' });
  });

  it('signs with the first candidate the directory knows (key or Slack id), else the desk', async () => {
    const signed = await runAttempt(acts.sendTemplateEmail, email({ signedBy: ['somebody', 'U0SAMDESK1', 'booking-owner'] }));
    expect(signed.signedBy).toBe('Sam Desk');
    expect(standIns.sendgrid.messages()[0]?.text).toMatch(/Warm regards,\nSam Desk\nExample Learning Co Service Support Center$/);
    const desk = await runAttempt(acts.sendTemplateEmail, email({ signedBy: ['desk', 'unknown-person'] }));
    expect(desk.signedBy).toBe('The Service Support Center team');
    // Actor labels as events record them (auth): a tool acting for a person signs as that person; a tool alone, nobody.
    const forDesk = await runAttempt(acts.sendTemplateEmail, email({ signedBy: ['tool:local on behalf of desk-agent', 'tool:local'] }));
    expect(forDesk.signedBy).toBe('Sam Desk');
    const toolAlone = await runAttempt(acts.sendTemplateEmail, email({ signedBy: ['tool:local', 'tool:desk-agent'] }));
    expect(toolAlone.signedBy).toBe('The Service Support Center team');
  });

  it('account follow-up: signed by the CSM who handles it (first person), the team only when nobody is known; names escaped in HTML', async () => {
    const followUp = (signedBy: string[]) =>
      email({
        step: 'contact-email-1-2026-01-13',
        template: 'account-follow-up',
        to: { name: 'Casey Customer', email: 'casey@example.org' },
        ccPeople: ['csm'],
        values: { clientName: 'Casey Customer', accountName: 'Acme Clinics' },
        times: {},
        signedBy,
      });
    const byCsm = await runAttempt(acts.sendTemplateEmail, followUp(['csm']));
    expect(byCsm.signedBy).toBe(directory.person('csm').name);
    const [mail] = standIns.sendgrid.messages();
    expect(mail?.text).toMatch(new RegExp(`Kind regards,\\n${directory.person('csm').name}\\nCustomer Success Manager, Example Learning Co$`));
    expect(mail?.text).toContain('let me know a good time');
    expect(mail?.text).not.toContain('Your Customer Success team');
    // Nobody the directory knows: the team signs, never the desk's signature.
    standIns.sendgrid.reset();
    await runAttempt(acts.sendTemplateEmail, followUp(['someone-gone']));
    const [team] = standIns.sendgrid.messages();
    expect(team?.text).toMatch(/Kind regards,\nYour Customer Success team\nExample Learning Co$/);
    expect(team?.text).not.toContain('The Service Support Center team');
    // A directory name with markup is text in the HTML part.
    standIns.sendgrid.reset();
    const marked = activities({ directory: directoryWith((d) => void (d.people['csm']!.name = 'Jo <b>Bold</b> & "Co"')) });
    await runAttempt(marked.sendTemplateEmail, followUp(['csm']));
    const [escaped] = standIns.sendgrid.messages();
    expect(escaped?.html).toContain('Jo &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;');
    expect(escaped?.html).not.toContain('<b>Bold</b>');
    expect(escaped?.text).toContain('Jo <b>Bold</b> & "Co"');
  });

  it("session Sat 17:03 Chicago, sent Sun 06:03 Chicago: the session's date, not 'Today'", async () => {
    const start = '2026-11-14T23:03:00Z'; // Saturday 17:03 in Chicago
    const sunday = '2026-11-15T12:03:00Z'; // Sunday 06:03 in Chicago
    const late = await runAttempt(acts.sendTemplateEmail, email({ times: { startTimeLabel: { iso: start, timeZone: 'America/Chicago' } }, at: sunday }));
    expect(late.subject).toBe('Saturday, November 14, 5:03 PM CT Virtual Workout: Leading Essentials - Session unable to go ahead');
    const text = standIns.sendgrid.messages()[0]!.text!;
    expect(text).toContain('at 5:03 PM CT on Saturday, November 14.');
    expect(text).not.toMatch(/today/i);
    const sameDay = await runAttempt(acts.sendTemplateEmail, email({ times: { startTimeLabel: { iso: start, timeZone: 'America/Chicago' } }, at: '2026-11-14T23:20:00Z' }));
    expect(sameDay.subject).toBe("Today's 5:03 PM CT Virtual Workout: Leading Essentials - Session unable to go ahead");
  });
});

describe('sendTemplateEmail', () => {
  it('sends the rendered template to the client, cc owner and team lead, with custom_args', async () => {
    const input = email();
    const sent = await runAttempt(acts.sendTemplateEmail, input);
    const [mail, ...rest] = standIns.sendgrid.messages();
    expect(rest).toHaveLength(0);
    expect(sent).toEqual({
      messageId: mail?.messageId,
      to: 'dana.client@example.org',
      cc: ['morgan.owner@example.com', 'riley.lead@example.com'],
      subject: mail?.subject,
      signedBy: 'The Service Support Center team',
    });
    expect(mail?.from).toEqual({ email: 'support-desk@example.com', name: 'Example Learning Co Service Support Center' });
    expect(mail?.to).toEqual([{ email: 'dana.client@example.org', name: 'Dana Client' }]);
    expect(mail?.cc.map((a) => a.email)).toEqual(['morgan.owner@example.com', 'riley.lead@example.com']);
    expect(mail?.custom_args).toEqual({ escalation_id: input.escalationId, template: 'facilitator-no-show', step: input.step });
    expect(mail?.escalationId).toBe(input.escalationId);
    expect(mail?.categories).toEqual(['escalation', 'facilitator-no-show']);
    expect(mail?.text).toContain('Dana Client');
    expect(mail?.text).toContain('11 AM CT');
    expect(mail?.html).toContain('Leading Essentials');
  });

  it('a cc who is also the recipient is copied once (SendGrid rejects duplicates)', async () => {
    await runAttempt(acts.sendTemplateEmail, email({ to: { name: 'Morgan', email: 'Morgan.Owner@example.com' } }));
    expect(standIns.sendgrid.messages()[0]?.cc.map((a) => a.email)).toEqual(['riley.lead@example.com']);
  });
});

describe('retries belong to Temporal', () => {
  it('429 then success: attempt 1 waits for the rate-limit window, attempt 2 sends; one email', async () => {
    const input = email();
    standIns.sendgrid.failNext({ status: 429, retryAfter: 5 });
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, input, 1));
    expectRetryable(failure, RATE_LIMITED.sendgrid, failure.nextRetryDelay as string);
    expect(failure.nextRetryDelay).toMatch(/^[4-6]s$/); // X-RateLimit-Reset is 5 s ahead, to the second
    await runAttempt(acts.sendTemplateEmail, input, 2);
    expect(standIns.sendgrid.messages()).toHaveLength(1);
    expect(standIns.sendgrid.calls().map((c) => c.status)).toEqual([429, 202]);
  });

  it('500 then success: retryable with backoff, then one email', async () => {
    const input = email();
    standIns.sendgrid.failNext({ status: 500 });
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, input, 1));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('SendGrid answered 500');
    await runAttempt(acts.sendTemplateEmail, input, 2);
    expect(standIns.sendgrid.messages()).toHaveLength(1);
  });

  it('503 is retryable', async () => {
    standIns.sendgrid.failNext({ status: 503 });
    expectRetryable(await failureOf(runAttempt(acts.sendTemplateEmail, email())), TRANSIENT_DELIVERY_FAILURE);
  });

  it('no answer (connection refused) is retryable', async () => {
    const failure = await failureOf(runAttempt(activities({ apiUrl: await deadUrl() }).sendTemplateEmail, email()));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('no answer from SendGrid');
  });

  it('ambiguous failure (accepted, answer lost): the retry sends again (no idempotency key at SendGrid)', async () => {
    const clients = createClients(standIns.providers);
    clients.mail.setTimeout(750);
    const a = createActivities({ ...clients, directory, templates });
    const input = email();
    standIns.sendgrid.failNext({ acceptThenHang: 5000 });
    const failure = await failureOf(runAttempt(a.sendTemplateEmail, input, 1));
    expectRetryable(failure, TRANSIENT_DELIVERY_FAILURE);
    expect(failure.message).toContain('no answer from SendGrid');
    await runAttempt(a.sendTemplateEmail, input, 2);
    // At least once, as documented: the client gets the same email twice, same custom_args.
    const mails = standIns.sendgrid.messages();
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((m) => JSON.stringify(m.custom_args))).size).toBe(1);
  });
});

describe('permanent failures: no retry, a clear reason for the timeline', () => {
  it("400 from SendGrid carries SendGrid's error text (a sender address SendGrid refuses)", async () => {
    const a = activities({ directory: directoryChangedAfterLoad((d) => (d.organisation.emailFrom.email = 'support-desk@localhost')) });
    const failure = await failureOf(runAttempt(a.sendTemplateEmail, email()));
    expectPermanent(failure, "email 'facilitator-no-show': SendGrid answered 400: from.email: The from email does not contain a valid address.");
    expect(failure.details?.[0]).toEqual({ provider: 'sendgrid', status: 400 });
    expect(standIns.sendgrid.messages()).toHaveLength(0);
  });

  it("401 (wrong API key) carries SendGrid's error text", async () => {
    const failure = await failureOf(runAttempt(activities({ apiKey: 'SG.wrong' }).sendTemplateEmail, email()));
    expectPermanent(failure, 'SendGrid answered 401: The provided authorization grant is invalid, expired, or revoked');
  });

  it.each([
    ['not an address', 'dana.client', "recipient 'Dana Client' has invalid email address 'dana.client'"],
    ['a space', 'dana client@example.org', "recipient 'Dana Client' has invalid email address 'dana client@example.org'"],
    ['no top-level domain', 'dana@localhost', "recipient 'Dana Client' has invalid email address 'dana@localhost'"],
    ['a bad domain label', 'dana@-example.org', "recipient 'Dana Client' has invalid email address 'dana@-example.org'"],
    ['empty', '', "recipient 'Dana Client' has no email address"],
  ])('invalid recipient address (%s): nothing is sent', async (_, address, message) => {
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, email({ to: { name: 'Dana Client', email: address } })));
    expectPermanent(failure, `email 'facilitator-no-show': ${message}`);
    expect(standIns.sendgrid.calls()).toHaveLength(0);
  });

  it('missing recipient address', async () => {
    const to = { name: 'Dana Client' } as SendTemplateEmailInput['to'];
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, email({ to })));
    expectPermanent(failure, "recipient 'Dana Client' has no email address");
  });

  it('a cc whose directory address SendGrid would refuse names the person', async () => {
    const a = activities({ directory: directoryChangedAfterLoad((d) => (d.people['portfolio-team-lead']!.email = 'riley@localhost')) });
    const failure = await failureOf(runAttempt(a.sendTemplateEmail, email()));
    expectPermanent(failure, "cc 'portfolio-team-lead' has invalid email address 'riley@localhost' in the directory");
    expect(standIns.sendgrid.calls()).toHaveLength(0);
    // Loaded from a file, the same address is refused at start-up by the same rule.
    expect(() => directoryWith((d) => (d.people['portfolio-team-lead']!.email = 'riley@localhost'))).toThrow(/people\/portfolio-team-lead\/email/);
    expect(() => directoryWith((d) => (d.organisation.emailFrom.email = 'support-desk@localhost'))).toThrow(/organisation\/emailFrom\/email/);
  });

  it('a cc not in the directory', async () => {
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, email({ ccPeople: ['nobody'] })));
    expectPermanent(failure, "unknown person 'nobody'");
  });

  it('a missing template value', async () => {
    const failure = await failureOf(runAttempt(acts.sendTemplateEmail, email({ values: { clientName: 'Dana Client' } })));
    expectPermanent(failure, 'is missing values: facilitatorName, sessionTitle');
    expect(standIns.sendgrid.calls()).toHaveLength(0);
  });
});
