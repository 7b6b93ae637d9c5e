import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { KB_JWT_ALGORITHMS, RESPONSE_ENCRYPTION, SD_JWT_ALGORITHMS } from '../capabilities.js';
import { signCompactJws } from '../jose/compact-jws.js';
import type { InteractiveDialect } from '../interactive/interaction-types.js';
import { clientIdFor, type ClientIdPrefix, type DcqlQuery, type ResponseMode } from './request-object.js';

/** The `openid4vp_request` of an interaction answer: signed by value, or (for the `redirect_uri` prefix) unsigned members. */
export type RequestByValue = { request: string } | Record<string, unknown>;

/** protocol-ia.md §3.1, §3.2: S1/S2 answer to the IAE with `iae_post`, S3 to the challenge endpoint with `ia_post`; `.jwt` encrypted. */
export function carriedResponseMode(dialect: InteractiveDialect, mode: ResponseMode): string {
  const base = dialect === 'S3' ? 'ia_post' : 'iae_post';
  return mode === 'direct_post.jwt' ? `${base}.jwt` : base;
}

/**
 * protocol-ia.md §3.1 (S1 with PR #695 / S2) and §3.2 (S3): where the wallet checks the request came
 * from. S1 names the exact endpoint URL in `expected_url`; S2 and S3 the endpoint's origin, alone,
 * in `expected_origins`.
 */
function originBinding(dialect: InteractiveDialect, endpointUrl: string) {
  return dialect === 'S1' ? { expected_url: endpointUrl } : { expected_origins: [new URL(endpointUrl).origin] };
}

/**
 * The OpenID4VP request inside an interaction answer (OpenID4VP App. A as the DC API has it, with
 * the IAE/IA changes of protocol-ia.md §4): by value, no request_uri, no response_uri, no state;
 * DCQL; the nonce bound to the session; for the x509 prefixes signed (`typ: oauth-authz-req+jwt`,
 * `x5c`) with `client_id`; for `.jwt` modes this request's encryption key in `client_metadata`.
 */
export async function buildRequestByValue(input: {
  keys: IssuerKeys;
  dialect: InteractiveDialect;
  clientIdPrefix: ClientIdPrefix;
  /** The endpoint the wallet answers to: the IAE (S1/S2) or the challenge endpoint (S3). */
  endpointUrl: string;
  nonce: string;
  responseMode: ResponseMode;
  dcqlQuery: DcqlQuery;
  now: number;
  lifetimeSeconds: number;
  requestId: string;
}): Promise<{ clientId: string; openid4vpRequest: RequestByValue }> {
  const dns = new URL(input.endpointUrl).hostname;
  const clientId = clientIdFor({ ...input, dns, responseUri: input.endpointUrl });
  const iat = Math.floor(input.now / 1000);
  const encrypted = input.responseMode === 'direct_post.jwt';
  const members = {
    response_type: 'vp_token',
    response_mode: carriedResponseMode(input.dialect, input.responseMode),
    nonce: input.nonce,
    dcql_query: input.dcqlQuery,
    client_metadata: {
      vp_formats_supported: {
        'dc+sd-jwt': { 'sd-jwt_alg_values': SD_JWT_ALGORITHMS, 'kb-jwt_alg_values': KB_JWT_ALGORITHMS },
      },
      ...(encrypted && {
        jwks: { keys: [input.keys.responseEncryptionJwk(input.requestId)] },
        encrypted_response_enc_values_supported: RESPONSE_ENCRYPTION.encodings,
      }),
    },
  };
  // OpenID4VP App. A.2: an unsigned request omits client_id (and so cannot name an x509 verifier).
  if (input.clientIdPrefix === 'redirect_uri') return { clientId, openid4vpRequest: members };
  const signer = input.keys.verifierSigner();
  const claims = {
    ...members,
    client_id: clientId,
    ...originBinding(input.dialect, input.endpointUrl),
    iat,
    exp: iat + input.lifetimeSeconds,
  };
  const request = await signCompactJws(
    signer,
    { alg: signer.alg, typ: 'oauth-authz-req+jwt', x5c: signer.x5c },
    claims,
  );
  return { clientId, openid4vpRequest: { request } };
}
