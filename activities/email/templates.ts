// Client email templates: MJML compiled once at load, then rendered per send by filling
// placeholders into precompiled HTML, subject and plain text. mjml2html costs milliseconds per
// call; a fill costs microseconds, and a bad template fails at worker start, not mid-escalation.
//
// Convention: each playbook keeps its templates beside it, workflows/<playbook>/templates/<locale>/
// <template-name>.mjml, one complete MJML document each, and lists them (name -> when it is sent) in
// its contract; <mj-title> holds the subject; placeholders are {{valueName}} with names from
// templateValueNames.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import { playbooks } from '../../src/playbooks.js';
import { locales, type Locale } from './locales.js';
import { sessionTimeLabel } from './time-label.js';

export { locales, type Locale };

/** A folder in the `<locale>/<name>.mjml` layout and the templates it holds (name -> when it is sent). */
export interface TemplateSource {
  dir: string;
  templates: Readonly<Record<string, string>>;
}

/** Every playbook's templates folder (`workflows/<name>/templates/`), from the registry. */
export const playbookTemplateSources: readonly TemplateSource[] = Object.values(playbooks).map((p) => ({
  dir: fileURLToPath(new URL(`../../workflows/${p.name}/templates/`, import.meta.url)),
  templates: p.templates,
}));

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
] as const;
export type TemplateValueName = (typeof templateValueNames)[number];

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateInfo {
  name: TemplateName;
  description: string;
  locales: Locale[];
  requiredValues: TemplateValueName[];
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

// A template split at its placeholders: literals.length === names.length + 1.
interface Skeleton {
  literals: string[];
  names: TemplateValueName[];
}

interface CompiledTemplate {
  subject: Skeleton;
  html: Skeleton;
  text: Skeleton;
  required: TemplateValueName[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
// Leftovers that mean a placeholder was mistyped or copied from the SOP's bracketed style.
const MALFORMED = /\{\{|\}\}|\[\s*(insert|inset|your name)/i;

function toSkeleton(source: string, where: string): Skeleton {
  const literals: string[] = [];
  const names: TemplateValueName[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!isValueName(name)) {
      throw new Error(`${where}: unknown placeholder {{${name}}}; known: ${templateValueNames.join(', ')}`);
    }
    literals.push(source.slice(last, m.index));
    names.push(name);
    last = m.index + m[0].length;
  }
  literals.push(source.slice(last));
  const bad = literals.find((l) => MALFORMED.test(l));
  if (bad !== undefined) {
    throw new Error(`${where}: malformed placeholder near ${JSON.stringify(MALFORMED.exec(bad)?.[0])}`);
  }
  return { literals, names };
}

function fill(s: Skeleton, values: ReadonlyMap<string, string>, encode: (v: string) => string): string {
  let out = s.literals[0] ?? '';
  for (let i = 0; i < s.names.length; i++) {
    out += encode(values.get(s.names[i]!) ?? '') + (s.literals[i + 1] ?? '');
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
    subject: toSkeleton(subject, `${file} (subject)`),
    html: toSkeleton(result.html.trim(), file),
    text: toSkeleton(htmlToPlainText(result.html), `${file} (text)`),
  };
  const required = new Set([...compiled.subject.names, ...compiled.html.names]);
  return { ...compiled, required: templateValueNames.filter((n) => required.has(n)) };
}

// Collapsing whitespace keeps the subject on one line and stops a value from adding lines to the text part.
function normalise(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
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
    for (const { dir, templates } of sources) await checkNoStrayFiles(dir, Object.keys(templates));
    const files = new Map(
      sources.flatMap(({ dir, templates }) =>
        locales.flatMap((locale) => Object.keys(templates).map((name) => [`${locale}/${name}`, join(dir, locale, `${name}.mjml`)] as const)),
      ),
    );
    const compiled = new Map(await Promise.all([...files].map(async ([key, file]) => [key, await compileFile(file)] as const)));
    // A translation that drops or adds a value is a content bug: every locale must ask for the same.
    for (const name of templateNames) {
      const perLocale = locales.map((l) => compiled.get(`${l}/${name}`)?.required.join(', ') ?? '');
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

  /** Synchronous and cheap: fills the precompiled parts. Values are HTML-escaped in the HTML only. */
  render(name: TemplateName, locale: Locale, values: Readonly<Record<string, string | undefined>>): RenderedEmail {
    const t = this.get(name, locale);
    const filled = new Map<string, string>();
    const missing: string[] = [];
    for (const key of t.required) {
      const v = Object.hasOwn(values, key) ? normalise(values[key]) : '';
      if (v === '') missing.push(key);
      else filled.set(key, v);
    }
    if (missing.length > 0) throw new MissingTemplateValuesError(name, locale, missing);
    const raw = (v: string) => v;
    return {
      subject: fill(t.subject, filled, raw),
      html: fill(t.html, filled, escapeHtml),
      text: fill(t.text, filled, raw),
    };
  }

  list(): TemplateInfo[] {
    return templateNames.map((name) => ({
      name,
      description: descriptions[name] ?? '',
      locales: [...locales],
      requiredValues: [...this.get(name, 'en').required],
    }));
  }

  /** Realistic, fictitious values for previews and tests (only the ones the template uses). */
  exampleValues(name: TemplateName, locale: Locale = 'en'): Record<string, string> {
    const { required } = this.get(name, locale);
    return Object.fromEntries(required.map((key) => [key, examples[locale][key]]));
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
