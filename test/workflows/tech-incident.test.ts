// tech-incident (seed 004): every branch under the time-skipping server at the SOP's real durations
// (15 minutes, 4 hours, 7 days skipped, not shortened), with the real activities against the Slack and
// tracking-list stand-ins; what people receive is checked at the Slack stand-in, in German.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Directory } from '../../src/directory.js';
import type { SlackOutboxRecord } from '../../src/stand-ins/outbox.js';
import { EVENT_OUT_OF_ORDER, eventUpdate, joinUpdate, stateQuery } from '../../workflows/kit/messages.js';
import type { JoinResult } from '../../workflows/kit/state.js';
import type {
  TechIncidentEvent,
  TechIncidentOpening,
  TechIncidentReport,
  TechIncidentReportResult,
  TechIncidentState,
} from '../../workflows/tech-incident/contract.js';
import { techIncidentReportUpdate } from '../../workflows/tech-incident/contract.js';
import { techIncident } from '../../workflows/tech-incident/workflow.js';
import { techOpening, techReport } from '../helpers/tech-incident-fixtures.js';
import { buttonLabels, buttonPostsNow, contextLines, latestOutboxVersions } from '../helpers/button-posts.js';
import { eventually } from '../helpers/wait.js';
import { workflowTestEnv } from '../helpers/workflow-env.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SIREN_CHANNEL = 'C0CUSTSUCC';
const INFO_CHANNEL = 'C0CSINFO01';
// One time-skipping server per test (as live-delivery's tests do): each scenario's clock is its own.
const t = workflowTestEnv({ name: 'tech-incident' });

type Handle = WorkflowHandle<typeof techIncident>;
type Result = JoinResult<TechIncidentReportResult>;

async function scenario(
  fn: (h: Handle, report: (r: TechIncidentReport, receivedAt?: number) => Promise<Result>) => Promise<void>,
  opts: { directory?: Directory; opening?: TechIncidentOpening } = {},
) {
  await t.withWorker(
    async (taskQueue) => {
      const opening = opts.opening ?? techOpening();
      const handle = await t.start(techIncident, { taskQueue, workflowId: `tech-incident:${opening.problemKey}-${taskQueue}`, args: [opening] });
      const report = async (r: TechIncidentReport, receivedAt?: number) =>
        handle.executeUpdate(techIncidentReportUpdate, {
          args: [{ input: r, receivedAt: new Date(receivedAt ?? (await t.env.currentTimeMs())).toISOString() }],
        });
      await fn(handle, report);
    },
    { directory: opts.directory },
  );
}

const send = async (h: Handle, event: TechIncidentEvent): Promise<TechIncidentState> => {
  await h.executeUpdate(eventUpdate, { args: [event] });
  return (await h.query(stateQuery)) as TechIncidentState;
};
const state = async (h: Handle) => (await h.query(stateQuery)) as TechIncidentState;
const refusal = async (h: Handle, event: TechIncidentEvent) => {
  const err = await send(h, event).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  return { type: cause instanceof ApplicationFailure ? cause.type : undefined, message: cause?.message ?? '' };
};
const slackPosts = () => t.standIns.outbox.list({ kind: 'slack' }).reverse();
/** DMs to a person, by their directory name (the stand-in names a DM `@<name>`). */
const dmsTo = (name: string) => slackPosts().filter((r) => r.channel.name === `@${name}`);
const sirenPosts = () => slackPosts().filter((r) => r.channel.id === SIREN_CHANNEL);
const siren = () => sirenPosts().find((r) => r.method === 'chat.postMessage' && !r.thread_ts);
const sirenNow = () => t.standIns.slack.messages(SIREN_CHANNEL)[0];
const thread = () => sirenPosts().filter((r) => r.thread_ts !== undefined);
const buttons = (r: SlackOutboxRecord | undefined) =>
  ((r?.blocks ?? []) as { type: string; elements?: { text?: { text: string } }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text?.text));

/** Polls the state until `ok` (activities run in real time between time skips). */
const until = (h: Handle, ok: (s: TechIncidentState) => boolean, what: string): Promise<TechIncidentState> => eventually(() => state(h), ok, what);

/** Waits until the siren post (as the Slack stand-in holds it now) shows `text`. */
async function sirenShows(text: string): Promise<void> {
  await eventually(sirenNow, (m) => m?.text.includes(text) ?? false, `the siren showing '${text}'`);
}

/** Six distinct customers from two agents: the sixth report makes it critical. */
async function makeCritical(report: (r: TechIncidentReport, receivedAt?: number) => Promise<Result>, overrides: Partial<TechIncidentReport> = {}) {
  for (let n = 1; n <= 5; n++) await report(techReport(n, { reportedBy: n % 2 ? 'support-agent-2' : 'support-agent' }));
  return report(techReport(6, overrides));
}

