// tech-incident's pure parts: the problem key's normalisation, the siren's facts and common thread,
// the deployment settings and the input checks (the excluded category is a rule, configurable).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { readPlaybookSettings } from '../../src/playbooks.js';
import { parseInput } from '../../src/escalations/intake.js';
import { HttpProblem } from '../../src/problem.js';
import { normaliseProblemKey, problemKeyOf } from '../../workflows/tech-incident/codes.js';
import type { ReportRecord } from '../../workflows/tech-incident/contract.js';
import definition, { type TechIncidentSettings } from '../../workflows/tech-incident/definition.js';
import { commonThreads, incidentFacts } from '../../workflows/tech-incident/facts.js';
import { TEXTS } from '../../workflows/tech-incident/texts.js';
import { directoryFile, loadExampleDirectory } from '../helpers/fixtures.js';
import { techReport } from '../helpers/tech-incident-fixtures.js';

describe('the problem key', () => {
  it('one problem however it is typed: case, spaces, punctuation, umlauts', () => {
    expect(normaliseProblemKey('Login 502')).toBe('login-502');
    expect(normaliseProblemKey(' LOGIN_502! ')).toBe('login-502');
    expect(normaliseProblemKey('login--502')).toBe('login-502');
    expect(normaliseProblemKey('Übung lädt nicht (Größe)')).toBe('uebung-laedt-nicht-groesse');
    expect(normaliseProblemKey('Café crème')).toBe('cafe-creme');
    expect(normaliseProblemKey('kunde@example.org')).toBe('kunde-example-org');
    expect(normaliseProblemKey('!!!')).toBe('');
    expect(normaliseProblemKey(`${'a'.repeat(79)} b`)).toBe('a'.repeat(79));
  });

  it('without a key: the product area and the error code', () => {
    expect(problemKeyOf({ productArea: 'login', errorCode: '502' })).toBe('login-502');
    expect(problemKeyOf({ productArea: 'checkout' })).toBe('checkout');
    expect(problemKeyOf({ problemKey: 'Sync kaputt', productArea: 'sync', errorCode: 'E7' })).toBe('sync-kaputt');
  });
});

const record = (n: number, overrides: Partial<ReportRecord> = {}): ReportRecord => ({
  number: n,
  receivedAt: new Date(Date.UTC(2026, 10, 30, 8, n)).toISOString(),
  seenAt: new Date(Date.UTC(2026, 10, 30, 8, n)).toISOString(),
  ticket: `GRV-${n}`,
  customerEmail: `kunde${n}@example.org`,
  problem: 'Fehler 502',
  productArea: 'member-area',
  platform: 'unknown',
  membershipTier: null,
  errorCode: null,
  reportedBy: 'support-agent',
  screenshotUrl: null,
  newCustomer: true,
  tracking: null,
  ...overrides,
});

