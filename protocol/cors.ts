/**
 * Cross-origin access (the Fetch standard's CORS protocol), per route: the well-known documents
 * (and the offer, which a link already hands out) are public and answer `*`; the endpoints a
 * browser wallet calls answer only the configured origins (`cors.origins`, empty by default: no
 * CORS); the admin API never. No credentials mode: no cookie is ever used, DPoP and
 * Authorization are sent as headers, so `Access-Control-Allow-Credentials` is never sent.
 */
export type CorsPolicy = 'public' | 'configuredOrigins' | 'never';

/** What a wallet sends cross-origin: the form or JSON type, the access token, DPoP and the wallet attestation (RFC 9449, draft-ietf-oauth-attestation-based-client-auth). */
const ALLOWED_HEADERS = 'Content-Type, Authorization, DPoP, OAuth-Client-Attestation, OAuth-Client-Attestation-PoP';
/** The DPoP challenge of a 401 (RFC 9449 §7.1) must be readable by the wallet's script. */
const EXPOSED_HEADERS = 'WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export interface CorsRules {
  /** The origins allowed at `configuredOrigins` routes, exact `scheme://host[:port]` strings. */
  origins: ReadonlySet<string>;
}

/** The CORS headers of an actual response: none for an origin that is not allowed, so the browser keeps the answer from the page. */
export function corsHeaders(policy: CorsPolicy, origin: string | null, rules: CorsRules): Record<string, string> {
  if (policy === 'public') return { 'Access-Control-Allow-Origin': '*' };
  if (policy === 'never' || origin === null || !rules.origins.has(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
}

/** The CORS headers of a preflight (`OPTIONS` with `Access-Control-Request-Method`): the methods and headers allowed, or none. */
export function preflightHeaders(
  policy: CorsPolicy,
  origin: string | null,
  rules: CorsRules,
  methods: readonly string[],
): Record<string, string> {
  const allowed = corsHeaders(policy, origin, rules);
  if (!allowed['Access-Control-Allow-Origin']) return {};
  return {
    ...allowed,
    'Access-Control-Allow-Methods': methods.join(', '),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
