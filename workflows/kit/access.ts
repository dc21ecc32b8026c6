// Role checks per event, as a playbook declares them beside its events (its access.ts): which people
// may send which event (rules as data: the events they govern, when they apply, who is allowed, an
// optional limit). Pure types: the API evaluates them (src/auth/rules.ts) against the directory and
// the escalation's facts; a refusal names its rule, answers 403, and is recorded on the timeline.

/**
 * What the rules know about one escalation, taken from its input when it starts (kept in the
 * workflow's memo): the people it names for each role, and numbers the limits need.
 * E.g. `{ csm: 'csm', teamLead: 'cs-team-lead', mrr: 12000 }`.
 */
export type AccessFacts = Readonly<Record<string, string | number | boolean | null>>;

/** Settings from the configuration that limits read, e.g. `{ financeSkipLimitPercent: 10 }`. */
export type AccessSettings = Readonly<Record<string, number>>;

/**
 * Who a rule allows: the person the escalation names in a role (a fact), a directory group's members,
 * or the members of the group the escalation names (a fact holding a group key, e.g. an event's
 * response group from the directory file).
 */
export type Allowed = { party: string; label: string } | { group: string; label: string } | { groupOf: string; label: string };

export type AnyEvent = { type: string; [field: string]: unknown };

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
export interface PlaybookAccess<Input = never, E extends { type: string } = AnyEvent> {
  /**
   * The facts, from the input and the playbook's section of the directory file (`playbooks.<name>`,
   * undefined when it has none): computed once, when the escalation starts.
   */
  facts(input: Input, settings?: unknown): AccessFacts;
  rules: readonly AccessRule<E>[];
}
