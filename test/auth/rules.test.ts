// Every role rule of every playbook allows the right role and refuses another, judged against the
// example directory (groups) and an escalation's facts (the people its input names).
import { beforeAll, describe, expect, it } from 'vitest';
import { Identities } from '../../src/auth/principal.js';
import { decide, type AccessFacts } from '../../src/auth/rules.js';
import type { Directory } from '../../src/directory.js';
import { playbooks } from '../../src/playbooks.js';
import { loadExampleDirectory } from '../helpers/fixtures.js';

let identities: Identities;
beforeAll(async () => {
  const directory: Directory = await loadExampleDirectory();
  identities = new Identities(directory);
});

const settings = { financeSkipLimitPercent: 10 };
const as = (person: string | null) => ({
  person,
  label: person ?? 'tool:crm-sync',
  groups: person ? identities.groupsOf(person) : [],
});

const live = playbooks['live-delivery']!;
const account = playbooks['account-escalation']!;
const liveFacts: AccessFacts = { bookingOwner: 'booking-owner', portfolioTeamLead: 'portfolio-team-lead' };
const accountFacts: AccessFacts = { csm: 'csm', teamLead: 'cs-team-lead', mrr: 10_000 };
const gameday = playbooks['gameday-issue']!;
// The example event's lead and groups, as an issue's facts take them from the directory file at its start.
const gamedayFacts: AccessFacts = { raisedBy: 'client-event-host', lead: 'event-lead', responseGroup: 'client-success', techSupportGroup: 'tech-support' };

interface Case {
  rule: string;
  event: { type: string; [k: string]: unknown };
  allowed: string[];
  refused: (string | null)[];
}

const cases: [typeof live, AccessFacts, Case[]][] = [
  [
    gameday,
    gamedayFacts,
    [
      { rule: 'acknowledged-by-responders', event: { type: 'acknowledged' }, allowed: ['cs-responder', 'tech-support-engineer', 'event-lead'], refused: ['client-event-host', null] },
      { rule: 'escalation-by-client-success', event: { type: 'escalated-to-tech-support' }, allowed: ['cs-responder', 'event-lead'], refused: ['tech-support-engineer', 'client-moderator'] },
      { rule: 'outcome-by-responders', event: { type: 'resolved', answer: 'x' }, allowed: ['cs-responder', 'tech-support-engineer'], refused: ['client-event-host'] },
      { rule: 'outcome-by-responders', event: { type: 'workaround', answer: 'x' }, allowed: ['event-lead'], refused: ['client-moderator'] },
      { rule: 'outcome-by-responders', event: { type: 'follow-up', reason: 'x' }, allowed: ['tech-support-engineer'], refused: [null] },
    ],
  ],
  [
    live,
    liveFacts,
    [{ rule: 'owner-acknowledges', event: { type: 'owner-acknowledged' }, allowed: ['booking-owner', 'portfolio-team-lead'], refused: ['desk-agent', null] }],
  ],
  [
    account,
    accountFacts,
    [
      { rule: 'finance-decision-by-accounting', event: { type: 'finance-approved' }, allowed: ['accounting-analyst'], refused: ['cs-team-lead', 'csm', null] },
      { rule: 'finance-decision-by-accounting', event: { type: 'finance-denied', reason: 'too much' }, allowed: ['accounting-analyst'], refused: ['cs-team-lead'] },
      {
        rule: 'finance-skip-by-team-lead',
        event: { type: 'resolution-proposed', offer: '5% off', financeApproval: false, mrrAfter: { amount: 9_500 } },
        allowed: ['cs-team-lead'],
        refused: ['csm', 'accounting-analyst'],
      },
      {
        rule: 'offer-by-csm-or-tl',
        event: { type: 'resolution-proposed', offer: '20% off for 3 months' },
        allowed: ['csm', 'cs-team-lead'],
        refused: ['accounting-analyst', 'desk-agent'],
      },
      { rule: 'meeting-held-by-csm-or-tl', event: { type: 'meeting-held' }, allowed: ['csm', 'cs-team-lead'], refused: ['cs-manager', null] },
      { rule: 'outcome-by-csm-or-tl', event: { type: 'customer-accepted' }, allowed: ['csm', 'cs-team-lead'], refused: ['accounting-analyst'] },
      { rule: 'outcome-by-csm-or-tl', event: { type: 'customer-rejected' }, allowed: ['csm'], refused: ['fmc-lead'] },
      { rule: 'outcome-by-csm-or-tl', event: { type: 'churned' }, allowed: ['cs-team-lead'], refused: ['desk-agent'] },
    ],
  ],
];

