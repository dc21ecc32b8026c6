// OIDC / JWT bearer tokens: signature checked against the issuer's published keys (JWKS, fetched
// and cached by `jose`, refreshed when a token names an unknown key id), then issuer, audience,
// expiry. A token that names a person (by default its `email` claim) acts as that directory person;
// one without (a client-credentials token) acts as the tool named by `azp` / `client_id`.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { type Identities, type Principal } from './principal.js';
import { isScope, type Scope } from './scopes.js';

export interface OidcSettings {
  /** OIDC_ISSUER: must equal the tokens' `iss`. */
  issuer: string;
  /** OIDC_AUDIENCE: must be in the tokens' `aud`. */
  audience: string;
  /** OIDC_JWKS_URL; default: `jwks_uri` from the issuer's /.well-known/openid-configuration. */
  jwksUrl?: string | undefined;
  /** OIDC_PERSON_CLAIM (default `email`): the claim naming the person, an e-mail or a directory key. */
  personClaim: string;
}

/** Asymmetric algorithms only: an HMAC secret or `none` can never pass for an issuer's signature. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Why a token was not accepted; `status` 401 (not a valid token) or 403 (valid, but nobody we know). */
export class TokenRejected extends Error {
  constructor(
    message: string,
    readonly status: 401 | 403 = 401,
  ) {
    super(message);
  }
}

export class OidcVerifier {
  #jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly identities: Identities,
  ) {}

  /** The OpenID configuration document's URL (for the OpenAPI security scheme). */
  get discoveryUrl(): string {
    return `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      // Keys are looked up only for a token that parses: garbage is a 401 even when the issuer is down.
      ({ payload } = await jwtVerify(token, async (header, jws) => (await this.keys())(header, jws), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: 30,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw new TokenRejected(`bearer token rejected: ${describe(err)}`);
      throw err;
    }
    const scopes = scopesOf(payload);
    const named = payload[this.settings.personClaim];
    if (typeof named === 'string' && named !== '') {
      const person = this.identities.hasPerson(named) ? named : this.identities.byEmail(named);
      if (!person) throw new TokenRejected(`the token's ${this.settings.personClaim} '${named}' is no person in the directory`, 403);
      return { kind: 'person', person, scopes, via: 'oidc' };
    }
    const client = [payload.azp, payload.client_id, payload.sub].find((v): v is string => typeof v === 'string' && v !== '');
    if (!client) throw new TokenRejected('the token names neither a person nor a client (azp, client_id, sub)');
    return { kind: 'tool', tool: client.slice(0, 100), scopes, via: 'oidc' };
  }

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.#jwks ??= this.discover().catch((err: unknown) => {
      this.#jwks = undefined; // try the discovery again with the next token
      throw err;
    });
    return this.#jwks;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.settings.jwksUrl) return createRemoteJWKSet(new URL(this.settings.jwksUrl));
    const res = await fetch(this.discoveryUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`OIDC discovery at ${this.discoveryUrl} answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== this.settings.issuer) throw new Error(`OIDC discovery: issuer ${String(doc.issuer)} is not OIDC_ISSUER ${this.settings.issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new Error('OIDC discovery: no jwks_uri');
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  }
}

function scopesOf(payload: JWTPayload): Set<Scope> {
  const raw = payload.scope ?? payload.scp;
  const list = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw.map(String) : [];
  return new Set(list.filter(isScope));
}

function describe(err: joseErrors.JOSEError): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} ${err.reason === 'check_failed' ? 'does not match' : 'missing'}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'signed by an unknown key';
  return err.code.toLowerCase().replace(/^err_/, '').replace(/_/g, ' ');
}
