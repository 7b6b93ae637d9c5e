import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CNonceCodec } from '../../protocol/openid4vci/c-nonce.js';
import { verifyProofJwt } from '../../protocol/openid4vci/proof.js';
import { IssuerStates } from '../../protocol/openid4vci/issuer-state.js';
import { SqliteOfferStore } from '../../adapters/stores/sqlite/offer-store.js';
import { ClaimSealer } from '../../adapters/keys/claim-sealer.js';
import { SqliteSessionKeys } from '../../adapters/stores/sqlite/session-keys.js';
import { InvalidProof } from '../../engine/errors.js';
import { generateWalletKey, keyProof } from '../../wallet/keys.js';
import { KeyWrap } from '../../adapters/keys/key-wrap.js';
import { randomIds } from '../../adapters/ids/random-ids.js';
import { PublicKeyImports } from '../../protocol/jose/key-cache.js';

const keyImports = new PublicKeyImports();

const NOW = 1_800_000_000_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pdi-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('claim sealing (seed 002 §3.3)', () => {
  it('seals claims so that the sealed form shows no claim value, and unseals them for the same session only', async () => {
    const keys = new SqliteSessionKeys(join(dir, 'state.sqlite'), new KeyWrap(randomBytes(32)));
    const sealer = new ClaimSealer(keys);
    const sealed = await sealer.seal('session-a', { given_name: 'Erika', birthdate: '1984-01-26' });
    expect(sealed).not.toContain('Erika');
    expect(await sealer.unseal('session-a', sealed)).toEqual({ given_name: 'Erika', birthdate: '1984-01-26' });
    await sealer.seal('session-b', {});
    await expect(sealer.unseal('session-b', sealed)).rejects.toThrow();
    await keys.close();
  });

  it('erasing a session key makes its sealed claims unreadable for good, and the file holds no clear value', async () => {
    const path = join(dir, 'state.sqlite');
    const keys = new SqliteSessionKeys(path, new KeyWrap(randomBytes(32)));
    const sealer = new ClaimSealer(keys);
    const sealed = await sealer.seal('session-a', { family_name: 'Mustermann' });
    await sealer.erase('session-a');
    expect(await sealer.unseal('session-a', sealed)).toBeUndefined();
    await keys.close();
    expect(readFileSync(path).includes('Mustermann')).toBe(false);
  });
});

describe('c_nonce codec (OpenID4VCI §7)', () => {
  const codec = new CNonceCodec(Buffer.alloc(32, 7));
  it('accepts its own live nonce and refuses it after expiry', () => {
    const { nonce, expiresAt } = codec.issue(NOW, 60);
    expect(codec.check(nonce, NOW + 59_999)).toBe(expiresAt);
    expect(codec.check(nonce, NOW + 60_000)).toBeUndefined();
  });
  it('refuses a nonce made with another secret, a tampered one, and garbage', () => {
    const { nonce } = new CNonceCodec(Buffer.alloc(32, 8)).issue(NOW, 60);
    expect(codec.check(nonce, NOW)).toBeUndefined();
    const own = codec.issue(NOW, 60).nonce;
    expect(codec.check(`${own.slice(0, -2)}AA`, NOW)).toBeUndefined();
    expect(codec.check('not-a-nonce', NOW)).toBeUndefined();
  });
});

