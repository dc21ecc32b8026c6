// SendGrid v3 mail/send request validation: the rules and messages of the real API (Twilio's
// OpenAPI spec twilio/sendgrid-oai and its "Mail Send errors" page). Like SendGrid, every problem
// found is reported, not just the first.

export interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

/** SendGrid's answer to a body it cannot decode (bad JSON, a field of the wrong JSON type). */
export const BAD_REQUEST: SendGridError = { message: 'Bad Request', field: null, help: null };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// Permissive on the local part, strict on the shape of the domain: what SendGrid rejects in practice.
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidAddress(email: unknown): email is string {
  return typeof email === 'string' && email.length <= 254 && ADDRESS.test(email);
}

// RFC 5322 quoted-string: "..." with inner quotes and backslashes escaped.
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;

/**
 * What SendGrid accepts (202) and then drops, or turns into extra headers: the stand-in refuses it
 * (400) so a test sees the failure that production would hide (issue 17 item 18). A display name
 * with `,` or `;` outside a quoted string is read as a list of addresses and the email is dropped
 * (sendgrid-python #578, sendgrid-php #511); a CR or LF in a name or subject is a header injection.
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The name must not contain control characters such as CR or LF (header injection).';
  if (/[,;]/.test(name) && !QUOTED.test(name)) {
    return `The name ${JSON.stringify(name)} contains ',' or ';' outside double quotes: SendGrid accepts this request and then drops the email. Send it as a quoted string.`;
  }
  return undefined;
}

/** Returns the problems with a parsed mail/send body; empty means SendGrid would accept it. */
export function validateMailSend(body: unknown): SendGridError[] {
  if (!isObj(body)) return [BAD_REQUEST];
  if (hasWrongTypes(body)) return [BAD_REQUEST];
  const errors: SendGridError[] = [];
  const add = (message: string, field: string | null, anchor: string | null) =>
    errors.push({ message, field, help: anchor === null ? null : `${HELP}#${anchor}` });

  // from
  const from = body.from;
  if (!isObj(from) || from.email === undefined || from.email === '') {
    add(
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      'from.email',
      'message.from',
    );
  } else if (!isValidAddress(from.email)) {
    add('The from email does not contain a valid address.', 'from.email', 'message.from');
  }
  if (isObj(from)) {
    const problem = nameProblem(from.name);
    if (problem) add(problem, 'from.name', 'message.from');
  }

  // personalizations
  const personalizations = body.personalizations;
  const templateId = typeof body.template_id === 'string' && body.template_id !== '' ? body.template_id : undefined;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    add('The personalizations field is required and must have at least one personalization.', 'personalizations', '-Personalizations-Errors');
  } else if (personalizations.length > 1000) {
    add(
      `The personalization block is limited to 1000 personalizations per API request. You have provided ${personalizations.length} personalizations. Please consider splitting this into multiple requests and resending your request.`,
      'personalizations',
      '-Personalizations-Errors',
    );
  } else {
    let recipients = 0;
    personalizations.forEach((p: Obj, i) => {
      const at = `personalizations.${i}`;
      const to = Array.isArray(p.to) ? (p.to as Obj[]) : [];
      if (to.length === 0) {
        add(
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          `${at}.to`,
          'message.personalizations.to',
        );
      }
      const seen = new Map<string, string>();
      let duplicate: { email: string; list: string } | undefined;
      for (const list of ['to', 'cc', 'bcc'] as const) {
        const addresses = Array.isArray(p[list]) ? (p[list] as Obj[]) : [];
        recipients += addresses.length;
        addresses.forEach((a, j) => {
          const problem = nameProblem(a.name);
          if (problem) add(problem, `${at}.${list}.${j}.name`, `message.personalizations.${list}`);
          if (!isValidAddress(a.email)) {
            add('Does not contain a valid address.', `${at}.${list}.${j}.email`, `message.personalizations.${list}`);
            return;
          }
          const key = a.email.toLowerCase();
          if (seen.has(key)) duplicate ??= { email: a.email, list };
          seen.set(key, list);
        });
      }
      if (duplicate) {
        add(
          `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${duplicate.email}] in the ${at}.${duplicate.list} field.`,
          at,
          'message.recipient-errors',
        );
      }
      if (isObj(p.from) && !isValidAddress(p.from.email)) {
        add('The from email does not contain a valid address.', `${at}.from.email`, 'message.from');
      }
      if (p.subject === '') {
        add('The subject of your email must be a string at least one character in length.', `${at}.subject`, 'message.personalizations.subject');
      }
      if (p.custom_args !== undefined && !allStrings(p.custom_args)) {
        add('All values of custom arguments object must be strings', `${at}.custom_args`, 'message.personalizations.custom_args');
      }
    });
    if (recipients > 1000) add('There is a limit of 1000 total recipients (to + cc + bcc) per request.', 'personalizations', '-Personalizations-Errors');
  }

  // subject: top level, or in every personalization, or from a template
  const everyHasSubject =
    Array.isArray(personalizations) &&
    personalizations.length > 0 &&
    personalizations.every((p: Obj) => typeof p.subject === 'string' && p.subject !== '');
  if (typeof body.subject === 'string' && /[\r\n\u0000-\u0008\u000b-\u001f]/.test(body.subject)) {
    add('The subject must not contain CR, LF or other control characters (header injection).', 'subject', 'message.subject');
  }
  if (body.subject === '') {
    add('The subject of your email must be a string at least one character in length.', 'subject', 'message.subject');
  } else if (body.subject === undefined && !everyHasSubject && !templateId) {
    add(
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'subject',
      'message.subject',
    );
  }

  // content
  const content = Array.isArray(body.content) ? (body.content as Obj[]) : undefined;
  if ((!content || content.length === 0) && !templateId) {
    add(
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      'content',
      'message.content',
    );
  }
  if (content) {
    content.forEach((c, k) => {
      if (typeof c.type !== 'string' || c.type === '') {
        add('A content type is required, this tells email clients how to display the email.', `content.${k}.type`, 'message.content.type');
      } else if (/[;\r\n]/.test(c.type)) {
        add("Cannot contain ';', or CRLF characters.", `content.${k}.type`, 'message.content.type');
      }
      if (typeof c.value !== 'string' || c.value === '') {
        add('The content value must be a string at least one character in length.', `content.${k}.value`, 'message.content.value');
      }
    });
    const types = content.map((c) => (typeof c.type === 'string' ? c.type.toLowerCase() : ''));
    const plain = types.indexOf('text/plain');
    const html = types.indexOf('text/html');
    if (types.filter((t) => t === 'text/plain').length > 1 || types.filter((t) => t === 'text/html').length > 1) {
      add('If present, text/plain and text/html may only be provided once.', 'content', 'message.content');
    } else if ((plain !== -1 && plain !== 0) || (html !== -1 && html !== (plain === -1 ? 0 : 1))) {
      add(
        'Following RFC 1341, section 7.2, if either text/html or text/plain are to be sent in your email: text/plain needs to be first, followed by text/html, followed by any other content.',
        'content',
        'message.content.value',
      );
    }
  }

  // reply_to, custom_args, categories, attachments
  if (isObj(body.reply_to) && !isValidAddress(body.reply_to.email)) {
    add('The reply_to email does not contain a valid address.', 'reply_to.email', 'message.reply_to');
  }
  if (isObj(body.reply_to)) {
    const problem = nameProblem(body.reply_to.name);
    if (problem) add(problem, 'reply_to.name', 'message.reply_to');
  }
  if (body.custom_args !== undefined && !allStrings(body.custom_args)) {
    add('All values of custom arguments object must be strings', 'custom_args', 'message.custom_args');
  }
  if (Array.isArray(body.categories)) {
    const categories = body.categories as unknown[];
    if (categories.length > 10) {
      add(`There is a limit of 10 categories for each email that is sent. You provided ${categories.length} categories.`, 'categories', 'message.categories');
    }
    if (!categories.every((c) => typeof c === 'string')) {
      add('Categories must be an array of strings.', 'categories', 'message.categories');
    } else {
      const long = (categories as string[]).find((c) => c.length > 255);
      if (long) add(`Each category must not be longer than 255 characters. ${long} exceeds this limit.`, 'categories', 'message.categories');
      const dup = (categories as string[]).find((c, i) => categories.indexOf(c) !== i);
      if (dup) add(`The categories must be a unique list, and you have included ${dup} more than once.`, 'categories', 'message.categories');
      if ((categories as string[]).some((c) => /[^\x20-\x7e]/.test(c))) {
        add('Categories can not contain non-ASCII characters.', 'categories', 'message.categories');
      }
    }
  }
  if (Array.isArray(body.attachments)) {
    (body.attachments as Obj[]).forEach((a, k) => {
      if (typeof a.content !== 'string' || a.content === '') {
        add('The attachment content must be a string at least one character in length.', `attachments.${k}.content`, 'message.attachments.content');
      } else if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(a.content)) {
        add('The attachment content must be base64 encoded.', `attachments.${k}.content`, 'message.attachments.content');
      }
      if (typeof a.filename !== 'string' || a.filename === '') {
        add('filename is required.', `attachments.${k}.filename`, 'message.attachments.filename');
      }
    });
  }
  return errors;
}

