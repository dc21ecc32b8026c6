// account-escalation: who may send which event (role checks, evaluated by the API in
// src/auth/rules.ts). Pure data and functions of the input and event; the definition carries it.
import type { AccessFacts, AccessSettings, PlaybookAccess } from '../kit/access.js';
import type { AccountEscalationEvent, AccountEscalationInput } from './contract.js';

type Proposal = Extract<AccountEscalationEvent, { type: 'resolution-proposed' }>;

const csmOrTl = [
  { party: 'csm', label: 'the CSM' },
  { party: 'teamLead', label: 'the team lead' },
] as const;

/**
 * A team lead may present an offer without accounting only when it lowers MRR by at most
 * FINANCE_SKIP_LIMIT_PERCENT; the offer must say the MRR after it (`mrrAfter`) to be judged.
 */
export function financeSkipOverLimit(event: Proposal, facts: AccessFacts, settings: AccessSettings): string | undefined {
  const limit = settings.financeSkipLimitPercent ?? 0;
  const mrr = Number(facts.mrr);
  if (!event.mrrAfter) return `an offer without finance approval must state mrrAfter, to be judged against the ${limit}% limit`;
  const reduction = mrr > 0 ? ((mrr - event.mrrAfter.amount) / mrr) * 100 : 0;
  if (reduction > limit + 1e-9) {
    return `the offer lowers MRR by ${reduction.toFixed(1)}% (from ${mrr} to ${event.mrrAfter.amount}); without finance approval at most ${limit}%`;
  }
  return undefined;
}

export const accountEscalationAccess: PlaybookAccess<AccountEscalationInput, AccountEscalationEvent> = {
  facts: (input) => ({ csm: input.csm, teamLead: input.teamLead, mrr: input.account.mrr.amount }),
  rules: [
    {
      id: 'finance-decision-by-accounting',
      events: ['finance-approved', 'finance-denied'],
      allow: [{ group: 'accounting', label: 'the accounting group' }],
      source: 'seed 002: accounting approves or denies the resolution offer',
    },
    {
      id: 'finance-skip-by-team-lead',
      events: ['resolution-proposed'],
      when: (e) => e.type === 'resolution-proposed' && e.financeApproval === false,
      allow: [{ party: 'teamLead', label: 'the team lead' }],
      limit: (e, facts, settings) => financeSkipOverLimit(e as Proposal, facts, settings),
      source: 'seed 002: offers go to finance for approval; a TL may decide small offers within the configured limit',
    },
    {
      id: 'offer-by-csm-or-tl',
      events: ['resolution-proposed'],
      when: (e) => e.type === 'resolution-proposed' && e.financeApproval !== false,
      allow: csmOrTl,
      source: 'seed 002: the CSM and the TL prepare the resolution offer',
    },
    {
      id: 'meeting-held-by-csm-or-tl',
      events: ['meeting-held'],
      allow: csmOrTl,
      source: 'seed 002: explicit escalation: the CSM sets up a meeting with the customer and the TL within 24 hours',
    },
    {
      id: 'outcome-by-csm-or-tl',
      events: ['customer-accepted', 'customer-rejected', 'churned'],
      allow: csmOrTl,
      source: "seed 002: the CSM records the customer's answer to the offer, or the cancellation",
    },
  ],
};
