import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyDpopProof } from '../../adapters/jose/dpop.js';
import { MemoryReplayCache } from '../../adapters/replay/memory.js';
import { InvalidDpopProof } from '../../engine/errors.js';
import { dpopProof, generateWalletKey, type WalletKey } from '../../wallet/keys.js';

const NOW = 1_800_000_000_000;
const URL_ = 'https://issuer.example/token';
const options = () => ({ method: 'POST', url: URL_, now: NOW, replay: new MemoryReplayCache() });

async function custom(key: WalletKey, header: Record<string, unknown>, claims: Record<string, unknown>) {
  return new SignJWT({ htm: 'POST', htu: URL_, jti: 'j-1', iat: NOW / 1000, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .sign(key.privateKey);
}

describe('DPoP proof verification (RFC 9449 §4.3)', () => {
  it('accepts a valid proof and answers its key thumbprint', async () => {
    const key = await generateWalletKey();
    expect((await verifyDpopProof(await dpopProof(key, { method: 'POST', url: URL_, now: NOW }), options())).jkt).toBe(key.jkt);
  });

  it('RFC 9449 §4.3 (9): htu ignores the query but not the path or host', async () => {
    const key = await generateWalletKey();
    await expect(verifyDpopProof(await dpopProof(key, { method: 'POST', url: `${URL_}?x=1`, now: NOW }), options())).resolves.toBeDefined();
    await expect(verifyDpopProof(await dpopProof(key, { method: 'POST', url: 'https://issuer.example/credential', now: NOW }), options())).rejects.toThrow(InvalidDpopProof);
    await expect(verifyDpopProof(await dpopProof(key, { method: 'POST', url: 'https://evil.example/token', now: NOW }), options())).rejects.toThrow(InvalidDpopProof);
  });

  it.each([
    ['§4.3 (4) typ', { typ: 'JWT' }, {}],
    ['§4.3 (8) htm', {}, { htm: 'GET' }],
    ['§4.3 (10) iat too old', {}, { iat: NOW / 1000 - 120 }],
    ['§4.3 (10) iat in the future', {}, { iat: NOW / 1000 + 60 }],
    ['§4.2 jti missing', {}, { jti: undefined }],
  ])('refuses a proof with a wrong %s', async (_, header, claims) => {
    const key = await generateWalletKey();
    await expect(verifyDpopProof(await custom(key, header, claims), options())).rejects.toThrow(InvalidDpopProof);
  });

  it('§4.3 (7): refuses a private key in the jwk header and a signature by another key', async () => {
    const key = await generateWalletKey();
    const other = await generateWalletKey();
    await expect(verifyDpopProof(await custom(key, { jwk: { ...key.publicJwk, d: 'AAAA' } }, {}), options())).rejects.toThrow(InvalidDpopProof);
    await expect(verifyDpopProof(await custom(other, { jwk: key.publicJwk }, {}), options())).rejects.toThrow(InvalidDpopProof);
  });

  it('§11.1: a jti is single use', async () => {
    const key = await generateWalletKey();
    const proof = await dpopProof(key, { method: 'POST', url: URL_, now: NOW });
    const shared = options();
    await verifyDpopProof(proof, shared);
    await expect(verifyDpopProof(proof, shared)).rejects.toThrow(/already used/);
  });

  it('§4.3 (11): ath must hash the access token presented', async () => {
    const key = await generateWalletKey();
    const proof = await dpopProof(key, { method: 'POST', url: URL_, now: NOW, accessToken: 'token-a' });
    await expect(verifyDpopProof(proof, { ...options(), accessToken: 'token-b' })).rejects.toThrow(InvalidDpopProof);
    await expect(verifyDpopProof(proof, { ...options(), accessToken: 'token-a' })).resolves.toBeDefined();
  });

  it('§4.3 (1): refuses a missing proof and two proofs in one header', async () => {
    const key = await generateWalletKey();
    const proof = await dpopProof(key, { method: 'POST', url: URL_, now: NOW });
    await expect(verifyDpopProof(undefined, options())).rejects.toThrow(InvalidDpopProof);
    await expect(verifyDpopProof(`${proof},${proof}`, options())).rejects.toThrow(InvalidDpopProof);
  });

  it('answers garbage only ever with InvalidDpopProof', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.'))), async (garbage) => {
        await expect(verifyDpopProof(garbage, options())).rejects.toThrow(InvalidDpopProof);
      }),
    );
  });
});
