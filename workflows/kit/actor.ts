// Who sent an event, as a directory person. The API records an event's `actor` as the credential
// says (src/auth/principal.ts actorOf): `riley-lead` (a person), `tool:crm-sync` (a tool on its
// own), `tool:crm-sync on behalf of riley-lead` (a tool acting for a person it was allowed to name).

const PERSON = /^[a-z0-9][a-z0-9-]*$/;
const ON_BEHALF = /^tool:[^\s]+ on behalf of ([a-z0-9][a-z0-9-]*)$/;

/**
 * The directory person key behind an event's `actor` label, or null for a tool on its own (or no
 * actor). For defaults such as "the assignee is the sender".
 */
export function actorPerson(actor: string | undefined): string | null {
  if (!actor) return null;
  if (PERSON.test(actor)) return actor;
  return ON_BEHALF.exec(actor)?.[1] ?? null;
}
