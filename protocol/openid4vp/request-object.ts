import { z } from 'zod';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { signCompactJws } from '../jose/compact-jws.js';
import { KB_JWT_ALGORITHMS, RESPONSE_ENCRYPTION, SD_JWT_ALGORITHMS } from '../capabilities.js';

export type ClientIdPrefix = 'x509_san_dns' | 'x509_hash' | 'redirect_uri';
export type ResponseMode = 'direct_post' | 'direct_post.jwt';

/** OpenID4VP §6: the subset of DCQL the issuer's verifier sends (SD-JWT VC credentials, claims by path). */
export const DcqlQuery = z.object({
  credentials: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9_-]+$/),
        format: z.literal('dc+sd-jwt'),
        meta: z.object({ vct_values: z.array(z.string().min(1)).min(1) }),
        claims: z.array(z.object({ path: z.array(z.string().min(1)).min(1) })),
      }),
    )
    .min(1),
});
export type DcqlQuery = z.infer<typeof DcqlQuery>;

/** The audience of a request object under static wallet discovery (OpenID4VP §5.8). */
const SELF_ISSUED_AUDIENCE = 'https://self-issued.me/v2';
const REQUEST_OBJECT_TYPE = 'oauth-authz-req+jwt';

/** The DCQL credential query id of the PID the issuer asks for; the vp_token answers it under this id (OpenID4VP §8.1). */
export const PID_QUERY_ID = 'pid';

/** OpenID4VP §6, App. B.3: one SD-JWT VC PID (`meta.vct_values` is required) with the named top-level claims. */
export function pidDcqlQuery(vct: string[], claims: string[]): DcqlQuery {
  return {
    credentials: [
      {
        id: PID_QUERY_ID,
        format: 'dc+sd-jwt',
        meta: { vct_values: vct },
        claims: claims.map((name) => ({ path: [name] })),
      },
    ],
  };
}

/** OpenID4VP §5.9.3: the verifier's client identifier, with a prefix telling the wallet how to trust the request. */
export function clientIdFor(input: {
  keys: IssuerKeys;
  clientIdPrefix: ClientIdPrefix;
  dns: string;
  responseUri: string;
}): string {
  switch (input.clientIdPrefix) {
    case 'x509_san_dns':
      // OpenID4VP §5.9.3: without other trust, the wallet requires the response_uri host to be the SAN dNSName.
      if (new URL(input.responseUri).hostname !== input.dns)
        throw new Error(`x509_san_dns:${input.dns} does not match the host of ${input.responseUri}`);
      return `x509_san_dns:${input.dns}`;
    case 'x509_hash':
      return `x509_hash:${input.keys.x509Hash()}`;
    case 'redirect_uri':
      return `redirect_uri:${input.responseUri}`;
  }
}

/** OpenID4VP §5.10: the URI a wallet starts from, `openid4vp://?client_id=…&request_uri=…[&request_uri_method=post]`. */
export function presentationUri(clientId: string, requestUri: string, method?: 'post'): string {
  const query = new URLSearchParams({ client_id: clientId, request_uri: requestUri });
  if (method) query.set('request_uri_method', method);
  return `openid4vp://?${query.toString()}`;
}

function unsignedJwt(claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: REQUEST_OBJECT_TYPE })}.${encode(claims)}.`;
}

/**
 * The request object (OpenID4VP §5, §5.8). For the x509 prefixes it is signed with the current
 * key, `typ: oauth-authz-req+jwt` and the certificate in `x5c`; for `redirect_uri:` it is unsigned,
 * as §5.9.3 requires. With direct_post.jwt the client metadata carries this request's encryption key
 * (OpenID4VP §8.3; HAIP §5.1: ECDH-ES P-256, both A128GCM and A256GCM).
 */
export async function buildRequestObject(input: {
  keys: IssuerKeys;
  clientIdPrefix: ClientIdPrefix;
  dns: string;
  responseUri: string;
  nonce: string;
  state: string;
  responseMode: ResponseMode;
  dcqlQuery: DcqlQuery;
  now: number;
  lifetimeSeconds: number;
  requestId: string;
  walletNonce?: string;
}): Promise<{ clientId: string; requestObject: string; contentType: 'application/oauth-authz-req+jwt' }> {
  const clientId = clientIdFor(input);
  const iat = Math.floor(input.now / 1000);
  const encryption =
    input.responseMode === 'direct_post.jwt'
      ? {
          jwks: { keys: [input.keys.responseEncryptionJwk(input.requestId)] },
          encrypted_response_enc_values_supported: RESPONSE_ENCRYPTION.encodings,
        }
      : {};
  const claims = {
    response_type: 'vp_token',
    response_mode: input.responseMode,
    response_uri: input.responseUri,
    // OpenID4VP §5.10.1: the client_id claim equals the query client_id, prefix included.
    client_id: clientId,
    nonce: input.nonce,
    state: input.state,
    dcql_query: input.dcqlQuery,
    client_metadata: {
      // OpenID4VP App. B.3.4: what verify-presentation accepts.
      vp_formats_supported: {
        'dc+sd-jwt': { 'sd-jwt_alg_values': SD_JWT_ALGORITHMS, 'kb-jwt_alg_values': KB_JWT_ALGORITHMS },
      },
      ...encryption,
    },
    aud: SELF_ISSUED_AUDIENCE,
    iat,
    exp: iat + input.lifetimeSeconds,
    // OpenID4VP §5.10: a wallet that POSTed to the request_uri gets its wallet_nonce back.
    ...(input.walletNonce !== undefined && { wallet_nonce: input.walletNonce }),
  };
  if (input.clientIdPrefix === 'redirect_uri') {
    // OpenID4VP §5.9.3: a request with the redirect_uri prefix must not be signed.
    return { clientId, requestObject: unsignedJwt(claims), contentType: 'application/oauth-authz-req+jwt' };
  }
  const signer = input.keys.verifierSigner();
  const requestObject = await signCompactJws(
    signer,
    { alg: signer.alg, typ: REQUEST_OBJECT_TYPE, x5c: signer.x5c },
    claims,
  );
  return { clientId, requestObject, contentType: 'application/oauth-authz-req+jwt' };
}
