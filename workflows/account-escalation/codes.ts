// account-escalation (seed 002): the SOP's escalation triggers and churn codes, and the directory
// keys, as plain data shared by the workflow (its event validator, its messages) and the API
// (contract.ts's schemas and the input check). Pure: no imports, so the workflow bundle can use it.

/** Directory keys the playbook relies on (see config/directory.example.yaml). */
export const ACCOUNT_ESCALATION_DIRECTORY = {
  /** Group invited to the escalation channel of an account with the fully managed credentialing service. */
  fmcTeam: 'fmc-team',
  /** Group tagged on resolution offers that need finance approval. */
  accounting: 'accounting',
  /** Channel where accounting approves or denies resolution offers. */
  financeChannel: 'finance-approvals',
} as const;

/** The seven ways an account becomes an escalation (SOP: "Escalation Conditions"). */
export const TRIGGERS = {
  upset: 'The customer is upset, expresses disagreement or brings up an issue',
  'lower-engagement': 'Less engagement in communication and/or system use',
  'past-due': 'The account became past due',
  'reluctance-to-pay': 'The customer is reluctant to pay the account',
  'unresponsive-after-issue': 'An issue or problem was followed by unresponsiveness',
  'asks-for-higher-up': 'The customer asks to speak to someone higher up in the organisation',
  'wants-to-downgrade': 'The customer wants to downgrade (remove a product, module or users to invest less)',
} as const;
export type Trigger = keyof typeof TRIGGERS;
export const TRIGGER_KEYS = Object.keys(TRIGGERS) as Trigger[];

/**
 * Churn coding: a primary reason and one or more secondary reasons that belong to it (SOP: "Churn
 * Codes"). The seed elides the competition list; the one here is what a CS team records when a
 * customer leaves for a competitor (cheaper, more features, better service, consolidation, mandate).
 */
export const CHURN_REASONS = {
  product: {
    label: 'Product-related: feature gaps',
    description: 'Missing features that the customer requires',
    secondary: {
      reporting: 'Reporting',
      integration: 'Integration',
      customization: 'Customization',
      'course-content': 'Course content',
      'unmet-expectations': 'Unmet expectations (miscommunication)',
      'unfulfilled-value': 'Unfulfilled value',
      'poor-user-experience': 'Poor user experience',
    },
  },
  service: {
    label: 'Service-related: support issues',
    description: 'Problems with customer service or technical support',
    secondary: {
      'slow-response': 'Slow response',
      'unresolved-issues': 'Unresolved issues',
      'lack-of-expertise': 'Lack of expertise',
      'bad-communication': 'Bad communication',
      'lack-of-training': 'Lack of training',
      'delayed-onboarding': 'Delayed onboarding/implementation',
    },
  },
  price: {
    label: 'Price-related: pricing issues',
    description: 'The customer finds the pricing too high or not value for money',
    secondary: {
      'too-expensive': 'Too expensive',
      'hidden-fees': 'Hidden fees/unrecognized charges',
      'price-increase': 'Price increase',
      'annual-increase': 'Annual increase',
      'past-due': 'Past due',
      'terms-and-conditions': 'Terms and conditions',
    },
  },
  customer: {
    label: 'Customer-related: company changes',
    description: "Organisational changes affecting the customer's needs",
    secondary: {
      bankruptcy: 'Bankruptcy',
      acquisition: 'Acquisition',
      'going-out-of-business': 'Going out of business/retiring',
      'owner-champion-change': 'Owner/champion change',
      'low-usage': 'Low usage',
      ghosted: 'Ghosted',
    },
  },
  competition: {
    label: 'Competition-related: competitor switching',
    description: "The customer switches to a competitor's product",
    secondary: {
      'competitor-price': 'Lower price elsewhere',
      'competitor-features': 'Features we lack',
      'competitor-service': 'Better service/support elsewhere',
      'platform-consolidation': 'Consolidating on one platform',
      'mandated-switch': 'Switch mandated by a parent organisation or partner',
    },
  },
} as const;

export type ChurnPrimary = keyof typeof CHURN_REASONS;
export type ChurnSecondary = { [P in ChurnPrimary]: keyof (typeof CHURN_REASONS)[P]['secondary'] }[ChurnPrimary];
export const CHURN_PRIMARY_KEYS = Object.keys(CHURN_REASONS) as ChurnPrimary[];
export const CHURN_SECONDARY_KEYS = CHURN_PRIMARY_KEYS.flatMap((p) => Object.keys(CHURN_REASONS[p].secondary)) as ChurnSecondary[];

export interface ChurnCoding {
  primary: ChurnPrimary;
  secondary: ChurnSecondary[];
}

const secondaryReasonsOf = (primary: ChurnPrimary): string[] => Object.keys(CHURN_REASONS[primary].secondary);

/**
 * Secondary reasons that do not belong to the primary, as field errors relative to the coding
 * (`/secondary/1`). The schemas already restrict both to the known lists.
 */
export function churnCodingErrors(coding: ChurnCoding): { field: string; message: string }[] {
  const allowed = secondaryReasonsOf(coding.primary);
  return coding.secondary.flatMap((s, i) =>
    allowed.includes(s)
      ? []
      : [{ field: `/secondary/${i}`, message: `'${s}' is not a secondary reason of '${coding.primary}'; expected one of: ${allowed.join(', ')}` }],
  );
}

/** "Price-related: pricing issues (Too expensive, Price increase)" for people and CRM notes. */
export function describeChurnCoding(coding: ChurnCoding): string {
  const reason = CHURN_REASONS[coding.primary];
  const labels = coding.secondary.map((s) => (reason.secondary as Record<string, string>)[s] ?? s);
  return `${reason.label} (${labels.join(', ')})`;
}
