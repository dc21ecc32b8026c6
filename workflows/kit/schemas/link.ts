// Links that people will click (a session link in a desk task, an account's CRM page).
// `format: uri` accepts `javascript:alert(1)` and `data:` URLs; a Link is an absolute https URL
// (http only where LINK_SCHEMES allows it) with a host and no user name or password in it.
import { Type, type TString } from 'typebox';
import { refine } from './refine.js';
import { contractSettings } from './settings.js';

export const LINK_MAX_LENGTH = 2048;
/** Published pattern; the scheme actually allowed (https, or http too) is checked on every request. */
export const LINK_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$';

/** Why `text` is not a link people may be sent to, or undefined when it is one. */
export function linkProblem(text: string): string | undefined {
  const allowed = contractSettings().linkSchemes;
  const expected = `an absolute ${allowed.join(' or ')} URL, e.g. https://meet.example.com/session`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be ${expected}`;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!(allowed as readonly string[]).includes(scheme)) return `scheme '${scheme}:' is not allowed; must be ${expected}`;
  if (!url.hostname) return `must name a host; must be ${expected}`;
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
}

export interface LinkOptions {
  description: string;
}

/** An absolute https URL people may click (http too where LINK_SCHEMES=https,http). */
export function Link(opts: LinkOptions): TString {
  const schema = Type.String({
    format: 'uri',
    pattern: LINK_PATTERN,
    maxLength: LINK_MAX_LENGTH,
    description: `${opts.description}. An absolute https URL (http only where LINK_SCHEMES allows it), without credentials.`,
    examples: ['https://meet.example.com/leading-essentials'],
  });
  return refine(schema, linkProblem);
}