describe('the common thread (seed step 2: only some e-mail domains? only mobile? only one tier?)', () => {
  it('one e-mail domain, one platform, one tier, one error code when every report that says agrees', () => {
    const reports = [1, 2, 3, 4].map((n) => record(n, { platform: 'android-app', membershipTier: n === 4 ? null : 'Club', errorCode: '502' }));
    expect(commonThreads(reports)).toEqual([
      { kind: 'email-domain', values: ['example.org'], known: 4, of: 4 },
      { kind: 'platform', values: ['android-app'], known: 4, of: 4 },
      { kind: 'tier', values: ['club'], known: 3, of: 4 },
      { kind: 'error-code', values: ['502'], known: 4, of: 4 },
    ]);
  });

  it('mobile only across apps and the mobile browser; no thread where the data disagrees or is too thin', () => {
    const mobile = [record(1, { platform: 'ios-app' }), record(2, { platform: 'android-app' }), record(3, { platform: 'web-mobile' }), record(4)];
    expect(commonThreads(mobile).find((t) => t.kind === 'mobile')).toEqual({ kind: 'mobile', values: ['android-app', 'ios-app', 'web-mobile'], known: 3, of: 4 });
    const mixed = [record(1, { platform: 'ios-app', customerEmail: 'a@one.example' }), record(2, { platform: 'web-desktop', customerEmail: 'b@two.example' }), record(3, { platform: 'ios-app', customerEmail: 'c@three.example' })];
    expect(commonThreads(mixed)).toEqual([]);
    // Two reports that agree are not yet a thread.
    expect(commonThreads([record(1, { membershipTier: 'club' }), record(2, { membershipTier: 'club' })]).map((t) => t.kind)).toEqual([]);
  });

  it('two domains among six customers are a thread; a repeated customer counts once', () => {
    const reports = [1, 2, 3, 4, 5, 6].map((n) => record(n, { customerEmail: n % 2 ? `k${n}@gmx.example` : `k${n}@web.example` }));
    expect(commonThreads(reports)[0]).toEqual({ kind: 'email-domain', values: ['gmx.example', 'web.example'], known: 6, of: 6 });
    const repeated = [record(1), record(2, { customerEmail: 'KUNDE1@example.org' }), record(3, { customerEmail: 'other@else.example' })];
    expect(commonThreads(repeated).find((t) => t.kind === 'email-domain')).toBeUndefined();
  });

  it('the facts: what, first and last seen, counts, samples (at least 3)', () => {
    const reports = [record(3), record(1, { customerEmail: 'KUNDE3@example.org', seenAt: '2026-11-30T07:00:00.000Z' }), record(2, { screenshotUrl: 'https://img.example/1.png' })];
    const facts = incidentFacts(reports);
    expect(facts).toMatchObject({
      what: 'Fehler 502',
      firstSeen: '2026-11-30T07:00:00.000Z',
      lastSeen: reports[0]!.seenAt,
      customers: 2,
      reports: 3,
      samples: ['kunde3@example.org', 'kunde2@example.org'],
      screenshotUrl: 'https://img.example/1.png',
    });
    const many = incidentFacts([1, 2, 3, 4, 5, 6, 7].map((n) => record(n)));
    expect(many.samples).toHaveLength(5);
  });
});

describe('the siren text', () => {
  it('German, with the facts, the tracking link, the on-call group tagged; values escaped', () => {
    const facts = incidentFacts([1, 2, 3, 4, 5, 6].map((n) => record(n, { problem: 'Seite <leer> & langsam', platform: 'ios-app' })));
    const text = TEXTS.de.siren({
      problemKey: 'member-area-502',
      facts,
      agent: 'support-agent',
      ackDueAt: '2026-11-30T08:21:00.000Z',
      reproduced: null,
      acknowledged: null,
      phoning: false,
      reached: null,
      resolved: false,
      trackingListUrl: 'https://tracking.example/rows?problemKey=member-area-502',
      timeZone: 'Europe/Berlin',
      now: Date.parse('2026-11-30T10:01:00.000Z'),
    }).mrkdwn;
    expect(text.split('\n')).toEqual([
      ':rotating_light: @{group:on-call} Die Kund:innen melden seit ca. 2 Std. ein technisches Problem (*member-area-502*). Kann das jemand zeitnah prüfen?',
      '• Problem: Seite &lt;leer&gt; &amp; langsam (Mitgliederbereich)',
      `• Zuerst gemeldet: ${TEXTS.de.local('2026-11-30T08:01:00.000Z', 'Europe/Berlin')}; zuletzt: ${TEXTS.de.local('2026-11-30T08:06:00.000Z', 'Europe/Berlin')}`,
      '• Betroffen bisher: 6 Kund:innen (6 Meldungen), z. B. kunde1@example.org, kunde2@example.org, kunde3@example.org, kunde4@example.org, kunde5@example.org',
      '• Roter Faden: nur E-Mail-Adressen @example.org; nur iOS-App',
      '• Im Testkonto reproduziert: wird geprüft',
      '• Technikfälle-Tracking: <https://tracking.example/rows?problemKey=member-area-502|Einträge zu member-area-502>',
      `Gemeldet von @{support-agent}. Reagiert bis ${TEXTS.de.local('2026-11-30T08:21:00.000Z', 'Europe/Berlin')} niemand, ruft @{support-agent} die Incident-Leitung an.`,
    ]);
    expect(TEXTS.de.local('2026-11-30T08:21:00.000Z', 'Europe/Berlin')).toBe('Mo., 30. Nov., 09:21 MEZ');
  });
});

