// Text fields: what characters a value may carry, decided once for every playbook.
//
// A value reaches places where a control character means something: an e-mail header (a CR LF in
// a subject or a display name starts a new header, `Bcc: ...`), a Slack single-line field, a
// search attribute, a log line. So a single-line field (names, titles, references, subjects) is a
// line of printable text: no C0 control (TAB included), no DEL, no C1, no Unicode line or paragraph
// separator. A multi-line field (descriptions, notes, what happened) may carry line feeds and TABs;
// CR LF and a lone CR are read as LF (`normaliseNewlines`, applied by the API before validation);
// never NUL or another control.
import { Type, type TString, type TStringOptions } from 'typebox';
import { refine } from './refine.js';

/** Published on single-line fields; the refinement below says the same in words. */
export const LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$';
/** Published on multi-line fields: LF and TAB allowed, no other control. */
export const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$';

const LINE_RE = new RegExp(LINE_PATTERN);
const TEXT_RE = new RegExp(TEXT_PATTERN);

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
const NAMES: Record<string, string> = { '\r': 'CR', '\n': 'LF', '\t': 'TAB', '\u0000': 'NUL', '\u007f': 'DEL' };
const named = (c: string) => NAMES[c] ?? codePoint(c);

/** Why `value` is not a single line of printable text, or undefined when it is one. */
export function lineProblem(value: string): string | undefined {
  if (LINE_RE.test(value)) return undefined;
  const bad = [...value].find((c) => !LINE_RE.test(c))!;
  return `must be a single line without control characters (found ${named(bad)})`;
}

/** Why `value` is not acceptable free text (line feeds and tabs allowed), or undefined when it is. */
export function textProblem(value: string): string | undefined {
  if (TEXT_RE.test(value)) return undefined;
  const bad = [...value].find((c) => !TEXT_RE.test(c))!;
  return `must not contain control characters other than line feeds and tabs (found ${named(bad)})`;
}

/**
 * A single line of printable text: names, titles, references, subjects, anything that can reach an
 * e-mail header, a Slack single-line field or a search attribute. Takes the usual string options.
 */
export function Line(options: TStringOptions = {}): TString {
  return refine(Type.String({ ...options, pattern: options.pattern ?? LINE_PATTERN }), (value) => lineProblem(value));
}

/** Multi-line free text (descriptions, notes, what happened): line feeds and tabs, no other control. */
export function Text(options: TStringOptions = {}): TString {
  return refine(Type.String({ ...options, pattern: options.pattern ?? TEXT_PATTERN }), (value) => textProblem(value));
}

/**
 * Every string in a request body with CR LF and lone CR read as LF, so multi-line text is stored one
 * way whatever the sender's platform (a single-line field still refuses the LF). A new value; the
 * argument is not changed. Depth is bounded by the JSON body parser.
 */
export function normaliseNewlines<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value) as T;
  if (Array.isArray(value)) return value.map(normaliseNewlines) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseNewlines(v)])) as T;
  }
  return value;
}
