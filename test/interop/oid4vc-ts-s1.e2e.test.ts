import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import {
  clientAuthenticationNone,
  type Jwk,
  type JwtSigner,
  setGlobalConfig,
  type SignJwtCallback,
  type VerifyJwtCallback,
} from '@openid4vc/oauth2';
import { AuthorizationFlow, Openid4vciClient } from '@openid4vc/openid4vci';
import { createOpenid4vpAuthorizationResponse, resolveOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { calculateJwkThumbprint, compactVerify, importJWK, importX509, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';

/**
 * Issue 13, interop (rule 7): the unmodified `@openid4vc/openid4vci`, `openid4vp` and `oauth2`
 * 0.5.0-alpha-20260317094507 clients drive an S1 flow against our IAE. Only the crypto callbacks
 * (hash, random, sign, verify, X.509 names) and the wallet app's key-binding JWT (the library
 * builds none, protocol-ia.md §8.2) are ours. docs/interop.md records what the library sends.
 */
const CLIENT_ID = 'oid4vc-ts-wallet';
const REDIRECT_URI = 'https://wallet.example/callback';

/** What the library sent: each request's URL, form or JSON fields, and whether it carried DPoP. */
interface Sent {
  url: string;
  fields: Record<string, unknown>;
  dpop: boolean;
}

function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const fields = body.startsWith('{') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
    const headers = new Headers(init?.headers);
    sent.push({ url: String(input instanceof Request ? input.url : input), fields, dpop: headers.has('dpop') });
    return fetch(input, init);
  };
}

/** The wallet's keys, found by the public JWK the library hands the signing callback. */
function callbacksFor(keys: WalletKey[], sent: Sent[]) {
  const byThumbprint = new Map<string, WalletKey>();
  const ready = Promise.all(
    keys.map(async (key) => byThumbprint.set(await calculateJwkThumbprint(key.publicJwk), key)),
  );
  const signJwt: SignJwtCallback = async (signer: JwtSigner, { header, payload }) => {
    await ready;
    if (signer.method !== 'jwk') throw new Error(`the wallet signs with its own keys, not ${signer.method}`);
    const key = byThumbprint.get(await calculateJwkThumbprint(signer.publicJwk as JWK));
    if (!key) throw new Error('unknown wallet key');
    const jwt = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(key.privateKey);
    return { jwt, signerJwk: signer.publicJwk };
  };
  const verifyJwt: VerifyJwtCallback = async (signer, { compact }) => {
    const key =
      signer.method === 'x5c'
        ? await importX509(`-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`, signer.alg)
        : signer.method === 'jwk'
          ? await importJWK(signer.publicJwk as JWK, signer.alg)
          : undefined;
    if (!key) return { verified: false };
    try {
      await compactVerify(compact, key);
      const signerJwk =
        signer.method === 'jwk'
          ? signer.publicJwk
          : ((await import('jose')).exportJWK(key as CryptoKey) as Promise<Jwk>);
      return { verified: true, signerJwk: await signerJwk };
    } catch {
      return { verified: false };
    }
  };
  return {
    fetch: recordingFetch(sent),
    hash: (data: Uint8Array, alg: string) =>
      new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: (length: number) => new Uint8Array(randomBytes(length)),
    signJwt,
    verifyJwt,
    encryptJwe: () => Promise.reject(new Error('not used')),
    decryptJwe: () => Promise.reject(new Error('not used')),
    getX509CertificateMetadata: (certificate: string) => {
      const names = (new X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '').split(', ');
      return {
        sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
        sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
      };
    },
    clientAuthentication: clientAuthenticationNone({ clientId: CLIENT_ID }),
  };
}

