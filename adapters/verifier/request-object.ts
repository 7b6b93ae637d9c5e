import { SignJWT, UnsecuredJWT } from 'jose';
import { z } from 'zod';
import type { KeyRing } from '../jose/keyring.js';

export type ClientIdPrefix = 'x509_san_dns' | 'x509_hash' | 'redirect_uri';

export const DcqlQuery = z.object({
  credentials: z.array(
    z.object({
      id: z.string(),
      format: z.literal('dc+sd-jwt'),
      meta: z.object({ vct_values: z.array(z.string()).min(1) }),
      claims: z.array(z.object({ path: z.array(z.string()).min(1) })),
    }),
  ),
});
export type DcqlQuery = z.infer<typeof DcqlQuery>;

/** OpenID4VP §6, App. B.3: a DCQL query for one SD-JWT VC PID with the named claims. */
export function pidDcqlQuery(vctValues: string[], claims: string[]): DcqlQuery {
  return { credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: vctValues }, claims: claims.map((name) => ({ path: [name] })) }] };
}

/** OpenID4VP §5.9.3: the verifier's client identifier with a prefix the wallet can check. */
export function clientIdFor(input: { keyRing: KeyRing; clientIdPrefix: ClientIdPrefix; dns: string; responseUri: string }): string {
  switch (input.clientIdPrefix) {
    case 'x509_san_dns':
      return `x509_san_dns:${input.dns}`;
    case 'x509_hash':
      return `x509_hash:${input.keyRing.x509Hash()}`;
    case 'redirect_uri':
      return `redirect_uri:${input.responseUri}`;
  }
}

/** OpenID4VP §5.10: the URI the wallet starts from, `openid4vp://?client_id=…&request_uri=…`. */
export function presentationUri(clientId: string, requestUri: string, method?: 'post'): string {
  const query = new URLSearchParams({ client_id: clientId, request_uri: requestUri, ...(method && { request_uri_method: method }) });
  return `openid4vp://?${query.toString()}`;
}

/**
 * The request object (OpenID4VP §5, §5.8): signed with the certificate's key for the x509
 * prefixes (typ oauth-authz-req+jwt, x5c), unsigned for `redirect_uri:` as §5.9.3 requires.
 * With direct_post.jwt it carries the per-request encryption key (HAIP §5.1).
 */
export async function buildRequestObject(input: {
  keyRing: KeyRing;
  clientIdPrefix: ClientIdPrefix;
  dns: string;
  responseUri: string;
  nonce: string;
  state: string;
  responseMode: 'direct_post' | 'direct_post.jwt';
  dcqlQuery: DcqlQuery;
  now: number;
  lifetimeSeconds: number;
  requestId: string;
  walletNonce?: string;
}): Promise<{ clientId: string; requestObject: string; contentType: 'application/oauth-authz-req+jwt' }> {
  const clientId = clientIdFor(input);
  const encryption = input.responseMode === 'direct_post.jwt' ? await input.keyRing.responseEncryptionKey(input.requestId) : undefined;
  const claims = {
    response_type: 'vp_token',
    response_mode: input.responseMode,
    response_uri: input.responseUri,
    client_id: clientId,
    nonce: input.nonce,
    state: input.state,
    dcql_query: input.dcqlQuery,
    client_metadata: {
      vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256'] } },
      ...(encryption && { jwks: { keys: [encryption.publicJwk] }, encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'] }),
    },
    ...(input.walletNonce !== undefined && { wallet_nonce: input.walletNonce }),
  };
  const iat = Math.floor(input.now / 1000);
  const audience = 'https://self-issued.me/v2';
  let requestObject: string;
  if (input.clientIdPrefix === 'redirect_uri') {
    requestObject = new UnsecuredJWT(claims).setIssuedAt(iat).setExpirationTime(iat + input.lifetimeSeconds).setAudience(audience).encode();
    const [, payload, signature] = requestObject.split('.');
    requestObject = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-authz-req+jwt' })).toString('base64url')}.${payload}.${signature}`;
  } else {
    const key = input.keyRing.current();
    requestObject = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c: key.x5c })
      .setIssuedAt(iat)
      .setExpirationTime(iat + input.lifetimeSeconds)
      .setAudience(audience)
      .sign(key.privateKey);
  }
  return { clientId, requestObject, contentType: 'application/oauth-authz-req+jwt' };
}