// The alarm's last step is the social-media DM (alarm.ts): the task is opened before it is posted, so the
// DM itself is what says the alarm is done and every post of it can be read at the stand-in.
const ACK_IDLE = (s: TechIncidentState) => s.details.siren !== null && s.messages.some((m) => m.step.startsWith('social-media-'));

describe('reports counted per problem', () => {
  it('five distinct customers stay a single case: checklist DM in German, tracking rows with links, no siren', async () => {
    await scenario(async (h, report) => {
      const answers: Result[] = [];
      for (let n = 1; n <= 5; n++) answers.push(await report(techReport(n)));
      expect(answers.map((a) => [a.opened, a.result.report, a.result.customers, a.result.criticality])).toEqual([
        [true, 1, 1, 'single-case'],
        [false, 2, 2, 'single-case'],
        [false, 3, 3, 'single-case'],
        [false, 4, 4, 'single-case'],
        [false, 5, 5, 'single-case'],
      ]);
      const s = await until(h, (x) => x.details.reports.every((r) => r.tracking !== null), 'every report tracked');
      expect(s.status).toBe('single-case');
      expect(s.details.criticality).toBe('single-case');
      expect(s.deadlines.map((d) => d.name)).toEqual(['quiet-close']);
      expect(siren()).toBeUndefined();
      const rows = t.standIns.tracking.rows();
      expect(rows.map((r) => r.fields.ticket)).toEqual(['GRV-1001', 'GRV-1002', 'GRV-1003', 'GRV-1004', 'GRV-1005']);
      expect(rows[0]).toMatchObject({ list: 'technical-cases', escalationId: h.workflowId, fields: { problemKey: 'member-area-502', customerEmail: 'kunde1@example.org' } });
      expect(s.details.reports[0]!.tracking).toEqual({ rowId: rows[0]!.id, url: expect.stringContaining(`/rows/${rows[0]!.id}`) });
      expect(s.details.trackingListUrl).toContain('/rows?problemKey=member-area-502');
      await until(h, (x) => x.messages.filter((m) => m.step.startsWith('report-')).length === 5, 'five DMs');
      const dm = dmsTo('Kim Support').at(-1)!;
      expect(dm.text).toContain('Bisher ein Einzelfall: 5 betroffene Kund:innen (kritisch wird es ab 6)');
      expect(dm.text).toContain('Gerät neu starten');
      expect(dm.text).toContain('Browser-Cache leeren');
      expect(dm.text).toContain('ein anderes Gerät verwenden');
      expect(dm.text).toContain('Offene-Fragen-Dokument');
      expect(dm.text).toContain('dass wir uns zeitnah zurückmelden');
      expect(dm.text).toContain(`/rows/${rows[4]!.id}`);
    });
  });

  it('the sixth distinct customer makes it critical at once; a repeated customer does not count twice', async () => {
    await scenario(async (h, report) => {
      for (let n = 1; n <= 5; n++) await report(techReport(n, { reportedBy: n === 1 ? 'support-agent-2' : 'support-agent' }));
      const again = await report(techReport(7, { customerEmail: ' Kunde3@Example.org ', ticket: 'GRV-2003' }));
      expect(again.result).toMatchObject({ report: 6, customers: 5, newCustomer: false, criticality: 'single-case', madeCritical: false });
      expect((await state(h)).status).toBe('single-case');

      const receivedAt = await t.env.currentTimeMs();
      const sixth = await report(techReport(6), receivedAt);
      expect(sixth.result).toMatchObject({ report: 7, customers: 6, newCustomer: true, criticality: 'critical', madeCritical: true });
      expect(sixth.result.criticalAt).toBe(new Date(receivedAt).toISOString());
      expect(sixth.status).toBe('critical');

      const s = await until(h, ACK_IDLE, 'siren posted, social-media task assigned');
      expect(s.deadlines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'acknowledgement', at: new Date(receivedAt + 15 * MIN).toISOString() }),
          expect.objectContaining({ name: 'delay-reminder', at: new Date(receivedAt + 4 * HOUR).toISOString() }),
        ]),
      );
      expect(s.deadlines.map((d) => d.name)).not.toContain('quiet-close');
      expect(s.tasks.find((t) => t.id === 'reproduce')).toMatchObject({ status: 'open', assignee: 'support-agent' });
      // support-agent is not trained for social media: the assigned colleague takes it.
      expect(s.tasks.find((t) => t.id === 'social-media')).toMatchObject({ status: 'open', assignee: 'social-media-agent' });
      expect(s.details.facts).toMatchObject({ customers: 6, reports: 7, errorCode: '502', productAreas: ['member-area'] });
      expect(s.details.facts!.samples.length).toBeGreaterThanOrEqual(3);

      const post = siren()!;
      expect(post.mentions.userGroups).toEqual(['S0ONCALL01']);
      expect(post.mentions.broadcasts).toEqual([]);
      expect(post.text).toMatch(/^:rotating_light: <!subteam\^S0ONCALL01> Die Kund:innen melden seit ca\. \d+ Min\. ein technisches Problem \(\*member-area-502\*\)\. Kann das jemand zeitnah prüfen\?/);
      expect(post.text).toContain('• Problem: Der Mitgliederbereich zeigt die Fehlermeldung 502 (Mitgliederbereich, Fehler 502)');
      expect(post.text).toContain('• Betroffen bisher: 6 Kund:innen (7 Meldungen), z. B. kunde1@example.org, kunde2@example.org, kunde3@example.org');
      expect(post.text).toContain('• Roter Faden: nur E-Mail-Adressen @example.org; nur iOS-App; immer Fehler 502');
      expect(post.text).toContain('• Im Testkonto reproduziert: wird geprüft');
      expect(post.text).toMatch(/• Technikfälle-Tracking: <http:\/\/127\.0\.0\.1:\d+\/rows\?problemKey=member-area-502\|Einträge zu member-area-502>/);
      expect(post.text).toContain('Gemeldet von <@U0KIMSUPP1>. Reagiert bis');
      expect(buttons(post)).toEqual(['Ich kümmere mich']);

      // The agent whose report made it critical: the test-account task with its buttons.
      const madeIt = dmsTo('Kim Support').find((m) => m.text?.includes('kritisch: 6 betroffene Kund:innen'))!;
      expect(madeIt.text).toContain('Prüf im Testkonto');
      expect(buttons(madeIt)).toEqual(['Im Testkonto reproduziert', 'Nicht reproduzierbar']);
      // The earlier agent keeps ownership: told, with their own customers.
      const told = dmsTo('Lou Support').find((m) => m.text?.includes('ist jetzt kritisch'))!;
      expect(told.text).toContain('• GRV-1001 (kunde1@example.org)');
      expect(told.text).not.toContain('GRV-1002');
      const social = dmsTo('Pat Social')[0]!;
      expect(social.text).toContain('<@U0KIMSUPP1> ist nicht im Social-Media-Support eingearbeitet');
      expect(social.text).toContain('Community-Gruppen');
      expect(buttons(social)).toEqual(['Geprüft: Posts beantwortet', 'Geprüft: keine Posts']);

      // Later reports join the critical incident and update the siren's count.
      const later = await report(techReport(8, { reportedBy: 'support-agent-2' }));
      expect(later.result).toMatchObject({ report: 8, customers: 7, criticality: 'critical', madeCritical: false });
      await until(h, (x) => x.details.reports[7]?.tracking !== null && x.messages.some((m) => m.step === 'report-8-support-agent-2'), 'report 8 tracked and DMed');
      await sirenShows('Betroffen bisher: 7 Kund:innen (8 Meldungen)');
      expect(dmsTo('Lou Support').at(-1)!.text).toContain('gehört zum kritischen Vorfall *member-area-502*: jetzt 7 betroffene Kund:innen');
    });
  });

  it('what agents typed is shown as typed: no mention, broadcast or link from a problem description', async () => {
    const problem = 'Login <!channel> @{here} <https://evil.example|klick> & Co';
    await scenario(async (h, report) => {
      await report(techReport(1, { problem, ticket: 'GRV-<!here>' }));
      for (let n = 2; n <= 6; n++) await report(techReport(n));
      // The alarm's last post is recorded: every post of the escalation so far is at the stand-in.
      await until(h, ACK_IDLE, 'siren');
      expect(siren()!.text).toContain('• Problem: Login &lt;!channel&gt; @\u2060{here} &lt;https://evil.example|klick&gt; &amp; Co');
      for (const p of slackPosts()) {
        expect(p.mentions.broadcasts, p.text).toEqual([]);
        expect(p.text).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
      }
    });
  });
});

