import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { jwkThumbprint } from '../../protocol/jose/thumbprint.js';

const imports = new PublicKeyImports();
const importPublicJwk = (jwk: JWK, alg: string) => imports.import(jwk, alg);

describe('JWK thumbprints and cached public-key imports', () => {
  it.each(['ES256', 'ES384', 'EdDSA', 'RS256'])(
    "RFC 7638: the synchronous thumbprint equals jose's for %s keys",
    async (alg) => {
      for (let i = 0; i < 3; i++) {
        const { publicKey } = await generateKeyPair(alg, { extractable: true });
        const jwk = { ...(await exportJWK(publicKey)), kid: 'ignored', use: 'sig' };
        expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
      }
    },
  );

  it('RFC 7638 §3.2: a key without its required members or of an unknown type has no thumbprint', () => {
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AQ' })).toThrow(TypeError);
    expect(() => jwkThumbprint({ kty: 'XYZ' })).toThrow(TypeError);
    expect(() => jwkThumbprint({})).toThrow(TypeError);
  });

  it('RFC 9449 §4.3 (7): a JWK with private members is never imported (nor cached) as a public key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await expect(importPublicJwk(privateJwk, 'ES256')).rejects.toThrow(TypeError);
    const { d: _, ...publicJwk } = privateJwk;
    const key = await importPublicJwk(publicJwk, 'ES256');
    expect(key.type).toBe('public');
    expect(await importPublicJwk({ ...publicJwk }, 'ES256')).toBe(key);
  });
});
