import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CompactEncrypt, exportJWK, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import { parseAuthorizationResponse } from '../../protocol/openid4vp/authorization-response.js';
import { InvalidRequest } from '../../engine/errors.js';

const NOW = 1_800_000_000_000;
let dir: string;
let keyRing: KeyRing;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdi-keys-'));
  keyRing = await KeyRing.open(dir, { now: NOW, subjectDns: 'issuer.example' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function encryptTo(requestId: string, payload: unknown) {
  const { publicJwk } = await keyRing.responseEncryptionKey(requestId);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: String(publicJwk.kid) })
    .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
}
const parse = (form: Record<string, string> | URLSearchParams, requestId = 'request-1') =>
  parseAuthorizationResponse(form instanceof URLSearchParams ? form : new URLSearchParams(form), {
    keys: keyRing,
    requestId,
    expectedQueryIds: ['pid'],
  });

describe('the key ring', () => {
  it('persists its keys: a reopen loads the same signing key and master secret', async () => {
    const again = await KeyRing.open(dir, { now: NOW, subjectDns: 'issuer.example' });
    expect(again.current().kid).toBe(keyRing.current().kid);
    expect(await again.responseEncryptionKey('r')).toMatchObject({
      publicJwk: (await keyRing.responseEncryptionKey('r')).publicJwk,
    });
  });

  it('publishes public keys only, and a certificate for the SAN whose key is the verifier key', async () => {
    expect(keyRing.jwks().keys.every((key) => !('d' in key))).toBe(true);
    const certificate = new X509Certificate(Buffer.from(keyRing.verifierKey().x5c[0]!, 'base64'));
    expect(certificate.subjectAltName).toBe('DNS:issuer.example');
    const certificateJwk = await exportJWK(certificate.publicKey);
    expect([certificateJwk.x, certificateJwk.y]).toEqual([
      keyRing.verifierKey().publicJwk.x,
      keyRing.verifierKey().publicJwk.y,
    ]);
  });

  it('issue 10 §5: the verifier key is not the credential signing key: it is not published in the JWKS and the credential key has no certificate', async () => {
    const verifier = keyRing.verifierKey();
    const credential = keyRing.current();
    expect(verifier.publicJwk.x).not.toBe(credential.publicJwk.x);
    expect(keyRing.jwks().keys.map((key) => key.x)).not.toContain(verifier.publicJwk.x);
    expect('x5c' in credential).toBe(false);
    await keyRing.rotate(NOW + 1000);
    expect(keyRing.verifierKey()).toBe(verifier);
  });

  it('derives a distinct response encryption key per request', async () => {
    const a = await keyRing.responseEncryptionKey('request-a');
    const b = await keyRing.responseEncryptionKey('request-b');
    expect(a.publicJwk.x).not.toBe(b.publicJwk.x);
    expect(a.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES', use: 'enc' });
  });
});

describe('authorization responses at the response_uri (OpenID4VP §8.2, §8.3)', () => {
  it('parses direct_post and direct_post.jwt presentations and wallet errors', async () => {
    expect(await parse({ vp_token: JSON.stringify({ pid: ['a~b~c'] }), state: 's' })).toEqual({
      kind: 'presentation',
      state: 's',
      presentations: { pid: ['a~b~c'] },
    });
    expect(
      await parse({ response: await encryptTo('request-1', { vp_token: { pid: ['x~'] }, state: 's' }) }),
    ).toMatchObject({ presentations: { pid: ['x~'] } });
    expect(await parse({ error: 'access_denied', state: 's' })).toEqual({
      kind: 'error',
      state: 's',
      error: 'access_denied',
    });
  });

  it("HAIP §5: a response encrypted to another request's key is refused", async () => {
    await expect(
      parse({ response: await encryptTo('request-2', { vp_token: { pid: ['x~'] }, state: 's' }) }),
    ).rejects.toThrow(InvalidRequest);
  });

  it('refuses unexpected query ids, repeated parameters and non-JSON vp_token', async () => {
    await expect(parse({ vp_token: JSON.stringify({ other: ['a~'] }), state: 's' })).rejects.toThrow(InvalidRequest);
    await expect(
      parse(
        new URLSearchParams([
          ['vp_token', '{}'],
          ['vp_token', '{}'],
        ]),
      ),
    ).rejects.toThrow(InvalidRequest);
    await expect(parse({ vp_token: 'not json', state: 's' })).rejects.toThrow(InvalidRequest);
  });

  it('answers garbage forms only ever with InvalidRequest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('vp_token', 'state', 'response', 'error', 'x'), fc.string({ maxLength: 60 })),
        async (form) => {
          await parse(form).then(
            (parsed) => expect(['presentation', 'error']).toContain(parsed.kind),
            (error) => expect(error).toBeInstanceOf(InvalidRequest),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
