// Client email templates: MJML compiled once at load, then rendered per send by filling
// placeholders into precompiled HTML, subject and plain text. mjml2html costs milliseconds per
// call; a fill costs microseconds, and a bad template fails at worker start, not mid-escalation.
//
// Convention: each playbook keeps its templates beside it, workflows/<playbook>/templates/<locale>/
// <template-name>.mjml, one complete MJML document each, and lists them (name -> when it is sent) in
// its contract; <mj-title> holds the subject; placeholders are {{valueName}} with names from
// templateValueNames. Text that depends on the situation sits in Mustache sections on a flag from
// templateFlagNames: {{#ownerAway}}...{{/ownerAway}} when the flag is set, {{^ownerAway}}...{{/ownerAway}}
// when it is not (so the email says what is true: an owner who acknowledged is not "out of the
// office"). Mustache (mustache.js) parses; the fill below escapes and checks the values.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import Mustache from 'mustache';
import { playbooks } from '../../src/playbooks.js';
import { locales, type Locale } from './locales.js';
import { sessionDateLabel, sessionTimeLabel } from './time-label.js';

export { locales, type Locale };

/** A folder in the `<locale>/<name>.mjml` layout and the templates it holds (name -> when it is sent). */
export interface TemplateSource {
  dir: string;
  templates: Readonly<Record<string, string>>;
}

/** Every playbook's templates folder (`workflows/<name>/templates/`), from the registry. */
export const playbookTemplateSources: readonly TemplateSource[] = Object.values(playbooks)
  .map((p) => ({ dir: fileURLToPath(new URL(`../../workflows/${p.name}/templates/`, import.meta.url)), templates: p.templates }))
  // A playbook that sends no emails needs no templates folder (one that has a folder is checked for stray files).
  .filter((s) => Object.keys(s.templates).length > 0 || existsSync(s.dir));

const descriptions: Readonly<Record<string, string>> = Object.assign({}, ...playbookTemplateSources.map((s) => s.templates));

/** Every template the playbooks send. */
export const templateNames: readonly string[] = Object.keys(descriptions);
/** A template name (checked when the catalog loads and on every render: an unknown one is an UnknownTemplateError). */
export type TemplateName = string;

// Closed set so a typo such as {{clientname}} fails at load instead of demanding a value nobody sends.
export const templateValueNames = [
  'clientName',
  'facilitatorName',
  'sessionTitle',
  'sessionFormat',
  'startTimeLabel',
  'senderName',
  'deskName',
  'organisationName',
  'accountName',
  /** The session's local date ("Saturday, November 14"), for emails sent on another day. */
  'startDateLabel',
  /** The client's delivery partner (the booking owner), when they are online. */
  'partnerName',
  // client-call
  'issueSummary',
  'cause',
  'plan',
  'etaLabel',
  'roadblock',
  'resolution',
  'measures',
] as const;
export type TemplateValueName = (typeof templateValueNames)[number];

/**
 * What sections may depend on (closed set, like the values). Unset flags are false, and false is the
 * seed's own situation, so a template rendered without flags reads as the SOP wrote it.
 */
export const templateFlagNames = [
  /** The booking owner acknowledged and is online: not "currently out of the office" (needs partnerName). */
  'ownerOnline',
  /** The email follows a phone call with the client (its written record), not a client we could not reach. */
  'afterCall',
  /** The session is not on the day the email is sent, in the client's zone: its date, not "today" (needs startDateLabel). */
  'otherDay',
  /** Tech issue part-way through (reported mid-session), or a session that ended early; neither: at the start. */
  'midSession',
  'endedEarly',
  /** Tech issue caused on the client's side. */
  'clientSide',
  /**
   * Set by the email activity when no person the directory knows signs (`signedBy` empty or
   * unknown): the team's signature, where a template has one, instead of `senderName` (issue 17 item 9).
   */
  'teamSigns',
] as const;
export type TemplateFlagName = (typeof templateFlagNames)[number];

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateInfo {
  name: TemplateName;
  description: string;
  locales: Locale[];
  /** Every value the template may print (those inside a section only when its flag says so). */
  requiredValues: TemplateValueName[];
  /** The flags its sections depend on. */
  flags: TemplateFlagName[];
}

// Shared with bench/email-render.ts so the per-send comparison compiles exactly like load does.
export const mjmlOptions = { validationLevel: 'strict', keepComments: false } as const;

export class MissingTemplateValuesError extends Error {
  override name = 'MissingTemplateValuesError';
  constructor(
    readonly template: TemplateName,
    readonly locale: Locale,
    readonly missing: string[],
  ) {
    super(`Email template "${template}" (${locale}) is missing values: ${missing.join(', ')}`);
  }
}

