import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MissingTemplateValuesError,
  TemplateCatalog,
  UnknownTemplateError,
  escapeHtml,
  locales,
  playbookTemplateSources,
  templateNames,
  type Locale,
  type TemplateFlagName,
  type TemplateName,
} from './templates.js';
import { sessionTimeLabel } from './time-label.js';

let catalog: TemplateCatalog;
beforeAll(async () => {
  catalog = await TemplateCatalog.load();
});

const UNFILLED = /\{\{|\}\}|\[\s*(insert|inset|your name)/i;
const HOSTILE = `<script>alert("x")</script> & O'Brien "Co"`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const cases = locales.flatMap((locale) => templateNames.map((name) => ({ locale, name })));

/** Every combination of a template's flags. */
function flagCombinations(name: TemplateName): Partial<Record<TemplateFlagName, boolean>>[] {
  return catalog.flags(name).reduce<Partial<Record<TemplateFlagName, boolean>>[]>(
    (combos, flag) => combos.flatMap((c) => [{ ...c, [flag]: false }, { ...c, [flag]: true }]),
    [{}],
  );
}

describe.each(cases)('$locale/$name', ({ locale, name }) => {
  it('every combination of its flags renders with nothing left unfilled; every value appears in some', () => {
    const values = catalog.exampleValues(name, locale);
    const printed = new Set<string>();
    for (const flags of flagCombinations(name)) {
      const email = catalog.render(name, locale, values, flags);
      expect(email.subject).not.toMatch(/[\r\n]/);
      for (const part of [email.subject, email.html, email.text]) {
        expect(part, JSON.stringify(flags)).not.toMatch(UNFILLED);
        expect(part).not.toContain('undefined');
      }
      // Sections leave no double spaces or a space before a full stop or comma.
      for (const part of [email.subject, email.text]) expect(part, JSON.stringify(flags)).not.toMatch(/ {2}| [.,]/);
      expect(email.text).not.toMatch(/\n{3,}/);
      for (const [key, value] of Object.entries(values)) if (email.text.includes(value) || email.subject.includes(value)) printed.add(key);
    }
    expect([...printed].sort()).toEqual(Object.keys(values).sort());
  });

  it("renders the seed's situation (no flags) into subject, HTML and text, with nothing left unfilled", () => {
    const values = catalog.exampleValues(name, locale);
    const email = catalog.render(name, locale, values);
    const conditional = ['startDateLabel', 'partnerName'];

    expect(email.html).toMatch(/^<!doctype html>\s*<html lang="([a-z]+)"/i);
    expect(email.html).toContain(`<html lang="${locale}"`);
    expect(email.html).toMatch(/<\/body>\s*<\/html>$/);
    expect(email.subject).not.toMatch(/[\r\n]/);
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(UNFILLED);
      expect(part).not.toContain('undefined');
    }

    // Facts the body must carry itself (the session facts may sit only in the subject, as in the SOP).
    const bodyFacts = ['clientName', 'facilitatorName', 'organisationName', 'deskName', 'senderName'];
    for (const [key, value] of Object.entries(values)) {
      if (conditional.includes(key)) continue;
      expect(value, key).not.toBe('');
      expect(email.html, key).toContain(escapeHtml(value));
      expect(`${email.subject}\n${email.text}`, key).toContain(value);
      if (bodyFacts.includes(key)) expect(email.text, key).toContain(value);
    }
    expect(values).toHaveProperty('clientName');
    // Session emails carry the session's time; the account-escalation follow-up is about an account.
    if (name !== 'account-follow-up') expect(values).toHaveProperty('startTimeLabel');
  });

  it('has a readable plain-text part without markup or CSS', () => {
    const { text } = catalog.render(name, locale, catalog.exampleValues(name, locale));
    expect(text.length).toBeGreaterThan(200);
    expect(text).not.toMatch(/[<>]|font-family|@media|mso|\{|\}/i);
    expect(text).not.toMatch(/\n{3,}/);
    expect(text.split('\n\n').length).toBeGreaterThanOrEqual(4); // paragraphs stay paragraphs
  });

  it('escapes every interpolated value in the HTML but shows it literally in text and subject', () => {
    const values = { ...catalog.exampleValues(name, locale), clientName: HOSTILE, sessionTitle: HOSTILE };
    const email = catalog.render(name, locale, values);
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain(`O'Brien`);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien &quot;Co&quot;');
    expect(email.text).toContain(HOSTILE);
    expect(email.subject).toContain(HOSTILE);
  });
});

