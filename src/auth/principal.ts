// Who a request comes from (the credential), and who an event is recorded as (the actor).
import type { Directory } from '../directory.js';
import type { Scope } from './scopes.js';

/**
 * The authenticated caller:
 * - `tool`: an internal tool, by its API key or an OIDC client-credentials token (no person);
 * - `person`: a directory person, by an OIDC user token or a Slack request.
 */
export type Principal =
  | { kind: 'tool'; tool: string; scopes: ReadonlySet<Scope>; via: 'api-key' | 'oidc' }
  | { kind: 'person'; person: string; scopes: ReadonlySet<Scope>; via: 'oidc' | 'slack' };

/** Who an action is recorded as and what role checks judge. */
export interface Actor {
  /** The directory person acting, directly or through a tool; null for a tool on its own. */
  person: string | null;
  /** The tool the action came through, if any. */
  tool: string | null;
  via: Principal['via'];
  /** As recorded on the timeline: `riley-lead`, `tool:crm-sync`, `tool:crm-sync on behalf of riley-lead`. */
  label: string;
}

/** A stable key per credential, e.g. for rate limiting: `tool:crm-sync`, `person:riley-lead`. */
export function principalKey(p: Principal): string {
  return p.kind === 'tool' ? `tool:${p.tool}` : `person:${p.person}`;
}

/**
 * The directory person an actor label names (`riley-lead`, or `tool:crm-sync on behalf of riley-lead`
 * -> `riley-lead`); a tool acting as itself (`tool:crm-sync`) names nobody: undefined.
 */
export function personOfLabel(label: string): string | undefined {
  const onBehalf = / on behalf of (\S+)$/.exec(label);
  if (onBehalf) return onBehalf[1];
  return label.startsWith('tool:') ? undefined : label;
}

export function actorOf(p: Principal, onBehalfOf?: string): Actor {
  if (p.kind === 'person') return { person: p.person, tool: null, via: p.via, label: p.person };
  if (onBehalfOf) return { person: onBehalfOf, tool: p.tool, via: p.via, label: `tool:${p.tool} on behalf of ${onBehalfOf}` };
  return { person: null, tool: p.tool, via: p.via, label: `tool:${p.tool}` };
}

/** Directory look-ups for identities: Slack user ids and e-mail addresses to person keys, groups of a person. */
export class Identities {
  readonly #bySlackId = new Map<string, string>();
  readonly #byEmail = new Map<string, string>();

  constructor(readonly directory: Directory) {
    for (const [key, person] of Object.entries(directory.data.people)) {
      if (person.slackUserId) this.#bySlackId.set(person.slackUserId, key);
      this.#byEmail.set(person.email.toLowerCase(), key);
    }
  }

  bySlackUser(userId: string): string | undefined {
    return this.#bySlackId.get(userId);
  }

  byEmail(email: string): string | undefined {
    return this.#byEmail.get(email.toLowerCase());
  }

  hasPerson(key: string): boolean {
    return this.directory.hasPerson(key);
  }

  /** Directory group keys the person belongs to. */
  groupsOf(person: string): string[] {
    return Object.entries(this.directory.data.groups)
      .filter(([, g]) => g.members.includes(person))
      .map(([key]) => key);
  }
}