// A RangeError: the name or locale is outside the known set, and callers treat that as permanent.
export class UnknownTemplateError extends RangeError {
  override name = 'UnknownTemplateError';
  constructor(
    readonly template: string,
    readonly locale: string,
  ) {
    super(
      `Unknown email template "${template}" or locale "${locale}"; templates: ${templateNames.join(', ')}; locales: ${locales.join(', ')}`,
    );
  }
}

export const isTemplateName = (s: string): s is TemplateName => (templateNames as readonly string[]).includes(s);
export const isLocale = (s: string): s is Locale => (locales as readonly string[]).includes(s);
const isValueName = (s: string): s is TemplateValueName => (templateValueNames as readonly string[]).includes(s);
const isFlagName = (s: string): s is TemplateFlagName => (templateFlagNames as readonly string[]).includes(s);

/** Plain-text part: paragraphs (MJML renders mj-text as divs) separated by one blank line. */
export function htmlToPlainText(html: string): string {
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'div', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      // Uppercasing would also turn {{clientName}} into {{CLIENTNAME}} in the precompiled text.
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for both text and attribute positions (quotes included). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// A template parsed into text, values and flag sections (Mustache's token tree, checked).
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: TemplateValueName }
  | { kind: 'section'; flag: TemplateFlagName; when: boolean; children: Node[] };

interface CompiledTemplate {
  subject: Node[];
  html: Node[];
  text: Node[];
  /** Every value the template may print (some only under a flag). */
  values: TemplateValueName[];
  flags: TemplateFlagName[];
}

// Leftovers that mean a placeholder was mistyped or copied from the SOP's bracketed style.
const MALFORMED = /\{\{|\}\}|\[\s*(insert|inset|your name)/i;

type MustacheToken = [string, string, number, number, MustacheToken[]?, number?];

function toNodes(tokens: MustacheToken[], where: string): Node[] {
  return tokens.map((t): Node => {
    const [type, value] = t;
    if (type === 'text') {
      if (MALFORMED.test(value)) throw new Error(`${where}: malformed placeholder near ${JSON.stringify(MALFORMED.exec(value)?.[0])}`);
      return { kind: 'text', text: value };
    }
    if (type === 'name') {
      if (!isValueName(value)) throw new Error(`${where}: unknown placeholder {{${value}}}; known: ${templateValueNames.join(', ')}`);
      return { kind: 'value', name: value };
    }
    if (type === '#' || type === '^') {
      if (!isFlagName(value)) throw new Error(`${where}: unknown section {{${type}${value}}}; flags: ${templateFlagNames.join(', ')}`);
      return { kind: 'section', flag: value, when: type === '#', children: toNodes(t[4] ?? [], where) };
    }
    // Unescaped values ({{{x}}}, {{&x}}), partials, comments, delimiter changes: never in a client email.
    throw new Error(`${where}: malformed placeholder near ${JSON.stringify(`{{${type}${value}}}`)}`);
  });
}

function parse(source: string, where: string): Node[] {
  let tokens: MustacheToken[];
  try {
    tokens = Mustache.parse(source) as MustacheToken[];
  } catch (err) {
    throw new Error(`${where}: malformed placeholder: ${(err as Error).message}`, { cause: err });
  }
  return toNodes(tokens, where);
}

function collect(nodes: Node[], values: Set<TemplateValueName>, flags: Set<TemplateFlagName>): void {
  for (const n of nodes) {
    if (n.kind === 'value') values.add(n.name);
    if (n.kind === 'section') {
      flags.add(n.flag);
      collect(n.children, values, flags);
    }
  }
}

/** Fills the nodes; a value the chosen branches print but `values` lacks goes to `missing`. */
function fill(
  nodes: Node[],
  values: ReadonlyMap<string, string>,
  flags: Readonly<Partial<Record<string, boolean>>>,
  encode: (v: string) => string,
  missing: Set<string>,
): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'value') {
      const v = values.get(n.name);
      if (v === undefined) missing.add(n.name);
      else out += encode(v);
    } else if (Boolean(flags[n.flag]) === n.when) out += fill(n.children, values, flags, encode, missing);
  }
  return out;
}

type MjmlResult = Awaited<ReturnType<typeof mjml2html>>;

