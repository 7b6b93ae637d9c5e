import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { X509Anchors } from '../../adapters/trust/x509-anchors.js';
import { verifyIssuerChain, X509ChainRefused, type X509ChainStep } from '../../adapters/trust/x509-chain.js';
import { createIssuerPki, type IssuerPki, type IssuerPkiOptions } from '../../wallet/demo-pki.js';

const ISSUER = 'https://pid.example/issuer';
const NOW = Date.UTC(2026, 0, 15);
const DAY = 24 * 3600_000;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

const pki = (options: Partial<IssuerPkiOptions> = {}) => createIssuerPki({ issuer: ISSUER, now: NOW, ...options });
const tempDir = () => mkdtempSync(join(tmpdir(), 'pdi-x509-'));

/** The anchors of these PKIs, from a PEM file in a fresh directory. */
function anchorsOf(...pkis: IssuerPki[]): X509Anchors {
  const file = join(tempDir(), 'anchors.pem');
  writeFileSync(file, pkis.map((each) => each.anchorPem).join('\n'));
  return new X509Anchors([file]);
}

function verify(
  x5c: readonly string[],
  anchors: X509Anchors,
  options: { issuer?: string; now?: number; eku?: string[] } = {},
) {
  return verifyIssuerChain(x5c, {
    issuer: options.issuer ?? ISSUER,
    anchors: anchors.current(),
    now: options.now ?? NOW,
    ...(options.eku && { requiredExtendedKeyUsage: options.eku }),
  });
}

async function refusal(promise: Promise<unknown>): Promise<X509ChainRefused> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(X509ChainRefused);
  return error as X509ChainRefused;
}

async function expectRefused(promise: Promise<unknown>, step: X509ChainStep, mentions?: string) {
  const error = await refusal(promise);
  expect(error.step).toBe(step);
  expect(error.message).toContain(`(${step})`);
  if (mentions) expect(error.message).toContain(mentions);
}

let main: IssuerPki;
let other: IssuerPki;
beforeAll(async () => {
  [main, other] = await Promise.all([pki(), pki()]);
});

