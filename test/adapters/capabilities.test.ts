import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactEncrypt, SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import { MemoryReplayCache } from '../../adapters/stores/memory/replay-cache.js';
import { StaticTrustedIssuers } from '../../adapters/trust/trusted-issuers.js';
import { loadConfig } from '../../config/load.js';
import { EngineError } from '../../engine/errors.js';
import { dpopChallenge } from '../../protocol/messages.js';
import { verifyClientAttestation } from '../../protocol/oauth2/client-attestation.js';
import { verifyDpopProof } from '../../protocol/oauth2/dpop.js';
import { authorizationServerMetadata, credentialIssuerMetadata } from '../../protocol/openid4vci/metadata.js';
import { verifyProofJwt } from '../../protocol/openid4vci/proof.js';
import { parseAuthorizationResponse } from '../../protocol/openid4vp/authorization-response.js';
import { buildRequestObject, pidDcqlQuery } from '../../protocol/openid4vp/request-object.js';
import { verifyPresentation } from '../../protocol/openid4vp/sd-jwt-presentation.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { VerifiedJwts } from '../../protocol/openid4vp/verified-jwts.js';

const keyImports = new PublicKeyImports();

const NOW = 1_800_000_000_000;
const IAT = NOW / 1000;
const ISSUER = 'https://issuer.example';
/** An algorithm no verifier of this server accepts. */
const UNLISTED = 'ES512';
/** Every signature algorithm a verifier could be asked for: each is accepted exactly when advertised. */
const CANDIDATES = ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'RS256'];

const config = loadConfig(
  {},
  {
    publicUrl: ISSUER,
    walletAttestation: { required: false, trustedAttesters: [{ issuer: 'https://wp.example', jwks: { keys: [] } }] },
  },
);
const asMetadata = authorizationServerMetadata(config);
/** The metadata's proof algorithms need no issuer key: the request encryption key is a stand-in. */
const noKeys = { responseEncryptionJwk: () => ({}) };
const proofAlgs = Object.values(credentialIssuerMetadata(config, noKeys).credential_configurations_supported).map(
  (c) => c.proof_types_supported.jwt.proof_signing_alg_values_supported,
)[0]!;

let dir: string;
let keyRing: KeyRing;
let vpFormats: { 'sd-jwt_alg_values': readonly string[]; 'kb-jwt_alg_values': readonly string[] };
let encodings: readonly string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdi-capabilities-'));
  keyRing = await KeyRing.open(dir, { now: NOW, subjectDns: 'issuer.example' });
  const { requestObject } = await buildRequestObject({
    keys: keyRing,
    clientIdPrefix: 'redirect_uri',
    dns: 'issuer.example',
    responseUri: `${ISSUER}/verifier/response/request-1`,
    nonce: 'nonce-1',
    state: 'state-1',
    responseMode: 'direct_post.jwt',
    dcqlQuery: pidDcqlQuery(['urn:eudi:pid:1'], ['given_name']),
    now: NOW,
    lifetimeSeconds: 300,
    requestId: 'request-1',
  });
  const metadata = decodeJwt(requestObject).client_metadata as {
    vp_formats_supported: { 'dc+sd-jwt': typeof vpFormats };
    encrypted_response_enc_values_supported: string[];
  };
  vpFormats = metadata.vp_formats_supported['dc+sd-jwt'];
  encodings = metadata.encrypted_response_enc_values_supported;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generated = new Map<string, Promise<{ privateKey: CryptoKey; publicJwk: JWK }>>();