describe('the text matches the situation (issue 17 items 6, 7, 10)', () => {
  const values = () => ({ ...catalog.exampleValues('tech-issue-cancelled'), partnerName: 'Morgan Owner' });
  it("an owner who acknowledged is named and copied, never 'out of the office'", () => {
    for (const name of templateNames.filter((n) => catalog.flags(n).includes('ownerOnline'))) {
      const online = catalog.render(name, 'en', { ...catalog.exampleValues(name), partnerName: 'Morgan Owner' }, { ownerOnline: true });
      expect(online.text, name).not.toMatch(/out of the office|back online/);
      expect(online.text, name).toContain('Morgan Owner');
      const de = catalog.render(name, 'de', { ...catalog.exampleValues(name, 'de'), partnerName: 'Morgan Owner' }, { ownerOnline: true });
      expect(de.text, name).not.toMatch(/nicht im Büro|wieder erreichbar/);
    }
  });
  it('template 5: at the start (seed), part-way through, ended early; a client-side cause says so', () => {
    const text = (flags: Partial<Record<TemplateFlagName, boolean>>, locale: Locale = 'en') => catalog.render('tech-issue-cancelled', locale, values(), flags).text;
    expect(text({})).toContain('we were unable to resolve them within 15 minutes of the session start time.');
    expect(text({ midSession: true })).toContain('interrupted today\'s Virtual Workout “Leading Essentials” (which started at 11 AM CT) part-way through.');
    expect(text({ midSession: true })).toContain('we were unable to resolve them within 15 minutes.');
    expect(text({ midSession: true })).not.toContain('session start time');
    expect(text({ endedEarly: true })).toContain('could not be delivered in full: significant technical challenges ended it early.');
    expect(text({ endedEarly: true })).toContain('within the session time.');
    expect(text({ clientSide: true })).toContain("The issues were on the side of your organisation's systems");
    expect(text({ clientSide: true })).not.toContain('Despite our efforts');
    expect(text({ midSession: true }, 'de')).toContain('mittendrin unterbrochen');
    expect(text({ endedEarly: true }, 'de')).toContain('innerhalb der Veranstaltungszeit gelungen.');
    expect(text({ afterCall: true })).toContain('Thank you for your time on the phone just now');
  });
});

describe('English subjects match the SOP', () => {
  const values = {
    clientName: 'Alex Example',
    facilitatorName: 'Sam Sample',
    sessionTitle: 'Leading Essentials',
    sessionFormat: 'Virtual Workout',
    startTimeLabel: sessionTimeLabel('2026-01-13T17:00:00Z', 'America/Chicago', 'en'),
    senderName: 'Jordan Demo',
    deskName: 'Service Support Center',
    organisationName: 'Example Learning Co.',
    accountName: 'Example Health Clinics',
  };
  const base = "Today's 11 AM CT Virtual Workout: Leading Essentials";
  const expected: Record<TemplateName, string> = {
    'facilitator-no-show': `${base} - Session unable to go ahead`,
    'participant-no-show': `${base} - No participants`,
    'session-cancelled-after-call': base,
    'no-participants-cutoff': `${base} - No participants`,
    'tech-issue-cancelled': `${base} - Reschedule`,
    'account-follow-up': 'Alex Example, can we talk? Your Example Health Clinics account with Example Learning Co.',
  };
  it.each(templateNames)('%s', (name) => {
    const email = catalog.render(name, 'en', values);
    expect(email.subject).toBe(expected[name]);
    expect(email.html).toContain(`<title>${expected[name]}</title>`);
  });

  it('keeps the SOP wording in the body', () => {
    const text = (name: TemplateName) => catalog.render(name, 'en', values).text;
    expect(text('facilitator-no-show')).toContain(
      'Unfortunately, due to unforeseen circumstances, your coach (Sam Sample) is no longer able to deliver the Virtual Workout “Leading Essentials” at 11 AM CT today.',
    );
    expect(text('participant-no-show')).toContain('Could you please confirm if the participants are still expected to join?');
    expect(text('session-cancelled-after-call')).toContain('Thank you for your time on the phone just now.');
    expect(text('no-participants-cutoff')).toContain(
      "Confirming that we still haven't had any participants join the session.",
    );
    expect(text('tech-issue-cancelled')).toContain('within 15 minutes of the session start time');
  });

  it('German subject reads naturally', () => {
    const email = catalog.render('facilitator-no-show', 'de', {
      ...values,
      startTimeLabel: sessionTimeLabel('2026-01-13T10:00:00Z', 'Europe/Berlin', 'de'),
    });
    expect(email.subject).toBe('Virtual Workout: Leading Essentials heute um 11:00 Uhr MEZ – Durchführung nicht möglich');
    expect(email.text).toMatch(/^Example Learning Co\.\n\nGuten Tag Alex Example,\n\nich schreibe Ihnen/);
    expect(email.text).toMatch(/Mit freundlichen Grüßen\nJordan Demo\nExample Learning Co\. Service Support Center$/);
  });
});

