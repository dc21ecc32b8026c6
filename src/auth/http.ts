// Authentication and scope checks for the HTTP API, as an onRequest hook. Every route needs a valid
// credential unless it says otherwise (fail closed): `config: { auth: { scope } }` also needs that
// scope; `config: { auth: 'public' }` (health, docs) and `'slack'` (Slack's signed requests,
// checked by src/slack) need none. Failures are problem+json: 401 with `WWW-Authenticate`, 403
// naming the missing scope.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemResponses } from '../http/openapi.js';
import { HttpProblem, RETRY_AFTER_SECONDS } from '../problem.js';
import { looksLikeApiKey, type ApiKeys } from './api-keys.js';
import { OidcVerifier, TokenRejected } from './oidc.js';
import type { Identities, Principal } from './principal.js';
import { SCOPES, type Scope } from './scopes.js';
import type { AuthSettings } from './settings.js';

export type RouteAuth = 'public' | 'slack' | { scope?: Scope };

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on public routes (and before the hook ran). */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const REALM = 'escalation-engine';

/** The route's scope, written into its OpenAPI description. */
export function scopeNote(scope: Scope): string {
  return `Needs scope \`${scope}\`: ${SCOPES[scope]}.`;
}

/** OpenAPI security schemes: API keys always, OIDC when an issuer is configured. */
export function securitySchemes(oidc: OidcVerifier | undefined): Record<string, Record<string, string>> {
  return {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description: 'An API key (`ee_…`), one per calling tool, with the scopes API_KEYS_FILE gives it. `Authorization: Bearer ee_…`.',
    },
    ...(oidc && {
      oidc: {
        type: 'openIdConnect',
        openIdConnectUrl: oidc.discoveryUrl,
        description: "An access token from the OIDC issuer; scopes in `scope`/`scp`; a person by the token's person claim, else a tool by `azp`.",
      },
    }),
  };
}

export class Authenticator {
  readonly oidc: OidcVerifier | undefined;

  constructor(
    private readonly apiKeys: ApiKeys,
    settings: AuthSettings,
    identities: Identities,
  ) {
    this.oidc = settings.oidc ? new OidcVerifier(settings.oidc, identities) : undefined;
  }

  /** The caller behind `Authorization: Bearer <API key | JWT>`; throws 401/403 problems. */
  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
    if (!match) {
      challenge(reply);
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', header ? 'the Authorization header is not "Bearer <credential>"' : 'this needs a credential: Authorization: Bearer <API key or OIDC token>');
    }
    const token = match[1]!;
    if (looksLikeApiKey(token)) {
      const entry = this.apiKeys.verify(token);
      if (!entry) {
        challenge(reply, 'invalid_token');
        throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'unknown or revoked API key');
      }
      return { kind: 'tool', tool: entry.tool, scopes: entry.scopes, via: 'api-key' };
    }
    if (!this.oidc) {
      challenge(reply, 'invalid_token');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'not an API key, and no OIDC issuer is configured for bearer tokens');
    }
    try {
      return await this.oidc.verify(token);
    } catch (err) {
      if (!(err instanceof TokenRejected)) {
        request.log.error({ err }, 'OIDC verification failed');
        throw new HttpProblem(503, 'identity-provider-unavailable', 'Service unavailable', 'bearer tokens cannot be verified right now (identity provider unreachable)', {
          headers: { 'retry-after': String(RETRY_AFTER_SECONDS.identityProvider) },
          cause: err,
        });
      }
      if (err.status === 401) challenge(reply, 'invalid_token');
      throw new HttpProblem(err.status, err.status === 401 ? 'unauthorized' : 'forbidden', err.status === 401 ? 'Unauthorized' : 'Forbidden', err.message);
    }
  }
}

export function requireScope(principal: Principal, scope: Scope, reply?: FastifyReply): void {
  if (principal.scopes.has(scope)) return;
  reply?.header('www-authenticate', `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`);
  const has = [...principal.scopes].join(', ') || 'none';
  throw new HttpProblem(403, 'insufficient-scope', 'Forbidden', `this needs scope '${scope}'; the credential has: ${has}`);
}

function challenge(reply: FastifyReply, error?: 'invalid_token'): void {
  reply.header('www-authenticate', `Bearer realm="${REALM}"${error ? `, error="${error}"` : ''}`);
}

/**
 * Installs the hook on the root instance, before the routes. It also writes each route's OpenAPI
 * security requirement, its scope into the description and the 401/403/429 answers, so routes
 * declare only `config.auth`. Swagger UI's pages are public, as /openapi.json is.
 */
export function installAuth(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    // Swagger UI's pages, and CORS preflights (a browser sends them without credentials).
    if (route.url.startsWith('/docs') || route.method === 'OPTIONS') route.config = { ...route.config, auth: 'public' };
    const auth = route.config?.auth ?? {};
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema || schema.hide) return;
    if (auth === 'public' || auth === 'slack') {
      schema.security = [];
      return;
    }
    schema.security = [{ apiKey: [] }, ...(authenticator.oidc ? [{ oidc: auth.scope ? [auth.scope] : [] }] : [])];
    if (auth.scope) schema.description = [scopeNote(auth.scope), schema.description].filter(Boolean).join(' ');
    // The route's own answers win (a 403 it describes itself); 503 when tokens need the identity provider.
    schema.response = { ...problemResponses(401, 403, 429, ...(authenticator.oidc ? [503] : [])), ...(schema.response as object | undefined) };
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const auth = request.routeOptions.config.auth ?? {};
    if (auth === 'public' || auth === 'slack') return;
    const principal = await authenticator.authenticate(request, reply);
    request.principal = principal;
    if (auth.scope) requireScope(principal, auth.scope, reply);
  });
}
