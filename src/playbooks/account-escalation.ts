// account-escalation (seed 002): a churn-risk customer escalation worked by the customer success
// manager (CSM) and their team lead (TL) to avoid a cancellation; accounting approves or denies the
// resolution offer. Runs for days or weeks.
import { Type, type Static, type TProperties } from 'typebox';
import type { Directory } from '../directory.js';
import {
  CHURN_PRIMARY_KEYS,
  CHURN_REASONS,
  CHURN_SECONDARY_KEYS,
  churnCodingErrors,
  TRIGGER_KEYS,
  TRIGGERS,
  type ChurnCoding as ChurnCodingData,
} from '../../workflows/account-escalation-codes.js';
import { checkPeople, Contact, DirectoryRef, EventBase, isValidTimeZone, Locale } from './shared.js';
import type { FieldError, PlaybookDefinition } from './types.js';
import { accountEscalationAccess } from './account-escalation-access.js';

/** Directory keys the playbook relies on (see config/directory.example.yaml). */
export const ACCOUNT_ESCALATION_DIRECTORY = {
  /** Group invited to the escalation channel of an account with the fully managed credentialing service. */
  fmcTeam: 'fmc-team',
  /** Group tagged on resolution offers that need finance approval. */
  accounting: 'accounting',
  /** Channel where accounting approves or denies resolution offers. */
  financeChannel: 'finance-approvals',
} as const;

export const Trigger = Type.Enum(TRIGGER_KEYS, {
  description: `What made the account an escalation: ${TRIGGER_KEYS.map((k) => `${k} (${TRIGGERS[k]})`).join('; ')}`,
});

export const ChurnPrimary = Type.Enum(CHURN_PRIMARY_KEYS, {
  description: `Primary churn reason: ${CHURN_PRIMARY_KEYS.map((k) => `${k} (${CHURN_REASONS[k].label})`).join('; ')}`,
});

export const ChurnSecondary = Type.Enum(CHURN_SECONDARY_KEYS, { description: 'Secondary churn reason; must belong to the primary reason' });

export const ChurnCoding = Type.Object(
  {
    primary: ChurnPrimary,
    secondary: Type.Array(ChurnSecondary, {
      minItems: 1,
      uniqueItems: true,
      description:
        'Secondary reasons (multi-select) of the primary: ' +
        CHURN_PRIMARY_KEYS.map((p) => `${p}: ${Object.keys(CHURN_REASONS[p].secondary).join(', ')}`).join('; '),
    }),
  },
  { additionalProperties: false, description: 'Churn coding: primary reason and its secondary reasons' },
);

const Money = Type.Number({ minimum: 0, maximum: 100_000_000 });

export const AccountEscalationInput = Type.Object(
  {
    account: Type.Object(
      {
        id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'Account id in the CRM' }),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        mrr: Type.Object(
          {
            amount: Money,
            currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 code' }),
          },
          { additionalProperties: false, description: 'Monthly recurring revenue' },
        ),
        crmUrl: Type.String({ format: 'uri', description: 'Link to the account in the CRM' }),
        products: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
          maxItems: 50,
          default: [],
          description: 'Products and services the account has, e.g. LMS, CRED SOFT, FMC',
        }),
        fmc: Type.Boolean({
          default: false,
          description: 'The account has the fully managed credentialing service (FMC): the FMC team gets a dedicated escalation channel',
        }),
        timeZone: Type.String({ minLength: 1, description: "IANA time zone of the account; the 10 contact days count in it" }),
      },
      { additionalProperties: false },
    ),
    trigger: Trigger,
    explicit: Type.Boolean({
      default: false,
      description: 'The customer complained explicitly: a meeting with the customer and the TL must happen within 24 hours',
    }),
    escalatedAt: Type.String({
      format: 'date-time',
      description: 'When the customer escalated (complaint received); the 24-hour meeting deadline counts from here',
    }),
    summary: Type.Optional(Type.String({ maxLength: 2000, description: 'What happened, for the case and the FMC channel' })),
    churn: ChurnCoding,
    csm: DirectoryRef('Customer success manager working the case'),
    teamLead: DirectoryRef("The CSM's team lead"),
    teamLeadManager: Type.Optional(DirectoryRef("The team lead's manager, told when the 24-hour meeting deadline is missed (required when explicit)")),
    customerContact: Contact,
    caseNumber: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'An existing escalation case; otherwise one is created' }),
    ),
    customerUnresponsive: Type.Optional(
      Type.Boolean({
        description: 'Start the 10-day contact attempts at once (default: true for trigger unresponsive-after-issue)',
      }),
    ),
    followUpEmails: Type.Boolean({
      default: false,
      description: 'During contact attempts, also email the customer contact each day (cc the CSM)',
    }),
    teamTimeZone: Type.Optional(
      Type.String({ minLength: 1, description: "Time zone of the CSM's business days (daily notes); default: the account's" }),
    ),
    locale: Type.Optional(Locale),
    reportedBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AccountEscalationInput = Static<typeof AccountEscalationInput>;

const event = <T extends string, P extends TProperties = {}>(type: T, description: string, props?: P) =>
  Type.Object({ type: Type.Literal(type), ...EventBase, ...(props as P) }, { additionalProperties: false, description });

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description && { description }) });

