import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPresentation, type PresentationPolicy } from '../../protocol/openid4vp/sd-jwt-presentation.js';
import { StaticTrustedIssuers } from '../../adapters/trust/trusted-issuers.js';
import { InvalidRequest } from '../../engine/errors.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import {
  craftCredential,
  craftPresentation,
  digestOf,
  disclosure,
  elementDisclosure,
  type CraftOptions,
} from '../support/crafted-sd-jwt.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';
import { VerifiedJwts } from '../../protocol/openid4vp/verified-jwts.js';

const NOW = 1_800_000_000_000;
const ISSUER = 'https://pid.example';
const keyImports = new PublicKeyImports();
const verifiedJwts = new VerifiedJwts();
let issuerKey: WalletKey;
let holder: WalletKey;

beforeAll(async () => {
  issuerKey = await generateWalletKey();
  holder = await generateWalletKey();
});

const policy = (overrides: Partial<PresentationPolicy> = {}): PresentationPolicy => ({
  keyImports,
  verifiedJwts,
  // The status of a presented PID is tested with its own list server (test/e2e/pid-trust.e2e.test.ts).
  checkStatus: async () => undefined,
  trustedIssuers: new StaticTrustedIssuers([
    { issuer: ISSUER, jwks: { keys: [issuerKey.publicJwk as Record<string, unknown>] } },
  ]),
  acceptedVcts: ['urn:eudi:pid:1'],
  requiredClaims: ['given_name'],
  now: NOW,
  requireKeyBinding: true,
  ...overrides,
});

async function present(payload: Record<string, unknown>, segments: string[], options: Partial<CraftOptions> = {}) {
  const credential = await craftCredential(payload, {
    issuer: ISSUER,
    signingKey: issuerKey,
    holderJwk: holder.publicJwk,
    now: NOW,
    ...options,
  });
  return craftPresentation(credential, segments, holder, {
    nonce: 'nonce-1',
    audience: 'x509_san_dns:issuer.example',
    now: NOW,
  });
}

const refused = async (presentation: Promise<string>, message: RegExp, overrides?: Partial<PresentationPolicy>) =>
  expect(verifyPresentation(await presentation, policy(overrides))).rejects.toThrow(
    expect.objectContaining({ constructor: InvalidRequest, message: expect.stringMatching(message) }),
  );