function findTitle(node: MjmlResult['json']): string | undefined {
  if (node.tagName === 'mj-title' && 'content' in node) return node.content;
  if (!('children' in node)) return undefined;
  for (const child of node.children) {
    const found = findTitle(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function compileFile(file: string): Promise<CompiledTemplate> {
  const source = await readFile(file, 'utf8');
  let result: MjmlResult;
  try {
    result = await mjml2html(source, { ...mjmlOptions, filePath: file });
  } catch (err) {
    // Strict validation throws a ValidationError whose message lists every problem.
    throw new Error(`${file}: invalid MJML: ${(err as Error).message}`, { cause: err });
  }
  if (result.errors.length > 0) {
    throw new Error(`${file}: invalid MJML:\n${result.errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const title = findTitle(result.json);
  if (!title?.trim()) throw new Error(`${file}: missing <mj-title>, which holds the email subject`);
  // The title is markup (entities such as &amp;); the subject is plain text on one line.
  const subject = convert(title, { wordwrap: false }).replace(/\s+/g, ' ').trim();

  const compiled = {
    subject: parse(subject, `${file} (subject)`),
    html: parse(result.html.trim(), file),
    text: parse(htmlToPlainText(result.html), `${file} (text)`),
  };
  const values = new Set<TemplateValueName>();
  const flags = new Set<TemplateFlagName>();
  collect(compiled.subject, values, flags);
  collect(compiled.html, values, flags);
  return { ...compiled, values: templateValueNames.filter((n) => values.has(n)), flags: templateFlagNames.filter((f) => flags.has(f)) };
}

// Collapsing whitespace (and dropping other control characters) keeps the subject on one line, so no
// value can add a header, and stops a value from adding lines to the text part.
function normalise(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim() : '';
}

const examples: Record<Locale, Record<TemplateValueName, string>> = {
  en: {
    clientName: 'Alex Example',
    facilitatorName: 'Sam Sample',
    sessionTitle: 'Leading Essentials',
    sessionFormat: 'Virtual Workout',
    startTimeLabel: sessionTimeLabel('2026-01-13T17:00:00Z', 'America/Chicago', 'en'),
    senderName: 'Jordan Demo',
    deskName: 'Service Support Center',
    organisationName: 'Example Learning Co.',
    accountName: 'Example Health Clinics',
    issueSummary: 'Learners cannot sign in to the course portal',
    cause: 'A certificate on the sign-in service expired overnight.',
    plan: 'We are renewing the certificate and adding an alert for its expiry.',
    etaLabel: 'Mon 23 Nov, 17:00 CET',
    roadblock: 'The certificate authority needs a second approval before it issues the new certificate.',
    resolution: 'The certificate was renewed at 16:40; sign-in works again for every learner.',
    measures: 'Certificates are now renewed automatically 30 days before they expire, and an alert fires 14 days before.',
    startDateLabel: sessionDateLabel('2026-01-13T17:00:00Z', 'America/Chicago', 'en'),
    partnerName: 'Morgan Example',
  },
  de: {
    clientName: 'Alex Beispiel',
    facilitatorName: 'Sam Muster',
    sessionTitle: 'Führung kompakt',
    sessionFormat: 'Virtual Workout',
    startTimeLabel: sessionTimeLabel('2026-01-13T10:00:00Z', 'Europe/Berlin', 'de'),
    senderName: 'Jordan Demo',
    deskName: 'Service Support Center',
    organisationName: 'Example Learning Co.',
    accountName: 'Beispiel Kliniken',
    issueSummary: 'Teilnehmende können sich nicht im Kursportal anmelden',
    cause: 'Ein Zertifikat des Anmeldedienstes ist über Nacht abgelaufen.',
    plan: 'Wir erneuern das Zertifikat und richten eine Warnung vor seinem Ablauf ein.',
    etaLabel: 'Mo., 23. Nov., 17:00 MEZ',
    roadblock: 'Die Zertifizierungsstelle braucht eine zweite Freigabe, bevor sie das neue Zertifikat ausstellt.',
    resolution: 'Das Zertifikat wurde um 16:40 Uhr erneuert; die Anmeldung funktioniert wieder für alle.',
    measures: 'Zertifikate werden jetzt 30 Tage vor Ablauf automatisch erneuert, und 14 Tage vorher gibt es eine Warnung.',
    startDateLabel: sessionDateLabel('2026-01-13T10:00:00Z', 'Europe/Berlin', 'de'),
    partnerName: 'Morgan Beispiel',
  },
};

export class TemplateCatalog {
  private constructor(
    private readonly compiled: ReadonlyMap<string, CompiledTemplate>,
    private readonly files: ReadonlyMap<string, string>,
  ) {}

  /**
   * Compiles every template in every locale; throws on any missing, unknown or invalid file.
   * `source`: the playbooks' template folders (default), or one folder holding every template.
   */
  static async load(source: string | readonly TemplateSource[] = playbookTemplateSources): Promise<TemplateCatalog> {
    const sources = typeof source === 'string' ? [{ dir: source, templates: descriptions }] : source;
    // A playbook that sends no email (e.g. tech-incident: Slack only) needs no templates folder.
    for (const { dir, templates } of sources) if (Object.keys(templates).length > 0 || existsSync(dir)) await checkNoStrayFiles(dir, Object.keys(templates));
    const files = new Map(
      sources.flatMap(({ dir, templates }) =>
        locales.flatMap((locale) => Object.keys(templates).map((name) => [`${locale}/${name}`, join(dir, locale, `${name}.mjml`)] as const)),
      ),
    );
    const compiled = new Map(await Promise.all([...files].map(async ([key, file]) => [key, await compileFile(file)] as const)));
    // A translation that drops or adds a value or a flag is a content bug: every locale must ask for the same.
    for (const name of templateNames) {
      const perLocale = locales.map((l) => {
        const t = compiled.get(`${l}/${name}`);
        return t ? [...t.values, ...t.flags.map((f) => `#${f}`)].join(', ') : '';
      });
      if (new Set(perLocale).size > 1) {
        const detail = locales.map((l, i) => `${l}: ${perLocale[i]}`).join('; ');
        throw new Error(`Template "${name}" uses different values per locale (${detail})`);
      }
    }
    return new TemplateCatalog(compiled, files);
  }

  /** The MJML file a template was compiled from. */
  file(name: TemplateName, locale: Locale): string {
    this.get(name, locale);
    return this.files.get(`${locale}/${name}`)!;
  }

  /**
   * Synchronous and cheap: fills the precompiled parts. Values are HTML-escaped in the HTML only;
   * `flags` choose the sections (unset: false). Every value the chosen text prints must be given
   * (MissingTemplateValuesError names them all).
   */
  render(
    name: TemplateName,
    locale: Locale,
    values: Readonly<Record<string, string | undefined>>,
    flags: Readonly<Partial<Record<TemplateFlagName, boolean>>> = {},
  ): RenderedEmail {
    const t = this.get(name, locale);
    const filled = new Map<string, string>();
    for (const key of t.values) {
      const v = Object.hasOwn(values, key) ? normalise(values[key]) : '';
      if (v !== '') filled.set(key, v);
    }
    const missing = new Set<string>();
    const raw = (v: string) => v;
    const email = {
      subject: fill(t.subject, filled, flags, raw, missing).replace(/\s+/g, ' ').trim(),
      html: fill(t.html, filled, flags, escapeHtml, missing),
      text: fill(t.text, filled, flags, raw, missing).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim(),
    };
    if (missing.size > 0) throw new MissingTemplateValuesError(name, locale, t.values.filter((v) => missing.has(v)));
    return email;
  }

  list(): TemplateInfo[] {
    return templateNames.map((name) => {
      const t = this.get(name, 'en');
      return { name, description: descriptions[name] ?? '', locales: [...locales], requiredValues: [...t.values], flags: [...t.flags] };
    });
  }

  /** Realistic, fictitious values for previews and tests (every one the template may print). */
  exampleValues(name: TemplateName, locale: Locale = 'en'): Record<string, string> {
    const { values } = this.get(name, locale);
    return Object.fromEntries(values.map((key) => [key, examples[locale][key]]));
  }

  /** The flags a template's sections depend on. */
  flags(name: TemplateName): TemplateFlagName[] {
    return [...this.get(name, 'en').flags];
  }

  private get(name: string, locale: string): CompiledTemplate {
    const t = isTemplateName(name) && isLocale(locale) ? this.compiled.get(`${locale}/${name}`) : undefined;
    if (!t) throw new UnknownTemplateError(name, locale);
    return t;
  }
}

// An unlisted .mjml file or locale folder is almost certainly a typo'd name that would never be sent.
async function checkNoStrayFiles(dir: string, names: readonly string[]): Promise<void> {
  const stray: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !isLocale(entry.name)) stray.push(`${entry.name}/`);
  }
  for (const locale of locales) {
    for (const file of await readdir(join(dir, locale))) {
      if (file.endsWith('.mjml') && !names.includes(file.slice(0, -'.mjml'.length))) stray.push(`${locale}/${file}`);
    }
  }
  if (stray.length > 0) {
    throw new Error(`${dir}: unknown template files or locales (${stray.join(', ')}); known: ${names.join(', ')}`);
  }
}