export const accountEscalationEvents = {
  'meeting-held': event('meeting-held', 'The meeting with the customer and the TL took place (explicit escalation: within 24 hours)', {
    heldAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it took place (default: now)' })),
    summary: Type.Optional(Text(2000)),
  }),
  'customer-unresponsive': event('customer-unresponsive', 'The customer stopped answering: start the 10 consecutive days of contact attempts'),
  'contact-attempted': event('contact-attempted', 'The CSM tried to reach the customer today', {
    channel: Type.Optional(
      Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('voicemail'), Type.Literal('sms'), Type.Literal('other')]),
    ),
  }),
  'customer-responded': event('customer-responded', 'The customer answered: ends the contact attempts', {
    summary: Type.Optional(Text(2000)),
  }),
  note: event('note', "Today's escalation note (CRM 'Escalation Notes')", { text: Text(5000, 'The escalation note') }),
  'case-created': event('case-created', 'The escalation case was created by hand (when the CRM could not be reached)', {
    caseNumber: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  }),
  'churn-coded': event('churn-coded', 'The churn coding was corrected', { churn: ChurnCoding }),
  'resolution-proposed': event('resolution-proposed', 'The CSM/TL propose a resolution offer; it goes to accounting for approval', {
    offer: Text(2000, 'The offer, e.g. "20% off for 3 months, then renewal at the current price"'),
    mrrAfter: Type.Optional(Type.Object({ amount: Money }, { additionalProperties: false, description: 'MRR if accepted' })),
    financeApproval: Type.Optional(
      Type.Boolean({ description: 'Needs accounting approval (default true); false: presented to the customer straight away' }),
    ),
  }),
  'finance-approved': event('finance-approved', "Accounting approved the resolution offer (the card's finance approval signal)", {
    conditions: Type.Optional(Text(2000)),
  }),
  'finance-denied': event('finance-denied', 'Accounting denied the resolution offer: back to a new proposal', {
    reason: Text(2000, 'Why accounting denied it'),
  }),
  'customer-accepted': event('customer-accepted', 'The customer accepted the approved offer: the case closes as retained, or downgraded', {
    downgrade: Type.Optional(
      Type.Object(
        {
          removed: Type.Array(Text(200), { minItems: 1, maxItems: 50, description: 'Products, modules or users removed' }),
          mrrAfter: Type.Optional(Money),
        },
        { additionalProperties: false },
      ),
    ),
  }),
  'customer-rejected': event('customer-rejected', 'The customer rejected the offer: the TL renegotiates at the next weekly finance meeting', {
    reason: Type.Optional(Text(2000)),
  }),
  churned: event('churned', 'The customer cancels: the case closes as churned with its churn coding', {
    churn: Type.Optional(ChurnCoding),
    effectiveDate: Type.Optional(Type.String({ format: 'date' })),
  }),
};

export type AccountEscalationEvent = {
  [K in keyof typeof accountEscalationEvents]: Static<(typeof accountEscalationEvents)[K]>;
}[keyof typeof accountEscalationEvents];

function checkChurn(coding: ChurnCodingData, at: string): FieldError[] {
  return churnCodingErrors(coding).map((e) => ({ field: `${at}${e.field}`, message: e.message }));
}

function hasGroup(directory: Directory, key: string): boolean {
  return Object.hasOwn(directory.data.groups, key);
}

/** `acct-1-20260113T1700Z`: one escalation per account and complaint time. */
function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace(/00Z$/, 'Z');
}

export const accountEscalation: PlaybookDefinition = {
  name: 'account-escalation',
  title: 'Account escalation (churn risk)',
  description:
    'A customer at risk of cancelling: escalation case in the CRM, FMC channel for managed-service accounts, meeting with ' +
    'the customer and the TL within 24 hours for explicit complaints, 10 consecutive days of contact attempts for unresponsive ' +
    'customers, daily escalation notes, resolution offer approved or denied by accounting, renegotiation at the weekly finance ' +
    'meeting, closed as retained, downgraded or churned with its churn coding.',
  workflowType: 'accountEscalation',
  inputSchema: AccountEscalationInput,
  events: accountEscalationEvents,
  businessKey: (input: AccountEscalationInput) => `${input.account.id}-${compactInstant(input.escalatedAt)}`,
  businessTime: (input: AccountEscalationInput) => new Date(input.escalatedAt),
  summary: (input: AccountEscalationInput) =>
    `${input.account.name} (${input.account.id}, MRR ${input.account.mrr.amount} ${input.account.mrr.currency}): ${input.trigger}` +
    `${input.explicit ? ', explicit complaint' : ''}`,
  access: accountEscalationAccess as PlaybookDefinition['access'],
  slack: {
    // "Escalate account" on a customer's message: the intake form with the message as the summary.
    messageShortcut: { callbackId: 'escalate-account', prefill: (message) => ({ summary: message.text.slice(0, 2000) }) },
  },
  check(input: AccountEscalationInput, directory: Directory): FieldError[] {
    const people: Record<string, string> = { '/csm': input.csm, '/teamLead': input.teamLead };
    if (input.teamLeadManager) people['/teamLeadManager'] = input.teamLeadManager;
    const errors = checkPeople(directory, people);
    errors.push(...checkChurn(input.churn as ChurnCodingData, '/churn'));
    if (!isValidTimeZone(input.account.timeZone)) {
      errors.push({ field: '/account/timeZone', message: `unknown IANA time zone '${input.account.timeZone}'` });
    }
    if (input.teamTimeZone && !isValidTimeZone(input.teamTimeZone)) {
      errors.push({ field: '/teamTimeZone', message: `unknown IANA time zone '${input.teamTimeZone}'` });
    }
    if (input.explicit && !input.teamLeadManager) {
      errors.push({ field: '/teamLeadManager', message: 'required for an explicit escalation: told when the 24-hour meeting deadline is missed' });
    }
    if (input.account.fmc && !hasGroup(directory, ACCOUNT_ESCALATION_DIRECTORY.fmcTeam)) {
      errors.push({ field: '/account/fmc', message: `the directory has no group '${ACCOUNT_ESCALATION_DIRECTORY.fmcTeam}' to invite` });
    }
    return errors;
  },
};