describe('the acknowledgement and the phone ladder (15 minutes from the report that made it critical)', () => {
  it('acknowledged at 14:59: no call; the siren shows who took it and loses its button', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      const criticalAt = Date.parse(sixth.result.criticalAt!);
      await until(h, ACK_IDLE, 'siren');
      await t.env.sleep(criticalAt + 14 * MIN + 59_000 - (await t.env.currentTimeMs()));
      const acked = await send(h, { type: 'acknowledged', actor: 'on-call-lead' });
      expect(acked.status).toBe('in-progress');
      expect(acked.deadlines.map((d) => d.name)).toEqual(['delay-reminder']);
      await t.env.sleep(20 * MIN);
      const s = await until(h, (x) => x.messages.some((m) => m.step === 'acknowledged'), 'acknowledged reply');
      expect(s.tasks.filter((t) => t.id.startsWith('call'))).toEqual([]);
      expect(s.status).toBe('in-progress');
      expect(thread().map((m) => m.text)).toEqual([':white_check_mark: on-call-lead kümmert sich.']);
      await sirenShows('Übernommen von on-call-lead um');
      expect(buttons(slackPosts().findLast((p) => p.method === 'chat.update'))).toEqual([]);
    });
  });

  it('nothing by 15:00: the agent is asked to phone the incident lead; an acknowledgement at 15:00 is refused', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      const criticalAt = Date.parse(sixth.result.criticalAt!);
      await until(h, ACK_IDLE, 'siren');
      await t.env.sleep(criticalAt + 15 * MIN - (await t.env.currentTimeMs()));
      const s = await until(h, (x) => x.tasks.some((t) => t.id === 'call' && t.status === 'open'), 'call task');
      const passed = s.timeline.find((e) => e.kind === 'deadline-passed')!;
      expect(Date.parse(passed.at)).toBeGreaterThanOrEqual(criticalAt + 15 * MIN);
      expect(Date.parse(passed.at)).toBeLessThan(criticalAt + 15 * MIN + 5_000);
      expect(s.status).toBe('phoning');
      expect(s.tasks.find((t) => t.id === 'call')).toMatchObject({ assignee: 'support-agent', description: 'Phone Casey Oncall on +49 30 5550100' });
      const late = await refusal(h, { type: 'acknowledged', actor: 'on-call-backup' });
      expect(late.type).toBe(EVENT_OUT_OF_ORDER);
      expect(late.message).toContain('the acknowledgement deadline passed at');
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-lead-1'), 'call request posted');
      const request = thread().find((m) => m.text?.includes('Bitte ruf die Incident-Leitung an'))!;
      expect(request.text).toBe(
        ':telephone_receiver: <@U0KIMSUPP1> Bitte ruf die Incident-Leitung an: Casey Oncall, +49 30 5550100 (Anruf 1 von 2).\nMelde das Ergebnis mit den Buttons: erreicht, oder keine Antwort.',
      );
      expect(buttons(request)).toEqual(['Erreicht', 'Keine Antwort']);
      expect(thread().some((m) => m.text?.includes('Niemand hat innerhalb von 15 Minuten reagiert'))).toBe(true);
      const reached = await send(h, { type: 'call-reached', actor: 'support-agent' });
      expect(reached.status).toBe('in-progress');
      expect(reached.details.reached).toBe('Casey Oncall');
      expect(reached.details.calls).toEqual([expect.objectContaining({ callee: 'on-call-lead', outcome: 'reached' })]);
    });
  });

  it('two unanswered calls to the lead: the backup is phoned', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      await until(h, ACK_IDLE, 'siren');
      await t.env.sleep(Date.parse(sixth.result.criticalAt!) + 15 * MIN - (await t.env.currentTimeMs()));
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-lead-1'), 'first call');
      await send(h, { type: 'call-no-answer', actor: 'support-agent' });
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-lead-2'), 'second call');
      expect(thread().some((m) => m.text?.includes('Casey Oncall, +49 30 5550100 (Anruf 2 von 2)'))).toBe(true);
      await send(h, { type: 'call-no-answer', actor: 'support-agent' });
      const s = await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-backup-1'), 'backup call');
      expect(thread().some((m) => m.text?.includes('Bitte ruf die Vertretung an: Jamie Backup, +49 30 5550101 (Anruf 1 von 4)'))).toBe(true);
      expect(s.tasks.find((t) => t.id === 'call')?.status).toBe('done');
      expect(s.tasks.find((t) => t.id === 'call-2')).toMatchObject({ status: 'open', description: 'Phone Jamie Backup on +49 30 5550101' });
      expect(s.details.calls.map((c) => [c.callee, c.outcome])).toEqual([
        ['on-call-lead', 'no-answer'],
        ['on-call-lead', 'no-answer'],
      ]);
      const done = await send(h, { type: 'call-reached', actor: 'support-agent' });
      expect(done.details.reached).toBe('Jamie Backup');
    });
  });

  it('issue 16 item 9: each call request loses its buttons once asked again or answered, and at the end no post has live buttons', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      await until(h, ACK_IDLE, 'siren');
      await t.env.sleep(Date.parse(sixth.result.criticalAt!) + 15 * MIN - (await t.env.currentTimeMs()));
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-lead-1'), 'first call');
      await send(h, { type: 'call-no-answer', actor: 'support-agent' });
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-lead-2'), 'second call');
      await send(h, { type: 'call-no-answer', actor: 'support-agent' });
      await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-backup-1'), 'backup call');
      await send(h, { type: 'call-reached', actor: 'support-agent' });
      const requests = () => t.standIns.slack.messages(SIREN_CHANNEL).filter((m) => /Anruf \d von \d/.test(m.text));
      // The superseded and answered requests are closed while the incident is still open.
      await eventually(requests, (r) => r.every((m) => buttonLabels(m.blocks).length === 0), 'every call request closed');
      const [lead1, lead2, backup1] = requests();
      expect(requests()).toHaveLength(3);
      expect(contextLines(lead1!.blocks)).toEqual([expect.stringMatching(/^Superseded at .+: asked again \(attempt 2\)$/)]);
      expect(contextLines(lead2!.blocks)).toEqual([expect.stringMatching(/^Superseded at .+: Jamie Backup is asked now$/)]);
      expect(contextLines(backup1!.blocks)).toEqual([expect.stringMatching(/^:white_check_mark: Done: call-reached reported by support-agent at /)]);
      for (const m of requests()) {
        expect(buttonLabels(m.blocks)).toEqual([]);
        expect(m.text).toMatch(/Anruf \d von \d/); // the request itself is still there to read
      }
      expect((await state(h)).outcome).toBeNull();

      await send(h, { type: 'resolved', actor: 'on-call-backup' });
      const final = await h.result();
      const posts = buttonPostsNow(t.standIns);
      expect(posts.length).toBeGreaterThanOrEqual(4); // the siren and the three requests
      expect(posts.filter((m) => buttonLabels(m.blocks).length > 0)).toEqual([]);
      expect(latestOutboxVersions(t.standIns).filter((r) => buttonLabels(r.blocks).length > 0)).toEqual([]);
      expect(final.timeline.filter((e) => e.kind === 'step-failed')).toEqual([]);
    });
  });

  it('the ladder is capped: no outcome ever reported, the agent is asked every 5 minutes, twice for the lead and 4 times for the backup, then never again', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      const criticalAt = Date.parse(sixth.result.criticalAt!);
      await until(h, ACK_IDLE, 'siren');
      const steps = ['call-on-call-lead-1', 'call-on-call-lead-2', 'call-on-call-backup-1', 'call-on-call-backup-2', 'call-on-call-backup-3', 'call-on-call-backup-4', 'nobody-reached'];
      for (const [i, step] of steps.entries()) {
        // Each request is due 15 + 5·i minutes after the report that made it critical: sleep to that instant.
        await t.env.sleep(criticalAt + (15 + 5 * i) * MIN - (await t.env.currentTimeMs()));
        const s = await until(h, (x) => x.messages.some((m) => m.step === step), step);
        const at = Date.parse(s.messages.find((m) => m.step === step)!.at);
        expect(at - criticalAt, step).toBeGreaterThanOrEqual((15 + 5 * i) * MIN);
        expect(at - criticalAt, step).toBeLessThan((15 + 5 * i) * MIN + 30_000);
      }
      expect(thread().some((m) => m.text?.includes('Weder die Incident-Leitung noch die Vertretung wurden erreicht'))).toBe(true);
      const after = await state(h);
      expect(after.tasks.filter((t) => t.id.startsWith('call')).map((t) => [t.id, t.status, t.attempts])).toEqual([
        ['call', 'done', 2],
        // Nobody reached: the kit ends the exhausted call task cancelled (not done).
        ['call-2', 'cancelled', 4],
      ]);
      expect(after.waitingFor).not.toContain('call-reached');
      // Hours later: nothing more was asked (the delay reminders are capped on their own).
      await t.env.sleep(3 * HOUR);
      const later = await state(h);
      expect(later.messages.filter((m) => m.step.startsWith('call-')).length).toBe(6);
      expect((await refusal(h, { type: 'call-reached', actor: 'support-agent' })).type).toBe(EVENT_OUT_OF_ORDER);
    });
  });

  it('the lead on vacation: the backup is phoned at once, and the skip is on the timeline', async () => {
    const directory = t.directoryWith({ people: { 'on-call-lead': { vacations: [{ from: '2020-01-01', to: '2099-12-31' }] } } });
    await scenario(
      async (h, report) => {
        const sixth = await makeCritical(report);
        await until(h, ACK_IDLE, 'siren');
        await t.env.sleep(Date.parse(sixth.result.criticalAt!) + 15 * MIN - (await t.env.currentTimeMs()));
        const s = await until(h, (x) => x.messages.some((m) => m.step === 'call-on-call-backup-1'), 'backup call');
        expect(s.timeline.find((e) => e.kind === 'ladder-skipped')).toMatchObject({ detail: expect.stringContaining('Casey Oncall is on vacation until 2099-12-31') });
        expect(s.tasks.some((t) => t.id === 'call')).toBe(false);
        expect(s.details.calls).toEqual([expect.objectContaining({ callee: 'on-call-lead', outcome: 'skipped' })]);
        const request = thread().find((m) => m.text?.includes('Bitte ruf die Vertretung an'))!;
        expect(request.text).toContain('Jamie Backup, +49 30 5550101 (Anruf 1 von 4)');
        expect(request.text).toContain('Casey Oncall ist laut Verzeichnis abwesend bis 2099-12-31: direkt die Vertretung anrufen.');
      },
      { directory },
    );
  });

  it('a report the worker takes 10 minutes late: the deadline still counts from its arrival (the lead is phoned 5 minutes later)', async () => {
    await scenario(async (h, report) => {
      for (let n = 1; n <= 5; n++) await report(techReport(n));
      const arrived = (await t.env.currentTimeMs()) - 10 * MIN;
      await report(techReport(6), arrived);
      const s = await until(h, ACK_IDLE, 'siren');
      expect(s.deadlines.find((d) => d.name === 'acknowledgement')?.at).toBe(new Date(arrived + 15 * MIN).toISOString());
      await t.env.sleep(5 * MIN);
      const phoning = await until(h, (x) => x.status === 'phoning', 'phoning');
      expect(Date.parse(phoning.timeline.find((e) => e.kind === 'deadline-passed')!.at)).toBeLessThan(arrived + 15 * MIN + 5_000);
    });
  });
});

