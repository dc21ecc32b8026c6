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

const EMAIL_SYNTAX = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function emailActivities({ mail, directory, templates }: { mail: MailService; directory: Directory; templates: TemplateCatalog }) {
  return {
    async sendTemplateEmail(input: SendTemplateEmailInput): Promise<SentEmail> {
      const what = `email '${input.template}'`;
      try {
        const org = directory.organisation;
        // SendGrid rejects an address listed twice (case-insensitively) in one personalization.
        const seen = new Set([input.to.email.toLowerCase()]);
        const cc = input.ccPeople
          .map((key) => directory.person(key).email)
          .filter((email) => !seen.has(email.toLowerCase()) && seen.add(email.toLowerCase()));
        for (const address of [input.to.email, ...cc]) {
          if (!EMAIL_SYNTAX.test(address)) throw permanent(`${what}: invalid recipient address '${address}'`);
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
          to: { name: input.to.name, email: input.to.email },
          ...(cc.length > 0 && { cc }),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          customArgs: { escalation_id: input.escalationId, template: input.template, step: input.step },
          categories: ['escalation', input.template],
        });
        const messageId = String(response.headers['x-message-id'] ?? '');
        return { messageId, to: input.to.email, cc, subject: rendered.subject };
      } catch (err) {
        if (err instanceof MissingTemplateValuesError || err instanceof RangeError) {
          throw permanent(`${what}: ${err.message}`);
        }
        throw sendGridFailure(err, what);
      }
    },
  };
}
