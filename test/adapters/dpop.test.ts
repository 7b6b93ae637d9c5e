import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDpopProof } from '../../protocol/oauth2/dpop.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { MemoryReplayCache } from '../../adapters/stores/memory/replay-cache.js';
import { InvalidDpopProof } from '../../engine/errors.js';
import { dpopProof, generateWalletKey, type WalletKey } from '../../wallet/keys.js';

const NOW = 1_800_000_000_000;
const URL_ = 'https://issuer.example/token';
const keyImports = new PublicKeyImports();
const importPublicJwk = (jwk: JWK, alg: string) => keyImports.import(jwk, alg);
const options = () => ({ method: 'POST', url: URL_, now: NOW, replay: new MemoryReplayCache(), keyImports });

async function custom(key: WalletKey, header: Record<string, unknown>, claims: Record<string, unknown>) {
  return new SignJWT({ htm: 'POST', htu: URL_, jti: 'j-1', iat: NOW / 1000, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .sign(key.privateKey);
}

describe('DPoP proof verification (RFC 9449 §4.3)', () => {
  it('accepts a valid proof and answers its key thumbprint', async () => {
    const key = await generateWalletKey();
    expect((await verifyDpopProof(await dpopProof(key, { method: 'POST', url: URL_, now: NOW }), options())).jkt).toBe(
      key.jkt,
    );
  });

  it('RFC 9449 §4.3 (9): htu ignores the query but not the path or host', async () => {
    const key = await generateWalletKey();
    await expect(
      verifyDpopProof(await dpopProof(key, { method: 'POST', url: `${URL_}?x=1`, now: NOW }), options()),
    ).resolves.toBeDefined();
    await expect(
      verifyDpopProof(
        await dpopProof(key, { method: 'POST', url: 'https://issuer.example/credential', now: NOW }),
        options(),
      ),
    ).rejects.toThrow(InvalidDpopProof);
    await expect(
      verifyDpopProof(await dpopProof(key, { method: 'POST', url: 'https://evil.example/token', now: NOW }), options()),
    ).rejects.toThrow(InvalidDpopProof);
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
    await expect(
      verifyDpopProof(await custom(key, { jwk: { ...key.publicJwk, d: 'AAAA' } }, {}), options()),
    ).rejects.toThrow(InvalidDpopProof);
    await expect(verifyDpopProof(await custom(other, { jwk: key.publicJwk }, {}), options())).rejects.toThrow(
      InvalidDpopProof,
    );
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
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
        ),
        async (garbage) => {
          await expect(verifyDpopProof(garbage, options())).rejects.toThrow(InvalidDpopProof);
        },
      ),
    );
  });
});

/** A JWT with the given header and claims and a signature of random bytes: only checks made before the signature can pass. */
function unsigned(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.${randomBytes(256).toString('base64url')}`;
}
const fresh = { htm: 'POST', htu: URL_, jti: 'j-1', iat: NOW / 1000 };

describe('DPoP check order (issue 10 §4, RFC 9449 §11.1)', () => {
  it('RFC 9449 §11.1: a proof with a bad signature does not burn the jti of the genuine proof', async () => {
    const key = await generateWalletKey();
    const attacker = await generateWalletKey();
    const shared = options();
    const genuine = await dpopProof(key, { method: 'POST', url: URL_, now: NOW, jti: 'seen-jti' });
    const forged = await custom(attacker, { jwk: key.publicJwk }, { jti: 'seen-jti' });
    await expect(verifyDpopProof(forged, shared)).rejects.toThrow(/signature/);
    expect((await verifyDpopProof(genuine, shared)).jkt).toBe(key.jkt);
  });

  it.each([
    ['htm', { htm: 'GET' }, /htm/],
    ['htu', { htu: 'https://issuer.example/other' }, /htu/],
    ['iat', { iat: NOW / 1000 - 3600 }, /iat/],
    ['jti', { jti: 'x'.repeat(300) }, /jti/],
  ])('issue 10 §4: a wrong %s is refused before the signature is looked at', async (_, claims, message) => {
    const key = await generateWalletKey();
    await expect(
      verifyDpopProof(
        unsigned({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk }, { ...fresh, ...claims }),
        options(),
      ),
    ).rejects.toThrow(message);
  });
});

describe('RSA key limits for every key imported through key-cache (issue 10 §4)', () => {
  let rsa: { n: string; privateKey: CryptoKey; publicJwk: Record<string, unknown> };
  beforeAll(async () => {
    const pair = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    rsa = { n: publicJwk.n!, privateKey: pair.privateKey, publicJwk: publicJwk as Record<string, unknown> };
  });
  const bits = (n: number) => Buffer.concat([Buffer.from([0x80]), randomBytes(n / 8 - 1)]).toString('base64url');

  it('issue 10 §4: a 2048-bit RSA key with e = 65537 signs an accepted PS256 proof', async () => {
    const proof = await new SignJWT(fresh)
      .setProtectedHeader({ alg: 'PS256', typ: 'dpop+jwt', jwk: rsa.publicJwk })
      .sign(rsa.privateKey);
    await expect(verifyDpopProof(proof, options())).resolves.toBeDefined();
  });

  it.each([
    ['a 3,070-bit public exponent', () => ({ e: randomBytes(384).toString('base64url') })],
    ['e = 3', () => ({ e: 'Aw' })],
    ['a 1024-bit modulus', () => ({ n: bits(1024) })],
    ['a 4104-bit modulus', () => ({ n: bits(4104) })],
  ])(
    'issue 10 §4: an RSA key with %s is refused by key-cache, and a DPoP proof with it before any signature check',
    async (_, change) => {
      const jwk = { ...rsa.publicJwk, ...change() };
      await expect(importPublicJwk(jwk, 'PS256')).rejects.toThrow(TypeError);
      await expect(verifyDpopProof(unsigned({ alg: 'PS256', typ: 'dpop+jwt', jwk }, fresh), options())).rejects.toThrow(
        /not an acceptable public key/,
      );
    },
  );

  it('issue 10 §4: the limits are inclusive: 2048 and 4096 bits pass the size check', async () => {
    for (const n of [2048, 4096]) {
      const refused = await importPublicJwk({ ...rsa.publicJwk, n: bits(n) }, 'PS256').then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(refused ?? '').not.toMatch(/modulus/);
    }
  });
});
