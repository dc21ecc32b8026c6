// The actor of a request: who the credential says. A person acts as themselves; a tool acts as
// itself, or names the directory person it acts for when its scope allows ("on behalf of").
import { HttpProblem, problems } from '../problem.js';
import { requireScope } from './http.js';
import { actorOf, type Actor, type Identities, type Principal } from './principal.js';

/**
 * `named` is what the request says (an event's `actor`, a start's `reportedBy`); `field` its JSON
 * pointer for errors. Throws 400 (no such person) or 403 (naming someone else without the scope).
 */
export function resolveActor(principal: Principal, named: unknown, identities: Identities, field: string): Actor {
  if (named === undefined || named === null) return actorOf(principal);
  if (principal.kind === 'person') {
    if (named === principal.person) return actorOf(principal);
    throw new HttpProblem(403, 'actor-mismatch', 'Forbidden', `${principal.person} acts as themselves; ${field} names '${String(named)}'`);
  }
  requireScope(principal, 'on-behalf-of');
  if (typeof named !== 'string' || !identities.hasPerson(named)) {
    const message = `must be a person key in the directory (the person tool:${principal.tool} acts for)`;
    throw problems.validation(`${field}: ${message}`, [{ in: 'body', field, message }]);
  }
  return actorOf(principal, named);
}
