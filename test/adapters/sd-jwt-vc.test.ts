import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueSdJwtVc } from '../../protocol/openid4vci/sd-jwt-vc.js';
import { verifyPresentation, type PresentationPolicy } from '../../protocol/openid4vp/sd-jwt-presentation.js';
import {
  JwksFileTrustedIssuers,
  StaticTrustedIssuers,
  UrlTrustedIssuers,
} from '../../adapters/trust/trusted-issuers.js';
import { InvalidRequest } from '../../engine/errors.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';
import { webCryptoSigner } from '../../adapters/keys/web-crypto-signer.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { VerifiedJwts } from '../../protocol/openid4vp/verified-jwts.js';

const NOW = 1_800_000_000_000;
const ISSUER = 'https://pid.example';
const PERSON = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1984-01-26' };
const keyImports = new PublicKeyImports();
const verifiedJwts = new VerifiedJwts();
let issuerKey: WalletKey;
let holder: WalletKey;

async function pid(overrides: { now?: number; vct?: string; key?: WalletKey; lifetime?: number } = {}) {
  const key = overrides.key ?? issuerKey;
  return issueSdJwtVc({
    issuer: ISSUER,
    signingKey: webCryptoSigner('pid-1', key.privateKey),
    vct: overrides.vct ?? 'urn:eudi:pid:1',
    claims: PERSON,
    disclosable: Object.keys(PERSON),
    holderJwk: holder.publicJwk,
    now: overrides.now ?? NOW,
    lifetimeSeconds: overrides.lifetime ?? 3600,
  });
}
const present = (credential: string, claims = Object.keys(PERSON), now = NOW, key = holder) =>
  presentSdJwtVc(credential, key, { nonce: 'nonce-1', audience: 'x509_san_dns:issuer.example', claims, now });
const policy = (overrides: Partial<PresentationPolicy> = {}): PresentationPolicy => ({
  keyImports,
  verifiedJwts,
  // The status of a presented PID is tested with its own list server (test/e2e/pid-trust.e2e.test.ts).
  checkStatus: async () => undefined,
  trustedIssuers: new StaticTrustedIssuers([
    { issuer: ISSUER, jwks: { keys: [issuerKey.publicJwk as Record<string, unknown>] } },
  ]),
  acceptedVcts: ['urn:eudi:pid:1'],
  requiredClaims: ['given_name', 'family_name'],
  now: NOW,
  requireKeyBinding: true,
  ...overrides,
});

beforeAll(async () => {
  issuerKey = await generateWalletKey();
  holder = await generateWalletKey();
});