describe('render input handling', () => {
  it('names every missing or blank value', () => {
    const values = { ...catalog.exampleValues('tech-issue-cancelled'), clientName: '  \n ', facilitatorName: undefined };
    const error = thrown(() => catalog.render('tech-issue-cancelled', 'en', values));
    expect(error).toBeInstanceOf(MissingTemplateValuesError);
    const missing = error as MissingTemplateValuesError;
    expect(missing.template).toBe('tech-issue-cancelled');
    expect(missing.locale).toBe('en');
    expect(missing.missing).toEqual(['clientName', 'facilitatorName']);
    expect(missing.message).toMatch(/clientName, facilitatorName/);
  });

  it('lists every value the chosen text needs when given none', () => {
    const error = thrown(() => catalog.render('session-cancelled-after-call', 'de', {}));
    expect(error).toBeInstanceOf(MissingTemplateValuesError);
    expect((error as MissingTemplateValuesError).missing).toEqual(['clientName', 'sessionTitle', 'sessionFormat', 'startTimeLabel', 'senderName', 'deskName', 'organisationName']);
    const online = thrown(() => catalog.render('session-cancelled-after-call', 'de', {}, { ownerOnline: true, otherDay: true }));
    expect((online as MissingTemplateValuesError).missing).toEqual(expect.arrayContaining(['startDateLabel', 'partnerName']));
  });

  it('rejects unknown templates and locales clearly', () => {
    expect(() => catalog.render('nope' as TemplateName, 'en', {})).toThrowError(UnknownTemplateError);
    expect(() => catalog.render('facilitator-no-show', 'fr' as Locale, {})).toThrowError(/locale "fr"/);
    expect(() => catalog.exampleValues('nope' as TemplateName)).toThrowError(/Unknown email template "nope"/);
  });

  it('keeps the subject on one line and does not re-expand placeholders inside values', () => {
    const values: Record<string, string> = {
      ...catalog.exampleValues('facilitator-no-show'),
      sessionTitle: 'Leading\r\n  Essentials\n',
      clientName: '{{facilitatorName}}',
    };
    const email = catalog.render('facilitator-no-show', 'en', values);
    expect(email.subject).toBe("Today's 11 AM CT Virtual Workout: Leading Essentials - Session unable to go ahead");
    expect(email.text).toContain('Hi {{facilitatorName}},');
    expect(email.text).not.toContain(`Hi ${values.facilitatorName},`);
  });

  it('ignores values the template does not use', () => {
    const values = { ...catalog.exampleValues('facilitator-no-show'), ticketId: 'T-1' };
    expect(catalog.render('session-cancelled-after-call', 'en', values).text).not.toContain('T-1');
  });
});