function allStrings(value: unknown): boolean {
  return isObj(value) && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * SendGrid decodes the body into typed structures first; a value of the wrong JSON type there
 * (say, `to` as a string) fails with a bare "Bad Request", before any field-level check.
 */
function hasWrongTypes(body: Obj): boolean {
  const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || v === null || check(v);
  const str = (v: unknown) => typeof v === 'string';
  const address = (v: unknown) => isObj(v) && optional(v.email, str) && optional(v.name, str);
  const addressList = (v: unknown) => Array.isArray(v) && v.every(address);
  const personalization = (v: unknown) =>
    isObj(v) &&
    optional(v.to, addressList) &&
    optional(v.cc, addressList) &&
    optional(v.bcc, addressList) &&
    optional(v.from, address) &&
    optional(v.subject, str) &&
    optional(v.custom_args, isObj) &&
    optional(v.substitutions, isObj) &&
    optional(v.dynamic_template_data, isObj) &&
    optional(v.headers, isObj) &&
    optional(v.send_at, Number.isInteger);
  return !(
    optional(body.personalizations, (v) => Array.isArray(v) && v.every(personalization)) &&
    optional(body.from, address) &&
    optional(body.reply_to, address) &&
    optional(body.subject, str) &&
    optional(body.content, (v) => Array.isArray(v) && v.every(isObj)) &&
    optional(body.attachments, (v) => Array.isArray(v) && v.every(isObj)) &&
    optional(body.template_id, str) &&
    optional(body.categories, Array.isArray) &&
    optional(body.custom_args, isObj) &&
    optional(body.headers, isObj) &&
    optional(body.send_at, Number.isInteger) &&
    optional(body.batch_id, str)
  );
}