describe('SD-JWT VC issue and verify', () => {
  it('verifies an issued and presented credential and answers the facts the engine compares', async () => {
    const facts = await verifyPresentation(await present(await pid()), policy());
    expect(facts).toMatchObject({
      issuer: ISSUER,
      vct: 'urn:eudi:pid:1',
      holderJkt: holder.jkt,
      kbNonce: 'nonce-1',
      kbAud: 'x509_san_dns:issuer.example',
      claims: PERSON,
    });
  });

  it('CF-10, E-30: a credential from an untrusted issuer or signed by another key is refused', async () => {
    await expect(
      verifyPresentation(await present(await pid()), policy({ trustedIssuers: new StaticTrustedIssuers([]) })),
    ).rejects.toThrow(InvalidRequest);
    await expect(
      verifyPresentation(await present(await pid({ key: await generateWalletKey() })), policy()),
    ).rejects.toThrow(InvalidRequest);
  });

  it('E-40: removing an issuer from the trusted JWKS file stops acceptance at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-trust-'));
    const file = join(dir, 'trusted.json');
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: ISSUER, jwks: { keys: [issuerKey.publicJwk] } }] }));
    const trustedIssuers = new JwksFileTrustedIssuers(file);
    const presentation = await present(await pid());
    await expect(verifyPresentation(presentation, policy({ trustedIssuers }))).resolves.toBeDefined();
    writeFileSync(file, JSON.stringify({ issuers: [] }));
    await expect(verifyPresentation(presentation, policy({ trustedIssuers }))).rejects.toThrow(InvalidRequest);
    rmSync(dir, { recursive: true, force: true });
  });

  it('E-40: an issuer removed from the trusted JWKS URL is refused once the cached copy is older than its max age', async () => {
    let served = { issuers: [{ issuer: ISSUER, jwks: { keys: [issuerKey.publicJwk] } }] };
    const server = createServer((_, res) => res.end(JSON.stringify(served)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const clock = { now: NOW };
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trusted.json`;
    const trustedIssuers = new UrlTrustedIssuers(url, { maxAgeMs: 60_000, now: () => clock.now });
    const presentation = await present(await pid());
    await expect(verifyPresentation(presentation, policy({ trustedIssuers }))).resolves.toBeDefined();
    served = { issuers: [] };
    await expect(verifyPresentation(presentation, policy({ trustedIssuers }))).resolves.toBeDefined();
    clock.now += 60_000;
    await expect(verifyPresentation(presentation, policy({ trustedIssuers }))).rejects.toThrow(InvalidRequest);
    await new Promise((resolve) => server.close(resolve));
  });

  it('CF-20: a tampered disclosure is refused', async () => {
    const [jwt, first, ...rest] = (await present(await pid())).split('~');
    const decoded = JSON.parse(Buffer.from(first!, 'base64url').toString());
    decoded[2] = 'Mallory';
    const tampered = [jwt, Buffer.from(JSON.stringify(decoded)).toString('base64url'), ...rest].join('~');
    await expect(verifyPresentation(tampered, policy())).rejects.toThrow(InvalidRequest);
  });

  it('SD-JWT §7.1: an expired credential, a wrong vct and a missing required claim are refused', async () => {
    await expect(verifyPresentation(await present(await pid({ now: NOW - 7200_000 })), policy())).rejects.toThrow(
      /expired/,
    );
    await expect(verifyPresentation(await present(await pid({ vct: 'urn:other:1' })), policy())).rejects.toThrow(
      /type/,
    );
    await expect(verifyPresentation(await present(await pid(), ['given_name']), policy())).rejects.toThrow(
      /family_name/,
    );
  });

  it('CF-21: no key-binding JWT, one signed by another key, a stale one, or one for another presentation (sd_hash) is refused', async () => {
    const credential = await pid();
    const presentation = await present(credential);
    const bare = presentation.slice(0, presentation.lastIndexOf('~') + 1);
    await expect(verifyPresentation(bare, policy())).rejects.toThrow(/key-binding/);
    await expect(
      verifyPresentation(await present(credential, undefined, NOW, await generateWalletKey()), policy()),
    ).rejects.toThrow(/holder key/);
    await expect(verifyPresentation(await present(credential, undefined, NOW - 3600_000), policy())).rejects.toThrow(
      /fresh/,
    );
    const fewer = await present(credential, ['given_name', 'family_name']);
    const swapped = `${bare}${fewer.slice(fewer.lastIndexOf('~') + 1)}`;
    await expect(verifyPresentation(swapped, policy())).rejects.toThrow(/sd_hash/);
  });

  it('issues dc+sd-jwt credentials with cnf.jwk = the holder key and exp = iat + lifetime', async () => {
    const [jwt] = (await pid({ lifetime: 60 })).split('~');
    const [header, payload] = jwt!
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.typ).toBe('dc+sd-jwt');
    expect(payload.cnf.jwk).toEqual(holder.publicJwk);
    expect(payload.exp - payload.iat).toBe(60);
  });

  it('answers garbage only ever with InvalidRequest', async () => {
    const real = await present(await pid());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc
            .nat(real.length - 1)
            .chain((i) =>
              fc.string({ minLength: 1, maxLength: 1 }).map((c) => real.slice(0, i) + c + real.slice(i + 1)),
            ),
        ),
        async (garbage) => {
          await verifyPresentation(garbage, policy()).then(
            (facts) => expect(facts.holderJkt).toBe(holder.jkt),
            (error) => expect(error).toBeInstanceOf(InvalidRequest),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('an issuer-signed PID verified once', () => {
  async function verificationsOf(run: () => Promise<unknown>): Promise<number> {
    const subtle = globalThis.crypto.subtle;
    const verify = subtle.verify.bind(subtle);
    let count = 0;
    subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => {
      count += 1;
      return verify(...args);
    };
    try {
      await run();
    } finally {
      subtle.verify = verify;
    }
    return count;
  }

  it('is not verified again in a later presentation: only the fresh KB-JWT is', async () => {
    const credential = await pid();
    expect(await verificationsOf(async () => verifyPresentation(await present(credential), policy()))).toBe(2);
    expect(await verificationsOf(async () => verifyPresentation(await present(credential), policy()))).toBe(1);
  });

  it('E-40, CF-10: once its issuer key is no longer trusted, a remembered PID is refused', async () => {
    const credential = await pid();
    await verifyPresentation(await present(credential), policy());
    const otherKey = await generateWalletKey();
    const rotated = new StaticTrustedIssuers([
      { issuer: ISSUER, jwks: { keys: [otherKey.publicJwk as Record<string, unknown>] } },
    ]);
    await expect(verifyPresentation(await present(credential), policy({ trustedIssuers: rotated }))).rejects.toThrow(
      InvalidRequest,
    );
  });

  it('SD-JWT VC expiry: a remembered PID is refused once it has expired', async () => {
    const credential = await pid({ lifetime: 60 });
    await verifyPresentation(await present(credential), policy());
    const later = NOW + 91_000; // past exp and the 30 s clock tolerance
    await expect(
      verifyPresentation(await present(credential, undefined, later), policy({ now: later })),
    ).rejects.toThrow(InvalidRequest);
  });
});