describe('the rest of the alarm', () => {
  it('reproduced, social media checked, status update in the info channel, resolved: every agent reminded with their tickets', async () => {
    await scenario(async (h, report) => {
      await makeCritical(report, { reportedBy: 'community-agent' });
      const open = await until(h, ACK_IDLE, 'siren');
      // community-agent is trained for social media: the task stays with them.
      expect(open.tasks.find((t) => t.id === 'social-media')?.assignee).toBe('community-agent');
      expect(dmsTo('Pat Social')).toEqual([]);
      await send(h, { type: 'reproduced', reproduced: true, actor: 'community-agent' });
      await send(h, { type: 'acknowledged', actor: 'on-call-lead' });
      await send(h, { type: 'social-media-checked', postsFound: true, actor: 'community-agent' });
      const updated = await send(h, { type: 'status-update', text: 'Ursache gefunden: ein Proxy <defekt>. Fix kommt in 30 Min.', actor: 'on-call-lead' });
      expect(updated.details.socialMedia).toMatchObject({ assignee: 'community-agent', postsFound: true });
      expect(updated.tasks.filter((t) => t.status === 'open')).toEqual([]);
      const posted = await until(h, (x) => x.messages.some((m) => m.step === 'status-update-1-thread'), 'status update posted');
      expect(posted.messages.filter((m) => m.step.startsWith('status-update-1')).map((m) => [m.step, m.to])).toEqual([
        ['status-update-1', '#cs-info'],
        ['status-update-1-thread', '#customer-success'],
      ]);
      // Every message has a step key of its own (the post's idempotency key).
      expect(new Set(posted.messages.map((m) => m.step)).size).toBe(posted.messages.length);
      const info = slackPosts().find((p) => p.channel.id === INFO_CHANNEL)!;
      expect(info.text).toBe(
        ':information_source: *Update zu member-area-502* (Der Mitgliederbereich zeigt die Fehlermeldung 502) von on-call-lead:\nUrsache gefunden: ein Proxy &lt;defekt&gt;. Fix kommt in 30 Min.',
      );
      expect(thread().some((m) => m.text?.includes(':test_tube: Im Testkonto reproduziert (community-agent)'))).toBe(true);

      await send(h, { type: 'resolved', summary: 'Proxy getauscht', actor: 'on-call-lead' });
      const final = (await h.result()) as TechIncidentState;
      expect(final.outcome).toBe('resolved');
      expect(final.status).toBe('resolved');
      expect(final.deadlines).toEqual([]);
      const reminders = slackPosts().filter((p) => p.text?.includes('ist gelöst: Proxy getauscht'));
      expect(reminders.map((r) => r.channel.name).sort()).toEqual(['@Kim Support', '@Lou Support', '@Noa Community']);
      const lou = reminders.find((r) => r.channel.name === '@Lou Support')!;
      expect(lou.text).toContain('Bitte informiere jetzt deine Kund:innen:\n• GRV-1001 (kunde1@example.org)\n• GRV-1003 (kunde3@example.org)\n• GRV-1005 (kunde5@example.org)');
      expect(sirenNow()!.text).toMatch(/^:white_check_mark: \*GELÖST\*/);
      expect(slackPosts().filter((p) => p.channel.id === INFO_CHANNEL).at(-1)!.text).toContain('*member-area-502 ist gelöst*');
      const late = await h.executeUpdate(joinUpdate, { args: [{ input: techReport(9), receivedAt: new Date().toISOString() }] }).then(
        () => 'accepted',
        (e: unknown) => e,
      );
      expect(late).toBeInstanceOf(Error);
    });
  });

  it('reproduced already on a single case: becoming critical opens no second test-account task and asks no more', async () => {
    await scenario(async (h, report) => {
      await report(techReport(1));
      const single = await send(h, { type: 'reproduced', reproduced: true, actor: 'support-agent' });
      expect(single.details.reproduced).toMatchObject({ value: true, by: 'support-agent' });
      expect(single.waitingFor).not.toContain('reproduced');
      for (let n = 2; n <= 6; n++) await report(techReport(n));
      const s = await until(h, ACK_IDLE, 'siren');
      expect(s.tasks.filter((t) => t.id === 'reproduce')).toEqual([]);
      expect(s.waitingFor).not.toContain('reproduced');
      expect(siren()!.text).toContain('• Im Testkonto reproduziert: ja');
      const madeIt = dmsTo('Kim Support').find((m) => m.text?.includes('kritisch: 6 betroffene Kund:innen'))!;
      expect(madeIt.text).toContain('1. Der Test im Testkonto ist schon gemeldet: reproduziert.');
      expect(buttons(madeIt)).toEqual([]);
    });
  });

  it('no resolution 4 hours after the report that made it critical: every agent told to tell their customers the fix is delayed', async () => {
    await scenario(async (h, report) => {
      const sixth = await makeCritical(report);
      const criticalAt = Date.parse(sixth.result.criticalAt!);
      await until(h, ACK_IDLE, 'siren');
      await send(h, { type: 'acknowledged', actor: 'on-call-lead' });
      await t.env.sleep(criticalAt + 4 * HOUR - 60_000 - (await t.env.currentTimeMs()));
      expect(slackPosts().filter((p) => p.text?.includes('verzögert'))).toEqual([]);
      await t.env.sleep(60_000);
      const s = await until(h, (x) => x.messages.filter((m) => m.step.startsWith('delay-reminder-1')).length === 2, 'delay reminders');
      const reminder = s.timeline.find((e) => e.kind === 'deadline-passed' && e.data?.deadline === 'delay-reminder')!;
      expect(Date.parse(reminder.at) - criticalAt).toBeGreaterThanOrEqual(4 * HOUR);
      expect(Date.parse(reminder.at) - criticalAt).toBeLessThan(4 * HOUR + 5_000);
      const kim = dmsTo('Kim Support').findLast((m) => m.text?.includes('verzögert'))!;
      expect(kim.text).toBe(
        ':hourglass: *member-area-502* ist seit 4 Std. kritisch und noch nicht gelöst.\n' +
          'Bitte sag deinen Kund:innen, dass sich die Lösung verzögert und wir uns melden, sobald sie da ist:\n' +
          '• GRV-1002 (kunde2@example.org)\n• GRV-1004 (kunde4@example.org)\n• GRV-1006 (kunde6@example.org)',
      );
      expect(s.deadlines.find((d) => d.name === 'delay-reminder')?.at).toBe(new Date(criticalAt + 8 * HOUR).toISOString());
      // Capped: three reminders at most.
      await t.env.sleep(12 * HOUR);
      const later = await until(h, (x) => x.details.delayReminders === 3, 'three reminders');
      expect(later.deadlines.find((d) => d.name === 'delay-reminder')).toBeUndefined();
      expect(later.timeline.filter((e) => e.kind === 'reminder-capped').map((e) => e.data)).toEqual([{ reminder: 'delay-reminder', sent: 2 }]);
    });
  });

  it('the same on a weekend: critical on a Saturday (Berlin), the lead is phoned 15 minutes later', async () => {
    await scenario(async (h, report) => {
      const now = await t.env.currentTimeMs();
      const berlin = new Date(now).toLocaleString('en-US', { timeZone: 'Europe/Berlin', weekday: 'short' });
      const toSaturday = ((6 - ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(berlin) + 7) % 7 || 7) * 24 * HOUR;
      await t.env.sleep(toSaturday);
      const sixth = await makeCritical(report);
      expect(new Date(sixth.result.criticalAt!).toLocaleString('en-US', { timeZone: 'Europe/Berlin', weekday: 'short' })).toBe('Sat');
      await until(h, ACK_IDLE, 'siren');
      await t.env.sleep(Date.parse(sixth.result.criticalAt!) + 15 * MIN - (await t.env.currentTimeMs()));
      await until(h, (x) => x.status === 'phoning', 'phoning on a Saturday');
    });
  });

  it('a single case without a new report for 7 days closes; its agents keep their open questions', async () => {
    await scenario(async (h, report) => {
      await report(techReport(1));
      await t.env.sleep(6 * 24 * HOUR);
      await report(techReport(2, { reportedBy: 'support-agent-2' }));
      const final = (await h.result()) as TechIncidentState;
      expect(final.outcome).toBe('lapsed');
      const closedAt = Date.parse(final.timeline.find((e) => e.kind === 'outcome')!.at);
      expect(closedAt - Date.parse(final.details.reports[1]!.receivedAt)).toBeGreaterThanOrEqual(7 * 24 * HOUR);
      expect(dmsTo('Lou Support').at(-1)!.text).toContain('nach 7 Tagen ohne neue Meldung geschlossen. Deine offenen Fragen bleiben bei dir:\n• GRV-1002');
    });
  });

  it('a report received after the quiet period belongs to the next escalation, even before this one has closed (worker late)', async () => {
    await scenario(async (h, report) => {
      const first = await report(techReport(1));
      const closesAt = Date.parse((await state(h)).deadlines.find((d) => d.name === 'quiet-close')!.at);
      expect(first.opened).toBe(true);
      expect(closesAt - Date.parse((await state(h)).details.reports[0]!.receivedAt)).toBe(7 * 24 * HOUR);
      await t.env.sleep(6 * 24 * HOUR);
      // The API received it 1 s after the instant; the workflow has not fired the deadline yet.
      const late = await report(techReport(2), closesAt + 1_000).then(
        () => undefined,
        (err: unknown) => (err as { cause?: { type?: string; message?: string; details?: unknown[] } }).cause,
      );
      expect(late).toMatchObject({ type: EVENT_OUT_OF_ORDER, details: [{ deadline: 'quiet-close', at: new Date(closesAt).toISOString() }] });
      expect(late!.message).toContain('opens the next escalation');
      // One received just before the instant still joins, and moves the quiet period on.
      const inTime = await report(techReport(3), closesAt - 1_000);
      expect(inTime).toMatchObject({ opened: false, result: { report: 2, customers: 2 } });
      expect((await state(h)).deadlines.find((d) => d.name === 'quiet-close')!.at).toBe(new Date(closesAt - 1_000 + 7 * 24 * HOUR).toISOString());
    });
  });

  it('a team that reads English gets English texts (the channel locale in the directory)', async () => {
    const directory = t.directoryWith({ channels: { 'customer-success': { locale: 'en' } } });
    await scenario(
      async (h, report) => {
        await report(techReport(1));
        await until(h, (x) => x.messages.some((m) => m.step.startsWith('report-1')), 'DM');
        expect(dmsTo('Kim Support')[0]!.text).toContain('A single case so far: 1 affected customers (critical from 6).');
        for (let n = 2; n <= 6; n++) await report(techReport(n));
        await until(h, ACK_IDLE, 'siren');
        expect(siren()!.text).toContain('Customers have been reporting a technical problem (*member-area-502*)');
        expect(siren()!.text).toContain('• Common thread: only e-mail addresses at @example.org; only iOS app; always error 502');
      },
      { directory },
    );
  });
});

