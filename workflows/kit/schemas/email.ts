// E-mail addresses: one rule for every field that holds one (playbook inputs, the directory) and for
// the e-mail sender, so an address the API accepts is one the sender will send to (issue 17 item 18).
//
// The shape SendGrid accepts: a dot-atom local part (no spaces, quotes, brackets, `,` `;` `:`), `@`, a
// domain of dot-separated labels (letters, digits, inner hyphens) with at least two labels. Stricter
// than JSON Schema's `format: email` (RFC 5321), which takes `a@b`, `user@[127.0.0.1]` and
// `"a,b;c"@example.org`: SendGrid refuses the first two and splits the third at the `,`.
import { Type, type TString, type TStringOptions } from 'typebox';
import { refine } from './refine.js';
import { LINE_PATTERN, lineProblem } from './text.js';

/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL_SYNTAX = new RegExp(`^[^\\s@<>()[\\]\\\\,;:"]+@${LABEL}(?:\\.${LABEL})+$`);

/** Whether `address` is an address the engine sends to. */
export function isValidEmailAddress(address: unknown): address is string {
  return typeof address === 'string' && address.length <= EMAIL_MAX_LENGTH && EMAIL_SYNTAX.test(address);
}

/** Why `value` is not an address the engine can send to, or undefined when it is one. */
export function emailAddressProblem(value: string): string | undefined {
  const line = lineProblem(value);
  if (line) return line;
  if (value.length > EMAIL_MAX_LENGTH) return `must be an e-mail address of at most ${EMAIL_MAX_LENGTH} characters`;
  if (!EMAIL_SYNTAX.test(value)) {
    return 'must be an e-mail address like name@example.org (no quotes, brackets, IP literals or spaces; a domain with a dot)';
  }
  return undefined;
}

/**
 * An e-mail address field: every schema field that holds an address uses this, never `format: 'email'`
 * alone. Published as `format: email`; checked by `emailAddressProblem`.
 */
export function EmailAddress(options: TStringOptions = {}): TString {
  return refine(
    Type.String({ maxLength: EMAIL_MAX_LENGTH, ...options, format: 'email', pattern: LINE_PATTERN }),
    (value) => emailAddressProblem(value),
  );
}
