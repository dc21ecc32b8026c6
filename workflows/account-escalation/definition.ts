// account-escalation: what the API knows about the playbook besides its contract: the business key
// that makes starting it idempotent, the summary and business time for the Web UI, the input checks.
import { checkPeople, checkTimeZones, type FieldError } from '../kit/contract.js';
import { definePlaybook } from '../kit/playbook.js';
import { accountEscalationAccess } from './access.js';
import { churnCodingErrors, type ChurnCoding } from './codes.js';
import {
  ACCOUNT_ESCALATION_DIRECTORY,
  ACCOUNT_ESCALATION_OUTCOMES,
  ACCOUNT_ESCALATION_STATUSES,
  ACCOUNT_ESCALATION_TEMPLATES,
  accountEscalationEvents,
  AccountEscalationInput,
} from './contract.js';

function checkChurn(coding: ChurnCoding, at: string): FieldError[] {
  return churnCodingErrors(coding).map((e) => ({ field: `${at}${e.field}`, message: e.message }));
}

/** `acct-1-20260113T1700Z`: one escalation per account and complaint time. */
function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace(/00Z$/, 'Z');
}

export default definePlaybook<AccountEscalationInput>({
  name: 'account-escalation',
  title: 'Account escalation (churn risk)',
  description:
    'A customer at risk of cancelling: escalation case in the CRM, FMC channel for managed-service accounts, meeting with ' +
    'the customer and the TL within 24 hours for explicit complaints, 10 consecutive days of contact attempts for unresponsive ' +
    'customers, daily escalation notes, resolution offer approved or denied by accounting, renegotiation at the weekly finance ' +
    'meeting, closed as retained, downgraded or churned with its churn coding.',
  inputSchema: AccountEscalationInput,
  events: accountEscalationEvents,
  statuses: ACCOUNT_ESCALATION_STATUSES,
  outcomes: ACCOUNT_ESCALATION_OUTCOMES,
  templates: ACCOUNT_ESCALATION_TEMPLATES,
  directory: {
    channels: { [ACCOUNT_ESCALATION_DIRECTORY.financeChannel]: 'resolution offers go to accounting for approval here' },
    taggedGroups: { [ACCOUNT_ESCALATION_DIRECTORY.accounting]: 'tagged on resolution offers that need finance approval' },
    invitedGroups: { [ACCOUNT_ESCALATION_DIRECTORY.fmcTeam]: 'invited to the escalation channel of an FMC account' },
  },
  businessKey: (input) => `${input.account.id}-${compactInstant(input.escalatedAt)}`,
  businessTime: (input) => new Date(input.escalatedAt),
  access: accountEscalationAccess,
  slack: {
    // "Escalate account" on a customer's message: the intake form with the message as the summary.
    messageShortcut: { callbackId: 'escalate-account', prefill: (message) => ({ summary: message.text.slice(0, 2000) }) },
  },
  summary: (input) =>
    `${input.account.name} (${input.account.id}, MRR ${input.account.mrr.amount} ${input.account.mrr.currency}): ${input.trigger}` +
    `${input.explicit ? ', explicit complaint' : ''}`,
  check(input, directory) {
    const people: Record<string, string> = { '/csm': input.csm, '/teamLead': input.teamLead };
    if (input.teamLeadManager) people['/teamLeadManager'] = input.teamLeadManager;
    const errors = checkPeople(directory, people);
    errors.push(...checkChurn(input.churn as ChurnCoding, '/churn'));
    errors.push(...checkTimeZones({ '/account/timeZone': input.account.timeZone, '/teamTimeZone': input.teamTimeZone }));
    for (const [field, key] of [['/account/calendar', input.account.calendar], ['/teamCalendar', input.teamCalendar]] as const) {
      if (key !== undefined && !directory.hasCalendar(key)) errors.push({ field, message: `unknown calendar '${key}' in the directory` });
    }
    if (input.explicit && !input.teamLeadManager) {
      errors.push({ field: '/teamLeadManager', message: 'required for an explicit escalation: told when the 24-hour meeting deadline is missed' });
    }
    if (input.account.fmc && !directory.hasGroup(ACCOUNT_ESCALATION_DIRECTORY.fmcTeam)) {
      errors.push({ field: '/account/fmc', message: `the directory has no group '${ACCOUNT_ESCALATION_DIRECTORY.fmcTeam}' to invite` });
    }
    return errors;
  },
  /** A reluctance-to-pay escalation received an hour ago. */
  example: (now) => ({
    account: {
      id: 'ACC-1001',
      name: 'Example Health Clinics',
      mrr: { amount: 4200, currency: 'USD' },
      crmUrl: 'https://crm.example.com/accounts/ACC-1001',
      products: ['LMS', 'CRED SOFT'],
      fmc: false,
      timeZone: 'America/Chicago',
    },
    trigger: 'reluctance-to-pay',
    explicit: false,
    escalatedAt: new Date(Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000).toISOString().replace('.000Z', 'Z'),
    churn: { primary: 'price', secondary: ['annual-increase'] },
    csm: 'csm',
    teamLead: 'cs-team-lead',
    customerContact: { name: 'Dana Client', email: 'dana.client@example.org' },
    followUpEmails: false,
    reportedBy: 'csm',
  }),
});