describe('X.509 chains of PID issuers (E-30)', () => {
  it('E-30: a chain to a configured anchor is accepted and answers the leaf key, which verifies the JWS', async () => {
    const jwk = await verify(main.x5c, anchorsOf(main));
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: main.leafPublicJwk.x, y: main.leafPublicJwk.y });
    const jws = await new CompactSign(new TextEncoder().encode('pid'))
      .setProtectedHeader({ alg: 'ES256', x5c: main.x5c })
      .sign(main.leafPrivateKey);
    const { payload } = await compactVerify(jws, await importJWK(jwk, 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe('pid');
  });

  it('E-30: a leaf issued by the root itself, and an x5c that includes the configured root, are accepted', async () => {
    const direct = await pki({ intermediate: false });
    expect(direct.x5c).toHaveLength(1);
    await expect(verify(direct.x5c, anchorsOf(direct))).resolves.toMatchObject({ x: direct.leafPublicJwk.x });
    const rootBase64 = main.anchorPem.replace(/-----[A-Z ]+-----|\s/g, '');
    await expect(verify([...main.x5c, rootBase64], anchorsOf(main))).resolves.toMatchObject({ kty: 'EC' });
  });

  it('E-30: an intermediate configured as the anchor is trusted by being byte-equal to it, or by having issued the leaf', async () => {
    const file = join(tempDir(), 'issuing-ca.pem');
    const lines = (main.x5c[1] as string).match(/.{1,64}/g) ?? [];
    writeFileSync(file, ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----', ''].join('\n'));
    const anchors = new X509Anchors([file]);
    expect(anchors.current()).toHaveLength(1);
    await expect(verify(main.x5c, anchors)).resolves.toMatchObject({ x: main.leafPublicJwk.x });
    // The leaf alone chains to that anchor too: the anchor issued it.
    await expect(verify(main.x5c.slice(0, 1), anchors)).resolves.toMatchObject({ x: main.leafPublicJwk.x });
  });

  it('E-30: a chain to another PKI’s anchor is refused at the path', async () => {
    await expectRefused(verify(main.x5c, anchorsOf(other)), 'path', 'PID Issuing CA');
  });

  it('E-30: an x5c that brings its own self-signed root, not configured, is refused', async () => {
    const rootBase64 = main.anchorPem.replace(/-----[A-Z ]+-----|\s/g, '');
    await expectRefused(verify([...main.x5c, rootBase64], anchorsOf(other)), 'path', 'PID Root CA');
    await expectRefused(verify(main.x5c, new X509Anchors([])), 'path');
  });

  it('E-30: an expired intermediate is refused, as is a leaf past its validity', async () => {
    const expired = await pki({ intermediateNotAfter: NOW - 60_000 });
    await expectRefused(verify(expired.x5c, anchorsOf(expired)), 'validity', 'PID Issuing CA');
    await expectRefused(verify(main.x5c, anchorsOf(main), { now: NOW + 400 * DAY }), 'validity');
  });

  it('E-30: the leaf must be bound to iss (SD-JWT VC draft 08 §3.5): a URI SAN equal to iss or a dNSName of its host', async () => {
    await expectRefused(
      verify(main.x5c, anchorsOf(main), { issuer: 'https://other.example/issuer' }),
      'issuer-binding',
    );
    // The dNSName binds every https iss on that host, whatever its path.
    await expect(verify(main.x5c, anchorsOf(main), { issuer: 'https://pid.example/other' })).resolves.toBeDefined();
    await expectRefused(verify(main.x5c, anchorsOf(main), { issuer: 'http://pid.example/issuer' }), 'issuer-binding');
    const byDns = await pki({ leafSanUri: 'https://elsewhere.example/' });
    await expect(verify(byDns.x5c, anchorsOf(byDns))).resolves.toMatchObject({ kty: 'EC' });
    const byUri = await pki({ leafSanDns: 'elsewhere.example' });
    await expect(verify(byUri.x5c, anchorsOf(byUri))).resolves.toMatchObject({ kty: 'EC' });
    const neither = await pki({ leafSanDns: 'elsewhere.example', leafSanUri: 'https://elsewhere.example/' });
    await expectRefused(verify(neither.x5c, anchorsOf(neither)), 'issuer-binding', 'CN=pid.example');
  });

  it('E-30: a tampered leaf signature, or a leaf the intermediate did not sign, is refused', async () => {
    const leaf = Buffer.from(main.x5c[0] as string, 'base64');
    leaf[leaf.length - 1] = (leaf[leaf.length - 1] as number) ^ 0x01;
    await expectRefused(verify([leaf.toString('base64'), ...main.x5c.slice(1)], anchorsOf(main)), 'signature');
    await expectRefused(verify([other.x5c[0] as string, ...main.x5c.slice(1)], anchorsOf(main)), 'signature');
  });

  it('E-30: a leaf whose keyUsage lacks digitalSignature is refused', async () => {
    const noSigning = await pki({ omitDigitalSignature: true });
    await expectRefused(verify(noSigning.x5c, anchorsOf(noSigning)), 'key-usage', 'digitalSignature');
  });

  it('E-30: a CA certificate presented as the leaf is refused', async () => {
    await expectRefused(verify(main.x5c.slice(1), anchorsOf(main)), 'basic-constraints', 'PID Issuing CA');
  });

  it('E-30: a required extended key usage must be on the leaf', async () => {
    await expectRefused(verify(main.x5c, anchorsOf(main), { eku: [CODE_SIGNING] }), 'extended-key-usage');
    const withEku = await pki({ leafEku: [CODE_SIGNING] });
    await expect(verify(withEku.x5c, anchorsOf(withEku), { eku: [CODE_SIGNING] })).resolves.toMatchObject({
      kty: 'EC',
    });
  });

  it('E-30: garbage, too many or too large certificates are refused as malformed', async () => {
    const anchors = anchorsOf(main);
    for (const x5c of [[], ['not base64!'], ['AAAA'], Array(11).fill(main.x5c[0]), ['A'.repeat(20_000)]])
      await expectRefused(verify(x5c as string[], anchors), 'malformed');
  });
});

describe('X.509 trust anchors (E-30, E-40)', () => {
  it('E-30: anchors come from a file holding several certificates and from every *.pem/*.crt of a directory', async () => {
    expect(anchorsOf(main, other).current()).toHaveLength(2);
    const dir = tempDir();
    writeFileSync(join(dir, 'main.pem'), main.anchorPem);
    writeFileSync(join(dir, 'other.crt'), other.anchorPem);
    writeFileSync(join(dir, 'notes.txt'), other.anchorPem);
    const anchors = new X509Anchors([dir]);
    expect(anchors.current()).toHaveLength(2);
    await expect(verify(main.x5c, anchors)).resolves.toMatchObject({ kty: 'EC' });
  });

  it('E-40: removing or replacing an anchor file is seen on the next current(), and acceptance stops at once', async () => {
    const dir = tempDir();
    const file = join(dir, 'anchor.pem');
    writeFileSync(file, main.anchorPem);
    const anchors = new X509Anchors([file]);
    await expect(verify(main.x5c, anchors)).resolves.toMatchObject({ kty: 'EC' });
    writeFileSync(file, other.anchorPem);
    await expectRefused(verify(main.x5c, anchors), 'path');
    await expect(verify(other.x5c, anchors)).resolves.toMatchObject({ kty: 'EC' });
    rmSync(file);
    expect(anchors.current()).toHaveLength(0);
    await expectRefused(verify(other.x5c, anchors), 'path');
  });

  it('E-40: removing an anchor from a directory stops acceptance at once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.pem'), main.anchorPem);
    const anchors = new X509Anchors([dir]);
    await expect(verify(main.x5c, anchors)).resolves.toMatchObject({ kty: 'EC' });
    rmSync(join(dir, 'main.pem'));
    await expectRefused(verify(main.x5c, anchors), 'path');
  });

  it('E-30: an unreadable or invalid PEM file trusts nothing and never throws', () => {
    const dir = tempDir();
    const invalid = join(dir, 'invalid.pem');
    writeFileSync(invalid, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const mixed = join(dir, 'mixed.pem');
    writeFileSync(mixed, `${main.anchorPem}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    const key = join(dir, 'key.pem');
    writeFileSync(key, `${main.anchorPem}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`);
    const unreadable = join(dir, 'unreadable.pem');
    mkdirSync(unreadable);
    for (const path of [invalid, mixed, key, unreadable, join(dir, 'missing.pem')])
      expect(new X509Anchors([path]).current()).toEqual([]);
    expect(new X509Anchors([dir]).current()).toEqual([]);
  });
});