describe('role rules', () => {
  it('every declared rule has a case here', () => {
    const declared = [...(live.access?.rules ?? []), ...(account.access?.rules ?? []), ...(gameday.access?.rules ?? [])].map((r) => r.id);
    const tested = new Set(cases.flatMap(([, , cs]) => cs.map((c) => c.rule)));
    expect(declared.filter((id) => !tested.has(id))).toEqual([]);
  });

  for (const [def, facts, list] of cases) {
    for (const c of list) {
      it(`${def.name} ${c.rule}: ${c.event.type} allowed for ${c.allowed.join(', ')}; refused for ${c.refused.map((r) => r ?? 'a tool alone').join(', ')}`, () => {
        for (const person of c.allowed) {
          const d = decide(def.access, c.event, as(person), facts, settings);
          expect(d, person).toMatchObject({ allowed: true });
          expect(d.allowed && d.rules).toContain(c.rule);
        }
        for (const person of c.refused) {
          const d = decide(def.access, c.event, as(person), facts, settings);
          expect(d, String(person)).toMatchObject({ allowed: false, rule: c.rule });
          expect(!d.allowed && d.reason).toContain(`(rule ${c.rule})`);
        }
      });
    }
  }

  it('owner-acknowledges names the people of this escalation in its reason', () => {
    const d = decide(live.access, { type: 'owner-acknowledged' }, as('desk-agent'), liveFacts, settings);
    expect(!d.allowed && d.reason).toBe(
      "'owner-acknowledged' may be sent only by the booking owner (booking-owner) or their portfolio team lead (portfolio-team-lead); desk-agent is not (rule owner-acknowledges)",
    );
  });

  it('finance-skip-by-team-lead: within the limit allowed, above it or without mrrAfter refused, even for the team lead', () => {
    const tl = as('cs-team-lead');
    const skip = (mrrAfter?: number) => ({
      type: 'resolution-proposed',
      offer: 'discount',
      financeApproval: false,
      ...(mrrAfter !== undefined && { mrrAfter: { amount: mrrAfter } }),
    });
    expect(decide(account.access, skip(9_000), tl, accountFacts, settings)).toMatchObject({ allowed: true }); // exactly 10 %
    expect(decide(account.access, skip(12_000), tl, accountFacts, settings)).toMatchObject({ allowed: true }); // an upsell
    const over = decide(account.access, skip(8_999), tl, accountFacts, settings);
    expect(over).toMatchObject({ allowed: false, rule: 'finance-skip-by-team-lead' });
    expect(!over.allowed && over.reason).toMatch(/lowers MRR by 10\.0% .*at most 10%/);
    const unstated = decide(account.access, skip(), tl, accountFacts, settings);
    expect(!unstated.allowed && unstated.reason).toMatch(/must state mrrAfter/);
    expect(decide(account.access, skip(9_900), tl, accountFacts, { financeSkipLimitPercent: 0 })).toMatchObject({ allowed: false });
  });

  it('events no rule governs are open (the desk reports what happened)', () => {
    expect(decide(live.access, { type: 'facilitator-arrived' }, as(null), liveFacts, settings)).toEqual({ allowed: true, rules: [] });
    expect(decide(account.access, { type: 'note', text: 'x' }, as('fmc-lead'), accountFacts, settings)).toEqual({ allowed: true, rules: [] });
  });
});
