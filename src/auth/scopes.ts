// What a credential may do. API keys list their scopes in the keys file; OIDC tokens carry them in
// the `scope` (space-separated) or `scp` (array) claim.

export const SCOPES = {
  'escalations:start': 'Start escalations (POST /escalations)',
  'escalations:read': 'Read and list escalations (GET /escalations, GET /escalations/{id})',
  'events:send': 'Deliver events to escalations (POST /escalations/{id}/events)',
  'on-behalf-of':
    'Name the directory person the tool acts for (`actor` of an event, `reportedBy` of a start); recorded as "tool:<name> on behalf of <person>"',
} as const;

export type Scope = keyof typeof SCOPES;

export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}