describe('SD-JWT §7.1 disclosure rules (CF-20)', () => {
  it('CF-20, SD-JWT §7.1: a disclosed claim never overrides a clear, signed claim of the same name', async () => {
    const forged = disclosure('given_name', 'Mallory');
    await refused(present({ given_name: 'Erika', _sd: [digestOf(forged)] }, [forged]), /clashes/);
  });

  it('CF-20, SD-JWT §7.1: a digest listed twice (in _sd, or in _sd and an array) is refused', async () => {
    const name = disclosure('given_name', 'Erika');
    await refused(present({ _sd: [digestOf(name), digestOf(name)] }, [name]), /listed twice/);
    const decoy = digestOf('a decoy without a disclosure');
    await refused(
      present({ given_name: 'Erika', _sd: [decoy], nationalities: [{ '...': decoy }] }, []),
      /listed twice/,
    );
  });

  it('CF-20, SD-JWT §7.1: a disclosure presented twice is refused', async () => {
    const name = disclosure('given_name', 'Erika');
    await refused(present({ _sd: [digestOf(name)] }, [name, name]), /presented twice/);
  });

  it('CF-20, SD-JWT §7.1: an array-element disclosure referenced from _sd, and an object-property one used as an array element, are refused', async () => {
    const element = elementDisclosure('DE');
    await refused(present({ given_name: 'Erika', _sd: [digestOf(element)] }, [element]), /array-element disclosure/);
    const property = disclosure('country', 'DE');
    await refused(
      present({ given_name: 'Erika', nationalities: [{ '...': digestOf(property) }] }, [property]),
      /object-property disclosure/,
    );
  });

  it('CF-20, SD-JWT §7.1: a disclosure named _sd or ..., and one the credential never references, are refused', async () => {
    const reserved = disclosure('_sd', ['x']);
    await refused(present({ given_name: 'Erika', _sd: [digestOf(reserved)] }, [reserved]), /reserved/);
    await refused(
      present({ given_name: 'Erika' }, [disclosure('family_name', 'Mustermann')]),
      /not part of the credential/,
    );
  });

  it('SD-JWT VC §3.2.2.2: cnf, vct, status, exp and iss are never accepted as disclosures', async () => {
    for (const [name, value] of [
      ['cnf', { jwk: {} }],
      ['vct', 'urn:other'],
      ['status', {}],
      ['exp', 1],
      ['iss', 'https://other.example'],
    ] as const) {
      const d = disclosure(name, value);
      await refused(present({ given_name: 'Erika', _sd: [digestOf(d)] }, [d]), /must not be selectively disclosed/);
    }
  });

  it('SD-JWT §4: an empty disclosure segment (~~) is refused, not skipped', async () => {
    const name = disclosure('given_name', 'Erika');
    await refused(present({ _sd: [digestOf(name)] }, [name, '']), /empty disclosure/);
  });

  it('SD-JWT §7.1 (recursive disclosures, as in the EUDI PID address): digests inside a disclosed value are resolved; decoys vanish', async () => {
    const locality = disclosure('locality', 'Berlin');
    const address = disclosure('address', {
      street_address: 'Heidestraße 17',
      _sd: [digestOf(locality), 'decoy-digest-0000000000000000000000000'],
    });
    const nationality = elementDisclosure('DE');
    const given = disclosure('given_name', 'Erika');
    const facts = await verifyPresentation(
      await present(
        {
          _sd: [digestOf(given), digestOf(address)],
          nationalities: [{ '...': digestOf(nationality) }, { '...': 'decoy' }],
        },
        [given, address, locality, nationality],
      ),
      policy(),
    );
    expect(facts.claims).toEqual({
      given_name: 'Erika',
      address: { street_address: 'Heidestraße 17', locality: 'Berlin' },
      nationalities: ['DE'],
    });
  });
});

describe('PID time claims (SD-JWT VC §3.2.2.2, RFC 7519 §4.1.4–4.1.6)', () => {
  const given = () => disclosure('given_name', 'Erika');

  it('SD-JWT VC §3.2.2.2: a PID without exp is refused unless the policy allows it', async () => {
    const d = given();
    const presentation = present({ _sd: [digestOf(d)] }, [d], { lifetimeSeconds: null });
    await refused(presentation, /no expiry/);
    await expect(verifyPresentation(await presentation, policy({ allowWithoutExp: true }))).resolves.toMatchObject({
      claims: { given_name: 'Erika' },
    });
  });

  it('RFC 7519 §4.1.6: a PID issued in the future beyond the clock tolerance is refused; within it, accepted', async () => {
    const d = given();
    await refused(present({ _sd: [digestOf(d)] }, [d], { iat: NOW / 1000 + 120 }), /future/);
    const e = given();
    await expect(
      verifyPresentation(await present({ _sd: [digestOf(e)] }, [e], { iat: NOW / 1000 + 20 }), policy()),
    ).resolves.toBeDefined();
  });

  it('RFC 7519 §4.1.4: exp is honoured with the configured clock tolerance, and not beyond it', async () => {
    const d = given();
    const presentation = await present({ _sd: [digestOf(d)] }, [d], { iat: NOW / 1000 - 100, lifetimeSeconds: 90 });
    await expect(verifyPresentation(presentation, policy({ clockToleranceSeconds: 30 }))).resolves.toBeDefined();
    await expect(verifyPresentation(presentation, policy({ clockToleranceSeconds: 5 }))).rejects.toThrow(
      InvalidRequest,
    );
  });
});
