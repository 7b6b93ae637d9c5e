import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/errors.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { verifyKeyAttestation, type KeyAttestationOptions } from '../../protocol/openid4vci/key-attestation.js';

const NOW = 1_800_000_000_000;
const IAT = NOW / 1000;
const ATTESTER = 'https://wallet-provider.example';

let attester: { privateKey: CryptoKey; publicJwk: JWK };
let holder: JWK;
let options: KeyAttestationOptions;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  attester = { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey) };
  holder = await exportJWK((await generateKeyPair('ES256')).publicKey);
  options = {
    trustedKeyAttesters: async (iss) => (iss === ATTESTER ? [attester.publicJwk] : []),
    policy: { required: true, userAuthentication: ['iso_18045_high'] },
    carrier: 'jwt',
    now: NOW,
    keyImports: new PublicKeyImports(),
  };
});

function attestation(claims: JWTPayload = {}, header: Record<string, unknown> = {}, key = attester.privateKey) {
  return new SignJWT({
    iss: ATTESTER,
    iat: IAT,
    exp: IAT + 3600,
    attested_keys: [holder],
    user_authentication: ['iso_18045_high'],
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', ...header })
    .sign(key);
}

async function refusal(jwt: Promise<string>, overrides: Partial<KeyAttestationOptions> = {}) {
  try {
    await verifyKeyAttestation(await jwt, { ...options, ...overrides });
  } catch (error) {
    if (error instanceof EngineError) return `${error.code}: ${error.description}`;
    throw error;
  }
  return 'accepted';
}

describe('verifyKeyAttestation (seed I-50; OpenID4VCI 1.0 App. D.1, D.2)', () => {
  it('I-50, App. D.1: accepts a trusted attestation and answers its keys with their thumbprints', async () => {
    const verified = await verifyKeyAttestation(await attestation({ nonce: 'n-1' }), options);
    expect(verified.attestedKeys.map((key) => key.jwk)).toEqual([holder]);
    expect(verified.attestedKeys[0]!.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verified.nonce).toBe('n-1');
  });

  it('App. D.1: the typ must be key-attestation+jwt', async () => {
    expect(await refusal(attestation({}, { typ: 'openid4vci-proof+jwt' }))).toMatch(/^invalid_proof: .*typ/);
  });

  it('App. F.1, F.3: an alg outside proof_signing_alg_values_supported is refused', async () => {
    const es384 = await generateKeyPair('ES384');
    const jwt = new SignJWT({ iss: ATTESTER, iat: IAT, exp: IAT + 60, attested_keys: [holder] })
      .setProtectedHeader({ alg: 'ES384', typ: 'key-attestation+jwt' })
      .sign(es384.privateKey);
    expect(await refusal(jwt)).toMatch(/^invalid_proof: .*alg/);
  });

  it('App. D.1: attested_keys must be a non-empty array of public JWKs', async () => {
    const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    for (const attested_keys of [[], [privateJwk], ['not-a-key'], [{ kty: 'EC' }], holder])
      expect(await refusal(attestation({ attested_keys })), JSON.stringify(attested_keys)).toMatch(
        /^invalid_proof: key attestation attested_keys/,
      );
  });

  it('App. D.1: an iat in the future is refused; exp is required with the jwt proof type only', async () => {
    expect(await refusal(attestation({ iat: IAT + 600 }))).toMatch(/^invalid_proof: .*iat/);
    expect(await refusal(attestation({ exp: undefined }))).toMatch(/^invalid_proof: .*exp/);
    expect(await refusal(attestation({ exp: undefined }), { carrier: 'attestation' })).toBe('accepted');
  });

  it('I-50, App. D.2: a user_authentication level not accepted is refused; none asserted is refused too', async () => {
    expect(await refusal(attestation({ user_authentication: ['iso_18045_basic'] }))).toMatch(
      /user_authentication is not one of iso_18045_high/,
    );
    expect(await refusal(attestation({ user_authentication: undefined }))).toMatch(/user_authentication/);
    expect(await refusal(attestation({ user_authentication: undefined }), { policy: undefined })).toBe('accepted');
  });

  it('I-50: an attestation without iss, or from an issuer not trusted, is refused', async () => {
    expect(await refusal(attestation({ iss: undefined }))).toMatch(/no iss/);
    expect(await refusal(attestation({ iss: 'https://rogue.example' }))).toMatch(/not a trusted key attester/);
  });
});
