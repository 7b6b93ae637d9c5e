import { X509Certificate, createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CompactEncrypt, compactDecrypt, compactVerify, CompactSign, importJWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';

const NOW = 1_800_000_000_000;
const DAY = 24 * 3600 * 1000;
const DNS = 'issuer.example';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-keyring-'));
  dirs.push(dir);
  return dir;
}
const open = (dir: string, now = NOW, subjectDns = DNS) => KeyRing.open(dir, { now, subjectDns });
const leaf = (keyRing: KeyRing) => new X509Certificate(Buffer.from(keyRing.verifierKey().x5c[0]!, 'base64'));
const keyFile = (dir: string) => JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'));

describe('KeyRing persistence', () => {
  it('generates a key on first open and persists it in keys.json with mode 0600', async () => {
    const dir = tempDir();
    expect(existsSync(join(dir, 'keys.json'))).toBe(false);
    const keyRing = await open(dir);
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    expect(keyFile(dir).keys.map((key: { kid: string }) => key.kid)).toEqual([keyRing.current().kid]);
    expect(keyRing.current().alg).toBe('ES256');
  });

  it('reopening loads the same signing key, verifier key and certificate', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const again = await open(dir, NOW + DAY);
    expect(again.current().kid).toBe(first.current().kid);
    expect(again.verifierKey().kid).toBe(first.verifierKey().kid);
    expect(again.verifierKey().x5c).toEqual(first.verifierKey().x5c);
  });

  it('two instances starting together on an empty directory agree on one key and master secret', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([open(dir), open(dir)]);
    expect(a.current().kid).toBe(b.current().kid);
    expect(a.responseEncryptionKey('r').publicJwk).toEqual(b.responseEncryptionKey('r').publicJwk);
    expect(keyFile(dir).keys).toHaveLength(1);
  });

  it('tightens a key file loosened to group or world access back to 0600', async () => {
    const dir = tempDir();
    await open(dir);
    chmodSync(join(dir, 'keys.json'), 0o644);
    await open(dir);
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a key file that is not one, naming the file', async () => {
    const dir = tempDir();
    await open(dir);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ version: 1, masterSecret: 'short', keys: [] }));
    await expect(open(dir)).rejects.toThrow(/keys\.json is not a key file/);
  });
});

describe('KeyRing file format and writes (issue 10 §2, §5)', () => {
  /** A version 1 file as earlier releases wrote it: the signing key carried the verifier certificate. */
  async function versionOneFile(dir: string) {
    await open(dir);
    const { masterSecret, verifier } = keyFile(dir);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ version: 1, masterSecret, keys: [verifier] }), {
      mode: 0o600,
    });
    return { masterSecret, legacy: verifier as { kid: string } };
  }
  const leftovers = (dir: string) => readdirSync(dir).filter((name) => name !== 'keys.json');

  it('issue 10 §5: a version 1 keys.json still loads; its key keeps signing credentials and a separate verifier key is added, written as version 2', async () => {
    const dir = tempDir();
    const { masterSecret, legacy } = await versionOneFile(dir);
    const keyRing = await open(dir);
    expect(keyRing.current().kid).toBe(legacy.kid);
    expect(keyRing.verifierKey().kid).not.toBe(legacy.kid);
    expect(keyRing.jwks().keys.map((key) => key.kid)).toEqual([legacy.kid]);
    const written = keyFile(dir);
    expect(written).toMatchObject({
      version: 2,
      masterSecret,
      keys: [{ kid: legacy.kid }],
      verifier: { kid: keyRing.verifierKey().kid },
    });
    expect(Object.keys(written.keys[0]).sort()).toEqual(['kid', 'privateJwk']);
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    expect(leftovers(dir)).toEqual([]);
    expect((await open(dir)).verifierKey().kid).toBe(keyRing.verifierKey().kid);
  });

  it('issue 10 §5: two instances upgrading one version 1 file together agree on one verifier key', async () => {
    const dir = tempDir();
    await versionOneFile(dir);
    const [a, b] = await Promise.all([open(dir), open(dir)]);
    expect(a.verifierKey().kid).toBe(b.verifierKey().kid);
    expect(a.x509Hash()).toBe(b.x509Hash());
    expect(keyFile(dir).verifier.kid).toBe(a.verifierKey().kid);
  });

  it('issue 10 §2: the key file is never replaced by content that would not load again (an empty subject DNS leaves it intact)', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const before = readFileSync(join(dir, 'keys.json'), 'utf8');
    await expect(open(dir, NOW + DAY, '')).rejects.toThrow(
      /keys\.json was not written: the new content would not load again/,
    );
    expect(readFileSync(join(dir, 'keys.json'), 'utf8')).toBe(before);
    expect(leftovers(dir)).toEqual([]);
    expect((await open(dir, NOW + DAY)).current().kid).toBe(first.current().kid);
  });
});

