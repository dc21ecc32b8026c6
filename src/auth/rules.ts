// Role checks per event: each playbook declares, beside its events, which people may send which
// event (rules as data: the events they govern, when they apply, who is allowed, and an optional
// limit). This module evaluates them for an actor against the directory and the escalation's facts.
// A refusal names its rule; the API answers 403 and records the attempt on the escalation's timeline.

/**
 * What the rules know about one escalation, taken from its input when it starts (kept in the
 * workflow's memo): the people it names for each role, and numbers the limits need.
 * E.g. `{ csm: 'csm', teamLead: 'cs-team-lead', mrr: 12000 }`.
 */
export type AccessFacts = Readonly<Record<string, string | number | boolean | null>>;

/** Settings from the configuration that limits read, e.g. `{ financeSkipLimitPercent: 10 }`. */
export type AccessSettings = Readonly<Record<string, number>>;

/** Who a rule allows: the person the escalation names in a role (a fact), or a directory group's members. */
export type Allowed = { party: string; label: string } | { group: string; label: string };

export interface AccessRule<E extends { type: string } = { type: string }> {
  /** Stable name, in the 403 and on the timeline, e.g. `finance-decision-by-accounting`. */
  id: string;
  /** The event types it governs. */
  events: readonly E['type'][];
  /** It governs only events for which this holds (e.g. `financeApproval === false`); default all. */
  when?(event: E): boolean;
  /** Any one of these may send the event. */
  allow: readonly Allowed[];
  /**
   * A limit beyond who: returns why this event exceeds it (e.g. an offer above the configured
   * limit), or undefined. Only checked for an allowed actor.
   */
  limit?(event: E, facts: AccessFacts, settings: AccessSettings): string | undefined;
  /** Where the rule comes from (the SOP step), for the README and the reader. */
  source: string;
}

/** A playbook's rules and how its input turns into facts. */
export type AnyEvent = { type: string; [field: string]: unknown };

export interface PlaybookAccess<Input = never, E extends { type: string } = AnyEvent> {
  facts(input: Input): AccessFacts;
  rules: readonly AccessRule<E>[];
}

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
    const value = facts && 'party' in a ? facts[a.party] : undefined;
    return typeof value === 'string' ? `${a.label} (${value})` : a.label;
  });
  return labels.length <= 1 ? (labels[0] ?? 'nobody') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
}

function matches(allowed: Allowed, actor: ActorView, facts: AccessFacts): boolean {
  if (actor.person === null) return false;
  if ('party' in allowed) return facts[allowed.party] === actor.person;
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
