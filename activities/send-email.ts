// Client emails: MJML templates compiled once at worker start, filled per send, sent through the
// real @sendgrid/mail client.
import type { MailService } from '@sendgrid/mail';
import { personOfLabel } from '../src/auth/principal.js';
import type { Directory } from '../src/directory.js';
import { MissingTemplateValuesError, type Locale, type TemplateCatalog, type TemplateFlagName, type TemplateName } from './email/templates.js';
import { isSameLocalDay, sessionDateLabel, sessionTimeLabel } from './email/time-label.js';
import { permanent, sendGridFailure } from './failures.js';
import { isValidEmailAddress } from '../workflows/kit/schemas/email.js';

export interface EmailRecipient {
  name: string;
  email: string;
}

export interface SendTemplateEmailInput {
  escalationId: string;
  step: string;
  template: TemplateName;
  locale: Locale;
  to: EmailRecipient;
  /** Directory keys of people to copy (e.g. booking owner, portfolio team lead). */
  ccPeople: string[];
  /** Template values; organisation, desk and sender names are added from the directory. */
  values: Record<string, string>;
  /**
   * Values rendered as local times, e.g. `{ startTimeLabel: { iso, timeZone } }` -> "11 AM CT";
   * `startTimeLabel` also gives `startDateLabel` ("Saturday, November 14") and the flag `otherDay`
   * (the session is not on the day the email is sent, `at`, in that zone).
   */
  times?: Record<string, { iso: string; timeZone: string }>;
  /** The template's sections (templateFlagNames); unset flags are false. */
  flags?: Partial<Record<TemplateFlagName, boolean>>;
  /** Template values that are directory people's names, e.g. `{ partnerName: 'booking-owner' }`. */
  people?: Record<string, string>;
  /**
   * Who signs (seed 000: "[Your Name]"; issue 17 item 9): the first of these (directory keys, actor
   * labels or Slack user ids, most recent first) the directory knows; nobody: the desk's signature
   * (organisation.senderName), and the flag `teamSigns` is set so a template can sign as its team.
   */
  signedBy?: string[];
  /** When the email goes out (ISO instant, the workflow's time): what "today" means. Default: now. */
  at?: string;
}

export interface SentEmail {
  messageId: string;
  to: string;
  cc: string[];
  subject: string;
  /** The signature's name (an agent's, or the desk's). */
  signedBy?: string;
}

// The one address rule (workflows/kit/schemas/email.ts) the API already checked at the start: a bad
// address here (an old escalation, a directory edited since) is a clear permanent error naming the
// recipient before anything is sent; SendGrid's own 400 text covers what this misses.
export { isValidEmailAddress };

/** Why an address can't be used, or undefined if it can. */
function addressProblem(address: unknown): string | undefined {
  if (typeof address !== 'string' || address.trim() === '') return 'no email address';
  if (!isValidEmailAddress(address)) return `invalid email address '${address}'`;
  return undefined;
}

/**
 * A display name that is safe in an address header (issue 17 item 18): control characters (CR, LF,
 * tab...) become spaces, so no value can add a header line; a name with `,` or `;` (which SendGrid
 * would take for a list separator, accept the request and drop the email) or a double quote is sent
 * as an RFC 5322 quoted string, as SendGrid's own libraries do (sendgrid-php #511).
 */
export function mailboxName(name: string): string {
  const clean = name.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (clean.startsWith('"') && clean.endsWith('"') && clean.length > 1 && !/(^|[^\\])"/.test(clean.slice(1, -1))) return clean;
  if (!/[,;"\\]/.test(clean)) return clean;
  return `"${clean.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The first candidate (directory key, or a Slack user id) the directory knows, as its person's name. */
function signer(directory: Directory, candidates: readonly string[]): string | undefined {
  for (const c of candidates) {
    // Events record who sent them as actor labels: a tool acting for the desk agent signs as them.
    const person = personOfLabel(c);
    if (person && directory.hasPerson(person)) return directory.person(person).name;
    const bySlack = Object.values(directory.data.people).find((p) => p.slackUserId !== undefined && p.slackUserId === c);
    if (bySlack) return bySlack.name;
  }
  return undefined;
}

export function emailActivities({ mail, directory, templates }: { mail: MailService; directory: Directory; templates: TemplateCatalog }) {
  return {
    /**
     * Renders a template and sends it. At least once: SendGrid has no idempotency key, so a retry
     * after an ambiguous failure (a timeout after SendGrid accepted) sends the email again.
     */
    async sendTemplateEmail(input: SendTemplateEmailInput): Promise<SentEmail> {
      const what = `email '${input.template}'`;
      try {
        const org = directory.organisation;
        const toProblem = addressProblem(input.to?.email);
        if (toProblem) throw permanent(`${what}: recipient ${input.to?.name ? `'${input.to.name}' ` : ''}has ${toProblem}`);
        const toEmail = input.to.email.trim();
        // SendGrid rejects an address listed twice (case-insensitively) in one personalization.
        const seen = new Set([toEmail.toLowerCase()]);
        const cc: { email: string; name: string }[] = [];
        for (const key of input.ccPeople) {
          const person = directory.person(key);
          const problem = addressProblem(person.email);
          if (problem) throw permanent(`${what}: cc '${key}' has ${problem} in the directory`);
          if (seen.has(person.email.toLowerCase())) continue;
          seen.add(person.email.toLowerCase());
          cc.push({ email: person.email, name: mailboxName(person.name) });
        }
        const person = signer(directory, input.signedBy ?? []);
        const values: Record<string, string> = {
          organisationName: org.name,
          deskName: org.deskName,
          senderName: person ?? org.senderName,
          ...input.values,
        };
        for (const [name, key] of Object.entries(input.people ?? {})) values[name] = directory.person(key).name;
        const flags: Partial<Record<TemplateFlagName, boolean>> = { teamSigns: person === undefined };
        const sentAt = input.at ? Date.parse(input.at) : Date.now();
        for (const [name, t] of Object.entries(input.times ?? {})) {
          values[name] = sessionTimeLabel(t.iso, t.timeZone, input.locale);
          if (name !== 'startTimeLabel') continue;
          values.startDateLabel = sessionDateLabel(t.iso, t.timeZone, input.locale);
          flags.otherDay = !isSameLocalDay(t.iso, sentAt, t.timeZone);
        }
        Object.assign(flags, input.flags);
        const rendered = templates.render(input.template, input.locale, values, flags);
        const [response] = await mail.send({
          from: { email: org.emailFrom.email, name: mailboxName(org.emailFrom.name) },
          to: { name: mailboxName(input.to.name), email: toEmail },
          ...(cc.length > 0 && { cc }),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          customArgs: { escalation_id: input.escalationId, template: input.template, step: input.step },
          categories: ['escalation', input.template],
        });
        const messageId = String(response.headers['x-message-id'] ?? '');
        return { messageId, to: toEmail, cc: cc.map((c) => c.email), subject: rendered.subject, signedBy: values.senderName! };
      } catch (err) {
        if (err instanceof MissingTemplateValuesError || err instanceof RangeError) {
          throw permanent(`${what}: ${err.message}`);
        }
        throw sendGridFailure(err, what);
      }
    },
  };
}
