// The longest account-escalation path (90 days): the day-by-day plan shared by the long workflow test
// and bench/history-size.ts. Day 0 = the Monday the escalation opens; events at 11:30 Chicago.
import type { AccountEscalationEvent } from '../../workflows/account-escalation/contract.js';

export const LONG_SCENARIO_DAYS = 90;

export const longScenarioPlan: Record<number, AccountEscalationEvent[]> = {
  // The CSM tries the customer on each contact day (a series nobody works stops at its cap of missed days).
  0: [{ type: 'meeting-held', actor: 'csm', summary: 'Customer, TL and CSM met' }, { type: 'contact-attempted', actor: 'csm', channel: 'phone' }],
  1: [{ type: 'contact-attempted', actor: 'csm', channel: 'phone' }],
  2: [{ type: 'contact-attempted', actor: 'csm', channel: 'phone' }],
  3: [{ type: 'contact-attempted', actor: 'csm', channel: 'phone' }],
  4: [{ type: 'contact-attempted', actor: 'csm', channel: 'phone' }],
  5: [{ type: 'customer-responded', actor: 'csm', summary: 'Replied to the follow-up email' }],
  7: [{ type: 'resolution-proposed', actor: 'csm', offer: 'Round 1: 30% off for 6 months' }],
  8: [{ type: 'finance-denied', actor: 'accounting-analyst', reason: 'Above the discount limit' }],
  10: [{ type: 'resolution-proposed', actor: 'csm', offer: 'Round 2: 15% off for 6 months' }],
  11: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
  15: [{ type: 'customer-rejected', actor: 'csm', reason: 'Wants more' }],
  22: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 3: 20% off for 6 months' }],
  23: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
  29: [{ type: 'customer-rejected', actor: 'csm', reason: 'Still too expensive' }],
  30: [{ type: 'churn-coded', actor: 'cs-team-lead', churn: { primary: 'price', secondary: ['too-expensive', 'price-increase'] } }],
  36: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 4: drop CRED SOFT, 10% off LMS' }],
  37: [{ type: 'finance-denied', actor: 'accounting-analyst', reason: 'Needs a 12-month term' }],
  38: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 5: drop CRED SOFT, 10% off LMS for 12 months' }],
  39: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
  43: [{ type: 'customer-rejected', actor: 'csm', reason: 'Board review pending' }],
  50: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 6: as round 5, first month free' }],
  51: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
  57: [{ type: 'customer-rejected', actor: 'csm', reason: 'Wants two months free' }],
  64: [{ type: 'resolution-proposed', actor: 'cs-team-lead', offer: 'Round 7: as round 5, two months free' }],
  65: [{ type: 'finance-approved', actor: 'accounting-analyst' }],
  88: [{ type: 'customer-accepted', actor: 'csm', downgrade: { removed: ['CRED SOFT'], mrrAfter: 2900 } }],
};

/** A note on most business days; every fifth business day is forgotten, so the reminder fires. */
export const noteForgotten = (day: number) => day % 5 === 3;
