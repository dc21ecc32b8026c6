// Client emails: MJML templates compiled once at worker start, filled per send, sent through the
// real @sendgrid/mail client.
import type { MailService } from '@sendgrid/mail';
import type { Directory } from '../src/directory.js';
import { MissingTemplateValuesError, type Locale, type TemplateCatalog, type TemplateName } from './email/templates.js';
import { sessionTimeLabel } from './email/time-label.js';
import { permanent, sendGridFailure } from './failures.js';

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
  /** Values rendered as local times, e.g. `{ startTimeLabel: { iso, timeZone } }` -> "11 AM CT". */
  times?: Record<string, { iso: string; timeZone: string }>;
}

export interface SentEmail {
  messageId: string;
  to: string;
  cc: string[];
  subject: string;
}

// The shape SendGrid accepts: no spaces or brackets in the local part, a domain of dot-separated
// labels (letters, digits, inner hyphens). Checked here so a bad address is a clear permanent error
// naming the recipient before anything is sent; SendGrid's own 400 text covers what this misses.
const EMAIL_SYNTAX =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmailAddress(address: unknown): address is string {
  return typeof address === 'string' && address.length <= 254 && EMAIL_SYNTAX.test(address);
}

/** Why an address can't be used, or undefined if it can. */
function addressProblem(address: unknown): string | undefined {
  if (typeof address !== 'string' || address.trim() === '') return 'no email address';
  if (!isValidEmailAddress(address)) return `invalid email address '${address}'`;
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
        const cc: string[] = [];
        for (const key of input.ccPeople) {
          const email = directory.person(key).email;
          const problem = addressProblem(email);
          if (problem) throw permanent(`${what}: cc '${key}' has ${problem} in the directory`);
          if (seen.has(email.toLowerCase())) continue;
          seen.add(email.toLowerCase());
          cc.push(email);
        }
        const values: Record<string, string> = {
          organisationName: org.name,
          deskName: org.deskName,
          senderName: org.senderName,
          ...input.values,
        };
        for (const [name, t] of Object.entries(input.times ?? {})) {
          values[name] = sessionTimeLabel(t.iso, t.timeZone, input.locale);
        }
        const rendered = templates.render(input.template, input.locale, values);
        const [response] = await mail.send({
          from: org.emailFrom,
          to: { name: input.to.name, email: toEmail },
          ...(cc.length > 0 && { cc }),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          customArgs: { escalation_id: input.escalationId, template: input.template, step: input.step },
          categories: ['escalation', input.template],
        });
        const messageId = String(response.headers['x-message-id'] ?? '');
        return { messageId, to: toEmail, cc, subject: rendered.subject };
      } catch (err) {
        if (err instanceof MissingTemplateValuesError || err instanceof RangeError) {
          throw permanent(`${what}: ${err.message}`);
        }
        throw sendGridFailure(err, what);
      }
    },
  };
}