describe('settings and checks', () => {
  const defaults = readPlaybookSettings({}).settings['tech-incident'] as unknown as TechIncidentSettings;

  it('defaults: more than 5 customers, application-error excluded, 240 minutes, 7 days, Europe/Berlin', () => {
    expect(defaults).toEqual({
      TECH_INCIDENT_CRITICAL_ABOVE: 5,
      TECH_INCIDENT_EXCLUDED_CATEGORIES: 'application-error',
      TECH_INCIDENT_DELAY_REMINDER_MINUTES: 240,
      TECH_INCIDENT_QUIET_DAYS: 7,
      TECH_INCIDENT_TIME_ZONE: 'Europe/Berlin',
    });
    expect(definition.join.startArgs(techReport(1, { problemKey: 'Login 502' }), defaults)).toEqual([
      { problemKey: 'login-502', policy: { criticalAbove: 5, delayReminderMinutes: 240, quietDays: 7, timeZone: 'Europe/Berlin' } },
    ]);
  });

  it('a malformed setting stops start-up naming the variable', async () => {
    expect(readPlaybookSettings({ TECH_INCIDENT_CRITICAL_ABOVE: 'five' }).problems).toEqual([
      { variable: 'TECH_INCIDENT_CRITICAL_ABOVE', message: expect.stringContaining('"five"') },
    ]);
    // A number not written in digits is refused, never read as another one ('5.9' was 5, '0x10' was 16).
    for (const written of ['5.9', '0x10', '1e1']) {
      expect(readPlaybookSettings({ TECH_INCIDENT_CRITICAL_ABOVE: written }).problems, written).toEqual([
        { variable: 'TECH_INCIDENT_CRITICAL_ABOVE', message: `must be integer (got "${written}")` },
      ]);
    }
    expect(readPlaybookSettings({ TECH_INCIDENT_TIME_ZONE: 'Europe/Berln' }).problems).toEqual([
      { variable: 'TECH_INCIDENT_TIME_ZONE', message: "unknown IANA time zone 'Europe/Berln'" },
    ]);
    const base = { DIRECTORY_FILE: directoryFile };
    await expect(loadConfig({ ...base, TECH_INCIDENT_EXCLUDED_CATEGORIES: 'Application Error' })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ ...base, TECH_INCIDENT_EXCLUDED_CATEGORIES: 'Application Error' })).rejects.toThrow(/TECH_INCIDENT_EXCLUDED_CATEGORIES/);
    const config = await loadConfig({ ...base, TECH_INCIDENT_CRITICAL_ABOVE: '10', TECH_INCIDENT_EXCLUDED_CATEGORIES: 'application-error, billing' });
    expect(config.playbookSettings['tech-incident']).toMatchObject({ TECH_INCIDENT_CRITICAL_ABOVE: 10, TECH_INCIDENT_EXCLUDED_CATEGORIES: 'application-error, billing' });
  });

  it("an excluded category is a 422 naming the rule; which categories is the deployment's choice", async () => {
    const directory = await loadExampleDirectory();
    const def = { ...definition, workflowType: 'techIncident' } as never;
    const refused = (() => {
      try {
        parseInput(def, techReport(1, { category: 'application-error' }), directory, defaults);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 422, slug: 'excluded-category', errors: [{ field: '/input/category' }] });
    const none = { ...defaults, TECH_INCIDENT_EXCLUDED_CATEGORIES: '' };
    expect(parseInput(def, techReport(1, { category: 'application-error' }), directory, none)).toMatchObject({ category: 'application-error' });
    const billing = { ...defaults, TECH_INCIDENT_EXCLUDED_CATEGORIES: 'billing' };
    expect(() => parseInput(def, techReport(1, { category: 'billing' }), directory, billing)).toThrow(/billing/);
    expect(() => parseInput(def, techReport(1, { problemKey: '!!!' }), directory, defaults)).toThrow(/problemKey/);
  });
});
