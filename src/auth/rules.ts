// Role checks per event: evaluates a playbook's rules (declared beside its events, types in
// workflows/kit/access.ts) for an actor against the directory and the escalation's facts. A refusal
// names its rule; the API answers 403 and records the attempt on the escalation's timeline.

import type { AccessFacts, AccessRule, AccessSettings, Allowed, PlaybookAccess } from '../../workflows/kit/access.js';

export type { AccessFacts, AccessRule, AccessSettings, Allowed, AnyEvent, PlaybookAccess } from '../../workflows/kit/access.js';

export interface ActorView {
  /** Directory person key, or null for a tool acting on its own. */
  person: string | null;
  label: string;
  /** Directory groups of the person. */
  groups: readonly string[];
}

export type AccessDecision =
  | { allowed: true; rules: string[] }
  | { allowed: false; rule: string; reason: string };

/** "the booking owner (booking-owner) or their portfolio team lead (portfolio-team-lead)"; without facts, the labels only. */
export function whoMay(rule: AccessRule<never>, facts?: AccessFacts): string {
  const labels = rule.allow.map((a) => {
    const value = facts && 'party' in a ? facts[a.party] : facts && 'groupOf' in a ? facts[a.groupOf] : undefined;
    return typeof value === 'string' ? `${a.label} (${value})` : a.label;
  });
  return labels.length <= 1 ? (labels[0] ?? 'nobody') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
}

function matches(allowed: Allowed, actor: ActorView, facts: AccessFacts): boolean {
  if (actor.person === null) return false;
  if ('party' in allowed) return facts[allowed.party] === actor.person;
  if ('groupOf' in allowed) {
    const group = facts[allowed.groupOf];
    return typeof group === 'string' && actor.groups.includes(group);
  }
  return actor.groups.includes(allowed.group);
}

/** Every rule that governs the event must allow the actor; events no rule governs are open to any caller that may send events. */
export function decide<E extends { type: string }>(
  access: PlaybookAccess<never, E> | undefined,
  event: E,
  actor: ActorView,
  facts: AccessFacts,
  settings: AccessSettings,
): AccessDecision {
  const applied: string[] = [];
  for (const rule of access?.rules ?? []) {
    if (!rule.events.includes(event.type) || (rule.when && !rule.when(event))) continue;
    if (!rule.allow.some((a) => matches(a, actor, facts))) {
      const who = whoMay(rule as AccessRule<never>, facts);
      const reason =
        actor.person === null
          ? `'${event.type}' may be sent only by ${who}: a tool must send it on behalf of that person (scope on-behalf-of)`
          : `'${event.type}' may be sent only by ${who}; ${actor.person} is not`;
      return { allowed: false, rule: rule.id, reason: `${reason} (rule ${rule.id})` };
    }
    const over = rule.limit?.(event, facts, settings);
    if (over) return { allowed: false, rule: rule.id, reason: `${over} (rule ${rule.id})` };
    applied.push(rule.id);
  }
  return { allowed: true, rules: applied };
}
