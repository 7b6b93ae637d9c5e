import { X509Certificate, createHash } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509, type JWTPayload } from 'jose';
import { LruCache } from '../engine/index.js';
import type { WalletFetch } from './keep-alive-fetch.js';

/** A verified OpenID4VP request object, as a wallet sees it (OpenID4VP §5, §5.9.3). */
export interface WalletRequest {
  clientId: string;
  responseUri: string;
  responseMode: string;
  nonce: string;
  state: string;
  claims: string[];
  encryptionJwk?: Record<string, unknown>;
  payload: JWTPayload;
}

function pem(der: string): string {
  return `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`;
}

const signers = new LruCache<Promise<{ key: CryptoKey; certificate: X509Certificate }>>(256);

/** The parsed leaf certificate and its public key, parsed once per certificate this wallet has met. */
function signerOf(leaf: string): Promise<{ key: CryptoKey; certificate: X509Certificate }> {
  let signer = signers.get(leaf);
  if (!signer) {
    signer = importX509(pem(leaf), 'ES256').then((key) => ({
      key: key as CryptoKey,
      certificate: new X509Certificate(Buffer.from(leaf, 'base64')),
    }));
    signer.catch(() => signers.delete(leaf));
    signers.set(leaf, signer);
  }
  return signer;
}

/** Checks the request's signature against its client identifier prefix, as a wallet must before presenting. */
async function verifySigner(jws: string, clientId: string, responseUri: string): Promise<void> {
  const header = decodeProtectedHeader(jws);
  if (header.typ !== 'oauth-authz-req+jwt') throw new Error(`request object typ is ${String(header.typ)}`);
  if (clientId.startsWith('redirect_uri:')) {
    if (header.alg !== 'none' || clientId !== `redirect_uri:${responseUri}`)
      throw new Error('redirect_uri client must send an unsigned request for its response_uri');
    return;
  }
  const leaf = header.x5c?.[0];
  if (!leaf || header.alg !== 'ES256') throw new Error('signed request object needs x5c and ES256');
  const { key, certificate } = await signerOf(leaf);
  await compactVerify(jws, key);
  const [prefix, value] = [clientId.slice(0, clientId.indexOf(':')), clientId.slice(clientId.indexOf(':') + 1)];
  if (prefix === 'x509_san_dns') {
    if (!(certificate.subjectAltName ?? '').split(', ').includes(`DNS:${value}`))
      throw new Error('certificate SAN does not name the client');
    if (new URL(responseUri).hostname !== value)
      throw new Error('response_uri host differs from the x509_san_dns client');
  } else if (prefix === 'x509_hash') {
    if (createHash('sha256').update(certificate.raw).digest('base64url') !== value)
      throw new Error('x509_hash does not match the certificate');
  } else throw new Error(`unsupported client_id prefix ${prefix}`);
}

/** Fetch and verify the request object behind a `presentation` URI (openid4vp://?client_id=…&request_uri=…). */
export async function fetchRequestObject(fetcher: WalletFetch, presentation: string): Promise<WalletRequest> {
  const uri = new URL(presentation);
  const clientId = uri.searchParams.get('client_id');
  const requestUri = uri.searchParams.get('request_uri');
  if (!clientId || !requestUri) throw new Error('presentation URI lacks client_id or request_uri');
  const response = await fetcher(requestUri, { headers: { Accept: 'application/oauth-authz-req+jwt' } });
  if (response.status !== 200) throw new Error(`request_uri answered ${response.status}: ${await response.text()}`);
  const jws = await response.text();
  const payload = decodeJwt(jws);
  const responseUri = String(payload.response_uri);
  if (payload.client_id !== clientId) throw new Error('request object client_id differs from the presentation URI');
  await verifySigner(jws, clientId, responseUri);
  const query = (payload.dcql_query as { credentials: Array<{ claims: Array<{ path: string[] }> }> }).credentials[0]!;
  const metadata = payload.client_metadata as { jwks?: { keys: Array<Record<string, unknown>> } } | undefined;
  return {
    clientId,
    responseUri,
    responseMode: String(payload.response_mode),
    nonce: String(payload.nonce),
    state: String(payload.state),
    claims: query.claims.map((claim) => claim.path[0]!),
    ...(metadata?.jwks?.keys[0] && { encryptionJwk: metadata.jwks.keys[0] }),
    payload,
  };
}