describe('interop: @openid4vc 0.5 (alpha) speaks S1 with our IAE', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    setGlobalConfig({ allowInsecureUrls: true });
    server = await startIssuer({ interactiveAuthorization: { iae: { enabled: true } } });
  });
  afterAll(async () => {
    setGlobalConfig({ allowInsecureUrls: false });
    await server.stop();
  });

  it('issue 13 interop: initiateAuthorization → OpenID4VP request resolved (iae) → code → token → nonce → credential', async () => {
    const [dpopKey, holderKey] = [await generateWalletKey(), await generateWalletKey()];
    const pid = await server.pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
    const sent: Sent[] = [];
    const callbacks = callbacksFor([dpopKey, holderKey], sent);
    const client = new Openid4vciClient({ callbacks });
    const credentialIssuer = `${server.url}/iae`;
    const iae = `${credentialIssuer}/interactive-authorization`;
    const issuerMetadata = await client.resolveIssuerMetadata(credentialIssuer);
    const credentialOffer = {
      credential_issuer: credentialIssuer,
      credential_configuration_ids: ['demo_membership'],
      grants: { authorization_code: {} },
    };
    const dpop = { signer: { method: 'jwk' as const, alg: 'ES256', publicJwk: dpopKey.publicJwk as Jwk } };
    const started = await client.initiateAuthorization({
      credentialOffer,
      issuerMetadata,
      clientId: CLIENT_ID,
      scope: 'membership',
      redirectUri: REDIRECT_URI,
      dpop,
    });
    expect(started.authorizationFlow).toBe(AuthorizationFlow.InteractiveAuthorizationOpenid4vp);
    if (started.authorizationFlow !== AuthorizationFlow.InteractiveAuthorizationOpenid4vp) return;
    const resolved = await resolveOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: started.openid4vpRequest as Parameters<
        typeof resolveOpenid4vpAuthorizationRequest
      >[0]['authorizationRequestPayload'],
      responseMode: { type: 'iae', expectedUrl: iae },
      callbacks,
    });
    const request = resolved.authorizationRequestPayload as { nonce: string };
    // The wallet app's part: the key-binding JWT, with S1's audience (PR #695: iae: + the IAE URL).
    const vp = await presentSdJwtVc(pid, holderKey, {
      nonce: request.nonce,
      audience: `iae:${iae}`,
      claims: ['given_name', 'family_name', 'birthdate'],
      now: Date.now(),
    });
    const response = await createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolved.authorizationRequestPayload as Parameters<
        typeof createOpenid4vpAuthorizationResponse
      >[0]['authorizationRequestPayload'],
      authorizationResponsePayload: { vp_token: { pid: [vp] } },
      callbacks,
    });
    const { authorizationCode } = await client.retrieveAuthorizationCodeUsingInteractiveAuthorization({
      authSession: started.authSession,
      openid4vpResponse: JSON.stringify(response.authorizationResponsePayload),
      credentialOffer,
      issuerMetadata,
      dpop: { ...dpop, nonce: started.dpop?.nonce },
    });
    const token = await client.retrieveAuthorizationCodeAccessTokenFromOffer({
      issuerMetadata,
      credentialOffer,
      authorizationCode,
      redirectUri: REDIRECT_URI,
      dpop,
    });
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    const proof = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: 'demo_membership',
      signer: { method: 'jwk', alg: 'ES256', publicJwk: holderKey.publicJwk as Jwk },
      nonce: c_nonce,
      clientId: CLIENT_ID,
    });
    const credentials = await client.retrieveCredentials({
      issuerMetadata,
      accessToken: token.accessTokenResponse.access_token,
      credentialConfigurationId: 'demo_membership',
      proofs: { jwt: [proof.jwt] },
      dpop: { ...dpop, nonce: token.dpop?.nonce },
    });
    expect(credentials.credentialResponse.credentials?.length).toBe(1);
    // docs/interop.md: what 0.5 sends at each step.
    const at = (path: string) => sent.filter((r) => r.url === `${server.url}${path}`);
    const [initial, followUp] = at('/iae/interactive-authorization');
    expect(initial).toEqual({
      url: iae,
      dpop: true,
      fields: {
        response_type: 'code',
        client_id: CLIENT_ID,
        interaction_types_supported: 'redirect_to_web,openid4vp_presentation',
        scope: 'membership',
        redirect_uri: REDIRECT_URI,
      },
    });
    expect(Object.keys(followUp!.fields).sort()).toEqual(['auth_session', 'openid4vp_response']);
    expect(at('/token')[0]!.fields).toMatchObject({ grant_type: 'authorization_code', code: authorizationCode });
  });
});