describe('events that make no sense now are refused and change nothing', () => {
  it('acknowledge or status-update on a single case, call outcomes without a call task, anything after the outcome', async () => {
    await scenario(async (h, report) => {
      await report(techReport(1));
      expect((await refusal(h, { type: 'acknowledged' })).message).toContain('single case');
      expect((await refusal(h, { type: 'status-update', text: 'x' })).type).toBe(EVENT_OUT_OF_ORDER);
      expect((await refusal(h, { type: 'call-no-answer' })).message).toBe('no call task is open');
      expect((await refusal(h, { type: 'social-media-checked' })).message).toBe('no social-media task is open');
      const s = await state(h);
      expect(s.timeline.filter((e) => e.kind.startsWith('event:'))).toEqual([]);
      await send(h, { type: 'resolved', actor: 'on-call-lead' });
      // After the outcome: refused by the validator while the run is still closing (telling the agents),
      // or by the server once it has closed; which one depends on how fast the closing activities ran.
      const after = await send(h, { type: 'reproduced', reproduced: true }).then(() => undefined, (e: unknown) => e);
      if (after instanceof WorkflowUpdateFailedError) expect((after.cause as ApplicationFailure).type).toBe(EVENT_OUT_OF_ORDER);
      else expect(after).toBeInstanceOf(WorkflowNotFoundError);
      const final = (await h.result()) as TechIncidentState;
      expect(final.outcome).toBe('resolved');
      expect(final.timeline.filter((e) => e.kind === 'event:reproduced')).toEqual([]);
    });
  });
});