/** A key pair for `alg`, one per role (RSA generation is slow, so each is made once). */
function keyFor(alg: string, role = 0): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const id = `${alg}/${role}`;
  if (!generated.has(id))
    generated.set(
      id,
      generateKeyPair(alg, { extractable: true }).then(async ({ privateKey, publicKey }) => ({
        privateKey,
        publicJwk: await exportJWK(publicKey),
      })),
    );
  return generated.get(id)!;
}
const sign = (alg: string, key: CryptoKey, header: Record<string, unknown>, claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(key);
/** The candidates `verify` accepts, which must be the advertised ones, in the candidates' order. */
async function expectAcceptedExactly(advertised: readonly string[], verify: (alg: string) => Promise<string>) {
  expect(CANDIDATES).toEqual(expect.arrayContaining([...advertised]));
  const accepted: string[] = [];
  for (const alg of CANDIDATES) if ((await verify(alg)) === 'accepted') accepted.push(alg);
  expect(accepted).toEqual(CANDIDATES.filter((alg) => advertised.includes(alg)));
}
/** Resolves to 'accepted', or to the refusal's description. */
const outcome = (verification: Promise<unknown>) =>
  verification.then(
    () => 'accepted',
    (error: unknown) => (error instanceof EngineError ? error.description : `unexpected ${String(error)}`),
  );

describe('capabilities: what the metadata advertises is what the verifiers accept', () => {
  it('RFC 9449 §5.1, §7.1: the DPoP challenge names exactly dpop_signing_alg_values_supported', () => {
    expect(dpopChallenge()).toBe(`DPoP algs="${asMetadata.dpop_signing_alg_values_supported.join(' ')}"`);
  });

  it('RFC 9449 §4.3 (5): a DPoP alg is accepted exactly when advertised', async () => {
    const verify = async (alg: string) => {
      const key = await keyFor(alg);
      const proof = await sign(
        alg,
        key.privateKey,
        { typ: 'dpop+jwt', jwk: key.publicJwk },
        { htm: 'POST', htu: `${ISSUER}/token`, jti: `j-${alg}`, iat: IAT },
      );
      return outcome(
        verifyDpopProof(proof, {
          method: 'POST',
          url: `${ISSUER}/token`,
          now: NOW,
          replay: new MemoryReplayCache(),
          keyImports,
        }),
      );
    };
    await expectAcceptedExactly(asMetadata.dpop_signing_alg_values_supported, verify);
    expect(await verify(UNLISTED)).toMatch(/alg is not supported/);
  });

  it('ABCA §5.1, §5.2: an attestation and PoP alg is accepted exactly when advertised', async () => {
    const attestationAlgs = asMetadata.client_attestation_signing_alg_values_supported!;
    expect(asMetadata.client_attestation_pop_signing_alg_values_supported).toEqual(attestationAlgs);
    const verify = async (alg: string) => {
      const [provider, instance] = [await keyFor(alg), await keyFor(alg, 1)];
      const attestation = await sign(
        alg,
        provider.privateKey,
        { typ: 'oauth-client-attestation+jwt' },
        { iss: 'https://wp.example', sub: 'wallet', iat: IAT, exp: IAT + 3600, cnf: { jwk: instance.publicJwk } },
      );
      const pop = await sign(
        alg,
        instance.privateKey,
        { typ: 'oauth-client-attestation-pop+jwt' },
        { aud: ISSUER, jti: `p-${alg}`, iat: IAT },
      );
      return outcome(
        verifyClientAttestation(
          { attestation, pop },
          {
            now: NOW,
            issuer: ISSUER,
            trustedAttesters: async () => [provider.publicJwk],
            replay: new MemoryReplayCache(),
            keyImports,
          },
        ),
      );
    };
    await expectAcceptedExactly(attestationAlgs, verify);
    expect(await verify(UNLISTED)).toMatch(/not from a trusted wallet provider/);
  });

  it('OpenID4VCI App. F.4: a key proof alg is accepted exactly when advertised', async () => {
    const verify = async (alg: string) => {
      const key = await keyFor(alg);
      const proof = await sign(
        alg,
        key.privateKey,
        { typ: 'openid4vci-proof+jwt', jwk: key.publicJwk },
        { aud: ISSUER, nonce: 'n', iat: IAT },
      );
      return outcome(verifyProofJwt(proof, { audience: ISSUER, isClientId: () => true, now: NOW, keyImports }));
    };
    await expectAcceptedExactly(proofAlgs, verify);
    expect(await verify(UNLISTED)).toMatch(/alg is not supported/);
  });

  it('OpenID4VP App. B.3.4: an sd-jwt or kb-jwt alg is accepted exactly when advertised', async () => {
    const verify = async (issuerAlg: string, kbAlg: string) => {
      const [issuer, holder] = [await keyFor(issuerAlg), await keyFor(kbAlg, 1)];
      const credential = await sign(
        issuerAlg,
        issuer.privateKey,
        { typ: 'dc+sd-jwt' },
        {
          iss: 'https://pid.example',
          vct: 'urn:eudi:pid:1',
          given_name: 'Erika',
          iat: IAT,
          exp: IAT + 3600,
          cnf: { jwk: holder.publicJwk },
        },
      );
      const presented = `${credential}~`;
      const sdHash = createHash('sha256').update(presented).digest('base64url');
      const kb = await sign(
        kbAlg,
        holder.privateKey,
        { typ: 'kb+jwt' },
        { nonce: 'n', aud: 'verifier', iat: IAT, sd_hash: sdHash },
      );
      return outcome(
        verifyPresentation(`${presented}${kb}`, {
          checkStatus: async () => undefined,
          trustedIssuers: new StaticTrustedIssuers([
            { issuer: 'https://pid.example', jwks: { keys: [issuer.publicJwk as Record<string, unknown>] } },
          ]),
          acceptedVcts: ['urn:eudi:pid:1'],
          requiredClaims: ['given_name'],
          now: NOW,
          requireKeyBinding: true,
          keyImports,
          verifiedJwts: new VerifiedJwts(),
        }),
      );
    };
    await expectAcceptedExactly(vpFormats['sd-jwt_alg_values'], (alg) => verify(alg, 'ES256'));
    await expectAcceptedExactly(vpFormats['kb-jwt_alg_values'], (alg) => verify('ES256', alg));
    expect(await verify(UNLISTED, 'ES256')).toMatch(/not signed by a trusted issuer/);
    expect(await verify('ES256', UNLISTED)).toMatch(/not signed by the credential holder key/);
  });

  it('OpenID4VP §8.3, HAIP §5.1: every advertised response encoding decrypts, an unlisted one is refused', async () => {
    const publicJwk = keyRing.responseEncryptionKey('request-1').publicJwk;
    const parse = async (enc: string) => {
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ error: 'access_denied' })))
        .setProtectedHeader({ alg: 'ECDH-ES', enc })
        .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
      return outcome(
        parseAuthorizationResponse(new URLSearchParams({ response: jwe }), {
          keys: keyRing,
          requestId: 'request-1',
          expectedQueryIds: ['pid'],
          responseMode: 'direct_post.jwt',
        }),
      );
    };
    for (const enc of encodings) expect(await parse(enc), enc).toBe('accepted');
    expect(await parse('A192GCM')).toMatch(/cannot be decrypted/);
  });
});