describe('KeyRing signing keys', () => {
  it('the current private key signs what its public JWK verifies', async () => {
    const keyRing = await open(tempDir());
    const { privateKey, publicJwk, kid } = keyRing.current();
    const jws = await new CompactSign(new TextEncoder().encode('payload'))
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(privateKey);
    await expect(compactVerify(jws, await importJWK(publicJwk, 'ES256'))).resolves.toBeDefined();
  });

  it('rotation makes a new current key and keeps the old public key published, across a reopen', async () => {
    const dir = tempDir();
    const keyRing = await open(dir);
    const before = keyRing.current();
    await keyRing.rotate(NOW + DAY);
    expect(keyRing.current().kid).not.toBe(before.kid);
    expect(keyRing.jwks().keys.map((key) => key.kid)).toEqual([before.kid, keyRing.current().kid]);
    expect(keyRing.jwks().keys[0]).toEqual(before.publicJwk);
    const reopened = await open(dir, NOW + 2 * DAY);
    expect(reopened.current().kid).toBe(keyRing.current().kid);
    expect(reopened.jwks()).toEqual(keyRing.jwks());
  });

  it('jwks publishes only public members, each with kid, alg ES256 and use sig', async () => {
    const keyRing = await open(tempDir());
    await keyRing.rotate(NOW + DAY);
    for (const key of keyRing.jwks().keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
    expect(Object.keys(keyRing.current().publicJwk)).not.toContain('d');
  });
});

describe('KeyRing certificate (OpenID4VP §5.9.3)', () => {
  it('x509_san_dns: the self-signed leaf names the subject DNS in CN and SAN and carries the verifier public key', async () => {
    const keyRing = await open(tempDir());
    const certificate = leaf(keyRing);
    expect(certificate.subjectAltName).toBe(`DNS:${DNS}`);
    expect(certificate.subject).toBe(`CN=${DNS}`);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const { x, y } = certificate.publicKey.export({ format: 'jwk' });
    expect({ x, y }).toEqual({ x: keyRing.verifierKey().publicJwk.x, y: keyRing.verifierKey().publicJwk.y });
  });

  it('the certificate is valid for a year from now', async () => {
    const certificate = leaf(await open(tempDir()));
    expect(Date.parse(certificate.validFrom)).toBeLessThanOrEqual(NOW);
    expect(Date.parse(certificate.validTo)).toBe(Math.floor((NOW + 365 * DAY) / 1000) * 1000);
  });

  it('x509_hash: x509Hash is the base64url SHA-256 of the verifier leaf DER; a credential key rotation leaves it alone', async () => {
    const keyRing = await open(tempDir());
    expect(keyRing.x509Hash()).toBe(createHash('sha256').update(leaf(keyRing).raw).digest('base64url'));
    const before = keyRing.x509Hash();
    await keyRing.rotate(NOW);
    expect(keyRing.x509Hash()).toBe(before);
  });

  it('a changed subject DNS between starts re-issues the certificate with the new SAN for the same key', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const moved = await open(dir, NOW + DAY, 'new-issuer.example');
    expect(leaf(moved).subjectAltName).toBe('DNS:new-issuer.example');
    expect(moved.verifierKey().kid).toBe(first.verifierKey().kid);
    expect(moved.x509Hash()).not.toBe(first.x509Hash());
    expect(leaf(await open(dir, NOW + 2 * DAY, 'new-issuer.example')).subjectAltName).toBe('DNS:new-issuer.example');
  });

  it('a certificate within 30 days of its end is renewed at open, for the same key', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const later = NOW + 340 * DAY;
    const renewed = await open(dir, later);
    expect(renewed.verifierKey().kid).toBe(first.verifierKey().kid);
    expect(Date.parse(leaf(renewed).validTo)).toBeGreaterThan(later + 300 * DAY);
    expect((await open(dir, NOW + 300 * DAY)).x509Hash()).toBe(renewed.x509Hash());
  });
});

describe('KeyRing response encryption keys (OpenID4VP §8.3, HAIP §5: a key per request)', () => {
  it('is deterministic per request id, distinct across ids, and survives a reopen', async () => {
    const dir = tempDir();
    const keyRing = await open(dir);
    const a = keyRing.responseEncryptionKey('request-a');
    expect(keyRing.responseEncryptionKey('request-a').publicJwk).toEqual(a.publicJwk);
    expect(keyRing.responseEncryptionKey('request-b').publicJwk.x).not.toBe(a.publicJwk.x);
    expect(keyRing.responseEncryptionKey('request-b').publicJwk.kid).not.toBe(a.publicJwk.kid);
    expect((await open(dir, NOW + DAY)).responseEncryptionKey('request-a').publicJwk).toEqual(a.publicJwk);
    expect((await open(tempDir())).responseEncryptionKey('request-a').publicJwk).not.toEqual(a.publicJwk);
  });

  it('publishes a P-256 ECDH-ES encryption JWK with a short kid and no private member', async () => {
    const { publicJwk } = (await open(tempDir())).responseEncryptionKey('request-a');
    expect(Object.keys(publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES', use: 'enc' });
    expect(publicJwk.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('for any request id the private key decrypts what a wallet encrypts to the public key', async () => {
    const keyRing = await open(tempDir());
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 0, maxLength: 2000, unit: 'binary' }), async (requestId) => {
        const { publicJwk, privateKey } = keyRing.responseEncryptionKey(requestId);
        expect(privateKey.export({ format: 'jwk' })).toMatchObject({ x: publicJwk.x, y: publicJwk.y });
        const jwe = await new CompactEncrypt(new TextEncoder().encode('vp_token'))
          .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: publicJwk.kid! })
          .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
        const { plaintext } = await compactDecrypt(jwe, privateKey);
        expect(new TextDecoder().decode(plaintext)).toBe('vp_token');
      }),
      { numRuns: 50 },
    );
  });
});
