import { SignJWT, errors } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../engine/errors.js';
import { acceptedUntil, verifyJwt, type JwtProfile, type Refusals } from '../../protocol/jose/verify-jwt.js';
import { withCause } from '../../protocol/jose/with-cause.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';

const NOW = 1_800_000_000_000;
const IAT = NOW / 1000;
const PROFILE: JwtProfile = { typ: 'test+jwt', algorithms: ['ES256'], maxTokenAge: 50, clockTolerance: 10 };
const refusal = (reason: string) => (cause?: unknown) => withCause(new InvalidRequest(reason, `rule ${reason}`), cause);
const REFUSE: Refusals = {
  malformed: refusal('malformed'),
  typ: refusal('typ'),
  alg: refusal('alg'),
  invalid: refusal('invalid'),
  iat: refusal('iat'),
};

let key: WalletKey;
beforeAll(async () => {
  key = await generateWalletKey();
});
const jwt = (claims: Record<string, unknown>, signer = key) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'test+jwt', jwk: signer.publicJwk })
    .sign(signer.privateKey);
const refusedWith = (token: string, keys: 'embedded' | WalletKey['publicJwk'][] = 'embedded') =>
  verifyJwt(token, PROFILE, { keys, now: NOW, keyImports: new PublicKeyImports(), refuse: REFUSE }).then(
    () => undefined,
    (error: InvalidRequest) => error,
  );

describe('verifyJwt: jose errors as protocol errors, the cause kept', () => {
  it('maps a signature by another key to `invalid`, with jose’s error as the cause', async () => {
    const other = await generateWalletKey();
    const error = await refusedWith(await jwt({ iat: IAT }, other), [key.publicJwk]);
    expect(error?.rule).toBe('rule invalid');
    expect(error?.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('maps a claim check by its claim (iat), and a claim without an entry (exp) to `invalid`', async () => {
    const stale = await refusedWith(await jwt({ iat: IAT - 61 }));
    expect([stale?.rule, (stale?.cause as errors.JWTExpired | undefined)?.code]).toEqual([
      'rule iat',
      'ERR_JWT_EXPIRED',
    ]);
    const expired = await refusedWith(await jwt({ iat: IAT, exp: IAT - 11 }));
    expect([expired?.rule, (expired?.cause as errors.JWTExpired | undefined)?.claim]).toEqual(['rule invalid', 'exp']);
  });

  it('accepts iat from maxTokenAge + clockTolerance in the past to clockTolerance ahead, whole seconds as jose counts', async () => {
    for (const iat of [IAT - 60, IAT + 10]) expect(await refusedWith(await jwt({ iat })), String(iat)).toBeUndefined();
    expect((await refusedWith(await jwt({ iat: IAT + 11 })))?.rule).toBe('rule iat');
    expect(acceptedUntil(IAT, PROFILE)).toBe(NOW + 61_000);
  });

  it('issue 10 §4: typ, alg and the time claims are refused without any signature verification', async () => {
    const subtle = globalThis.crypto.subtle;
    const verify = subtle.verify.bind(subtle);
    let count = 0;
    subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => {
      count += 1;
      return verify(...args);
    };
    try {
      expect((await refusedWith(await jwt({ iat: IAT - 3600 })))?.rule).toBe('rule iat');
      const es384 = `${Buffer.from('{"alg":"ES384","typ":"test+jwt"}').toString('base64url')}.e30.AAAA`;
      expect((await refusedWith(es384))?.rule).toBe('rule alg');
      expect((await refusedWith('not.a.jwt'))?.rule).toBe('rule malformed');
    } finally {
      subtle.verify = verify;
    }
    expect(count).toBe(0);
  });
});