describe('list and exampleValues', () => {
  it('describes every template with its required values', () => {
    const list = catalog.list();
    expect(list.map((t) => t.name)).toEqual([...templateNames]);
    for (const info of list) {
      expect(info.description.length).toBeGreaterThan(20);
      expect(info.locales).toEqual([...locales]);
      expect(Object.keys(catalog.exampleValues(info.name)).sort()).toEqual([...info.requiredValues].sort());
    }
    const after = list.find((t) => t.name === 'session-cancelled-after-call');
    expect(after?.requiredValues).not.toContain('facilitatorName');
    expect(list.find((t) => t.name === 'facilitator-no-show')?.requiredValues).toContain('facilitatorName');
  });

  it('uses fictitious people', () => {
    expect(catalog.exampleValues('facilitator-no-show')).toMatchObject({
      clientName: 'Alex Example',
      startTimeLabel: '11 AM CT',
    });
    expect(catalog.exampleValues('facilitator-no-show', 'de').startTimeLabel).toBe('11:00 Uhr MEZ');
  });
});

describe('load fails loudly on broken templates', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  // A copy of the real templates with one file changed (or added).
  async function brokenCopy(file: string, edit: (source: string) => string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'email-templates-'));
    dirs.push(dir);
    // Every playbook's templates in one folder (the catalog also loads from one).
    for (const source of playbookTemplateSources) await cp(source.dir, dir, { recursive: true });
    const target = join(dir, file);
    const current = await readFile(target, 'utf8').catch(() => readFile(join(dir, 'en/facilitator-no-show.mjml'), 'utf8'));
    await writeFile(target, edit(current));
    return dir;
  }

  it.each([
    ['invalid MJML', 'en/facilitator-no-show.mjml', (s: string) => s.replace('<mj-text>Hi', '<mj-text foo="bar">Hi'), /invalid MJML.*Attribute foo is illegal/s],
    ['unknown placeholder', 'de/tech-issue-cancelled.mjml', (s: string) => s.replace('{{clientName}}', '{{clientname}}'), /unknown placeholder \{\{clientname\}\}/],
    ['SOP-style bracket left in', 'en/participant-no-show.mjml', (s: string) => s.replace('{{clientName}}', '[insert Client Name]'), /malformed placeholder/],
    ['broken braces', 'en/participant-no-show.mjml', (s: string) => s.replace('{{clientName}}', '{{client Name}'), /malformed placeholder/],
    ['a name with a space', 'en/participant-no-show.mjml', (s: string) => s.replace('{{clientName}}', '{{client Name}}'), /unknown placeholder \{\{client Name\}\}/],
    ['an unescaped value', 'en/participant-no-show.mjml', (s: string) => s.replace('{{clientName}}', '{{{clientName}}}'), /malformed placeholder/],
    ['an unknown section flag', 'en/facilitator-no-show.mjml', (s: string) => s.replaceAll('ownerOnline', 'ownerIsOnline'), /unknown section \{\{[#^]ownerIsOnline\}\}/],
    ['an unclosed section', 'en/facilitator-no-show.mjml', (s: string) => s.replace('{{/afterCall}}', ''), /malformed placeholder: Unclosed section/],
    ['translation drops a flag', 'de/session-cancelled-after-call.mjml', (s: string) => s.replace(/\{\{#ownerOnline\}\}.*?\{\{\/ownerOnline\}\}/s, ''), /different values per locale/],
    ['missing subject', 'en/no-participants-cutoff.mjml', (s: string) => s.replace(/<mj-title>.*<\/mj-title>/, ''), /mj-title/],
    ['stray template file', 'en/facilitator-noshow.mjml', (s: string) => s, /unknown template files.*en\/facilitator-noshow\.mjml/],
    ['translation drops a value', 'de/facilitator-no-show.mjml', (s: string) => s.replace('Ihr Coach ({{facilitatorName}})', 'Ihr Coach'), /different values per locale/],
  ])('%s', async (_label, file, edit, error) => {
    const dir = await brokenCopy(file, edit);
    await expect(TemplateCatalog.load(dir)).rejects.toThrowError(error);
  });
});
