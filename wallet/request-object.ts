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

/** What a wallet keeps of a verified request: where to answer, how, and what to disclose. */
function walletRequest(payload: JWTPayload, clientId: string, responseUri: string, state: string): WalletRequest {
  const query = (payload.dcql_query as { credentials: Array<{ claims: Array<{ path: string[] }> }> }).credentials[0]!;
  const metadata = payload.client_metadata as { jwks?: { keys: Array<Record<string, unknown>> } } | undefined;
  return {
    clientId,
    responseUri,
    responseMode: String(payload.response_mode),
    nonce: String(payload.nonce),
    state,
    claims: query.claims.map((claim) => claim.path[0]!),
    ...(metadata?.jwks?.keys[0] && { encryptionJwk: metadata.jwks.keys[0] }),
    payload,
  };
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
  return walletRequest(payload, clientId, responseUri, String(payload.state));
}

/** S1 names the exact endpoint (`expected_url`), S2/S3 its origin alone (`expected_origins`): a wallet checks the one its dialect uses (protocol-ia.md §3.1, §6). */
function checkOriginBinding(payload: JWTPayload, endpointUrl: string, dialect: 'S1' | 'S2' | 'S3'): void {
  if (dialect === 'S1') {
    if (payload.expected_url !== endpointUrl) throw new Error('expected_url is not the endpoint the wallet answers to');
    return;
  }
  const origins = payload.expected_origins;
  if (!Array.isArray(origins) || origins.length !== 1 || origins[0] !== new URL(endpointUrl).origin)
    throw new Error("expected_origins does not hold exactly the endpoint's origin");
}

/**
 * Verify the OpenID4VP request an interaction answer carries by value (protocol-ia.md §4): a signed
 * `{request}` is checked like a fetched request object, with the endpoint the wallet answers to in
 * place of a response_uri, plus its origin binding; unsigned members are taken as they are.
 */
export async function readRequestByValue(
  openid4vpRequest: Record<string, unknown>,
  endpointUrl: string,
  dialect: 'S1' | 'S2' | 'S3',
): Promise<WalletRequest> {
  let payload: JWTPayload = openid4vpRequest;
  let clientId = '';
  if (typeof openid4vpRequest.request === 'string') {
    const jws = openid4vpRequest.request;
    payload = decodeJwt(jws);
    clientId = String(payload.client_id);
    if (clientId.startsWith('redirect_uri:')) throw new Error('a signed request needs an x509 client identifier');
    await verifySigner(jws, clientId, endpointUrl);
    checkOriginBinding(payload, endpointUrl, dialect);
  }
  return walletRequest(payload, clientId, endpointUrl, '');
}