describe('credential offers (OpenID4VCI §4.1)', () => {
  const states = new IssuerStates(Buffer.alloc(32, 5), randomIds);
  it('serves an offer by reference once and binds its issuer_state to one challenge before expiry', async () => {
    const offers = new SqliteOfferStore(join(dir, 'state.sqlite'));
    const offer = states.newOffer(['demo_membership'], NOW, 600);
    await offers.create(offer);
    expect(await offers.serveOnce(offer.offerId, NOW)).toEqual(['demo_membership']);
    expect(await offers.serveOnce(offer.offerId, NOW)).toBeUndefined();
    expect(await offers.consume(offer.issuerState, NOW)).toEqual(['demo_membership']);
    expect(await offers.consume(offer.issuerState, NOW)).toBeUndefined();
    const late = states.newOffer(['demo_membership'], NOW, 600);
    await offers.create(late);
    expect(await offers.consume(late.issuerState, NOW + 600_000)).toBeUndefined();
    await offers.close();
  });

  it('hardening §3: issuer_state is stored only as a hash, also before the offer is served', async () => {
    const path = join(dir, 'state.sqlite');
    const offers = new SqliteOfferStore(path);
    const offer = states.newOffer(['demo_membership'], NOW, 600);
    await offers.create(offer);
    await offers.close();
    expect(states.of(offer.offerId)).toBe(offer.issuerState);
    const bytes = readFileSync(path).toString('latin1');
    expect(bytes).not.toContain(offer.issuerState);
  });
});

describe('key proofs (OpenID4VCI App. F.4)', () => {
  const audience = 'https://issuer.example';
  const clientId = 'wallet-client';
  it('accepts a proof for our audience and returns its key and c_nonce', async () => {
    const key = await generateWalletKey();
    const proof = await verifyProofJwt(await keyProof(key, { audience, nonce: 'n-1', now: NOW }), {
      audience,
      isClientId: (iss) => iss === clientId,
      now: NOW,
      keyImports,
    });
    expect(proof).toMatchObject({ jkt: key.jkt, nonce: 'n-1' });
  });
  it('App. F.4: refuses another audience, a stale iat, a wrong typ, and no nonce', async () => {
    const key = await generateWalletKey();
    await expect(
      verifyProofJwt(await keyProof(key, { audience: 'https://other.example', nonce: 'n', now: NOW }), {
        audience,
        isClientId: (iss) => iss === clientId,
        now: NOW,
        keyImports,
      }),
    ).rejects.toThrow(InvalidProof);
    await expect(
      verifyProofJwt(await keyProof(key, { audience, nonce: 'n', now: NOW - 3_600_000 }), {
        audience,
        isClientId: (iss) => iss === clientId,
        now: NOW,
        keyImports,
      }),
    ).rejects.toThrow(InvalidProof);
    const wrongTyp = await new SignJWT({ aud: audience, nonce: 'n', iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: key.publicJwk })
      .sign(key.privateKey);
    await expect(
      verifyProofJwt(wrongTyp, { audience, isClientId: (iss) => iss === clientId, now: NOW, keyImports }),
    ).rejects.toThrow(InvalidProof);
    const noNonce = await new SignJWT({ aud: audience, iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: key.publicJwk })
      .sign(key.privateKey);
    await expect(
      verifyProofJwt(noNonce, { audience, isClientId: (iss) => iss === clientId, now: NOW, keyImports }),
    ).rejects.toThrow(InvalidProof);
    await expect(
      verifyProofJwt('garbage', { audience, isClientId: (iss) => iss === clientId, now: NOW, keyImports }),
    ).rejects.toThrow(InvalidProof);
  });
  it('OpenID4VCI App. F.1: a proof whose iss is not the client_id is invalid_proof; iss absent or the client_id is accepted', async () => {
    const key = await generateWalletKey();
    const proof = (iss?: string) =>
      keyProof(key, { audience, nonce: 'n', now: NOW, ...(iss !== undefined && { clientId: iss }) });
    await expect(
      verifyProofJwt(await proof('another-client'), {
        audience,
        isClientId: (iss) => iss === clientId,
        now: NOW,
        keyImports,
      }),
    ).rejects.toThrow(/iss is not the client_id/);
    expect(
      (
        await verifyProofJwt(await proof(clientId), {
          audience,
          isClientId: (iss) => iss === clientId,
          now: NOW,
          keyImports,
        })
      ).jkt,
    ).toBe(key.jkt);
    expect(
      (await verifyProofJwt(await proof(), { audience, isClientId: (iss) => iss === clientId, now: NOW, keyImports }))
        .jkt,
    ).toBe(key.jkt);
  });
});
