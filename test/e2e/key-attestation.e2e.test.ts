import { digest } from '@sd-jwt/crypto-nodejs';
import { decodeSdJwt } from '@sd-jwt/decode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../config/load.js';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import {
  generateKeyAttester,
  keyAttestation,
  trustedKeyAttester,
  type KeyAttestationClaims,
  type KeyAttester,
} from '../../wallet/key-attester.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';

const HIGH = ['iso_18045_high'];

/** Seed I-50, OpenID4VCI 1.0 App. D and F: a configuration that requires attested keys at key_storage iso_18045_high. */
describe('key attestations (seed I-50; OpenID4VCI 1.0 App. D, F.1, F.3)', () => {
  let server: RunningIssuer;
  let attester: KeyAttester;
  beforeAll(async () => {
    attester = await generateKeyAttester('https://wallet-provider.example');
    server = await startIssuer({
      credentialConfigurations: {
        demo_membership: { ...DEMO_CREDENTIALS.demo_membership!, keyAttestation: { required: true, keyStorage: HIGH } },
      },
      keyAttestation: { trustedAttesters: [trustedKeyAttester(attester)] },
      policy: { batchSize: 3 },
    });
  });
  afterAll(() => server.stop());

  /** A wallet with a token and a c_nonce, and a key attestation of its holder key made with `claims`. */
  async function ready(claims: Partial<KeyAttestationClaims> = {}, by: KeyAttester = attester) {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const cNonce = await wallet.nonce();
    const attestation = await keyAttestation(by, [wallet.options.holderKey], {
      now: server.clock.now,
      keyStorage: HIGH,
      ...claims,
    });
    return { wallet, accessToken, cNonce, attestation };
  }

  const refusal = (answer: { status: number; body: Record<string, unknown> }) => [answer.status, answer.body.error];

  async function boundKeys(answer: { body: Record<string, unknown> }) {
    const credentials = answer.body.credentials as { credential: string }[];
    return Promise.all(
      credentials.map(async ({ credential }) => (await decodeSdJwt(credential, digest)).jwt.payload!.cnf),
    );
  }

  it('§12.2.4, App. D: proof_types_supported advertises key_attestations_required on jwt and the attestation proof type', async () => {
    const { issuer } = await (await server.wallet()).metadata();
    const configuration = (issuer.body.credential_configurations_supported as Record<string, Record<string, unknown>>)
      .demo_membership!;
    const required = { key_attestations_required: { key_storage: HIGH } };
    expect(configuration.proof_types_supported).toEqual({
      jwt: { proof_signing_alg_values_supported: ['ES256'], ...required },
      attestation: { proof_signing_alg_values_supported: ['ES256'], ...required },
    });
  });

  it('I-50: an unattested key is refused when attestation is required (invalid_proof)', async () => {
    const { wallet, accessToken, cNonce } = await ready();
    const answer = await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/not attested/);
  });

  it('I-50: an attestation from an untrusted key attester is refused (invalid_proof)', async () => {
    const rogue = await generateKeyAttester('https://rogue-provider.example');
    const { wallet, accessToken, cNonce, attestation } = await ready({}, rogue);
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      keyAttestation: attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/not a trusted key attester/);
  });

  it('I-50: an attestation signed by another key than the trusted attester’s is refused (invalid_proof)', async () => {
    const impostor = await generateKeyAttester(attester.issuer);
    const { wallet, accessToken, cNonce, attestation } = await ready({}, impostor);
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      keyAttestation: attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/not signed by a trusted key attester/);
  });

  it('I-50, App. D.2: an insufficient key_storage level is refused (invalid_proof)', async () => {
    const { wallet, accessToken, cNonce, attestation } = await ready({ keyStorage: ['iso_18045_moderate'] });
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      keyAttestation: attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/key_storage is not one of iso_18045_high/);
  });

  it('I-50, App. D.1: an expired attestation, or one in a jwt proof without exp, is refused (invalid_proof)', async () => {
    const expired = await ready({ now: server.clock.now - 7200_000 });
    const late = await expired.wallet.credential(expired.accessToken, {
      configurationId: 'demo_membership',
      cNonce: expired.cNonce,
      keyAttestation: expired.attestation,
    });
    expect(refusal(late)).toEqual([400, 'invalid_proof']);
    expect(late.body.error_description).toMatch(/expired/);
    const unbounded = await ready({ lifetimeSeconds: null });
    const answer = await unbounded.wallet.credential(unbounded.accessToken, {
      configurationId: 'demo_membership',
      cNonce: unbounded.cNonce,
      keyAttestation: unbounded.attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/no exp/);
  });

  it('I-50, App. F.1: a jwt proof whose key_attestation attests its key is accepted, the credential bound to that key', async () => {
    const { wallet, accessToken, cNonce, attestation } = await ready();
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      keyAttestation: attestation,
    });
    expect(answer.status).toBe(200);
    expect(await boundKeys(answer)).toEqual([{ jwk: wallet.options.holderKey.publicJwk }]);
  });

  it('App. D.1, F.1: a proof jwk not among the attested_keys is refused (invalid_proof)', async () => {
    const { wallet, accessToken, cNonce, attestation } = await ready();
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      proofKeys: [await generateWalletKey()],
      keyAttestation: attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
    expect(answer.body.error_description).toMatch(/not one of the attested_keys/);
  });

  it('App. F.1: a key_attestation naming another nonce than the proof’s c_nonce is refused (invalid_proof)', async () => {
    const { wallet, accessToken, cNonce, attestation } = await ready({ nonce: 'another-nonce' });
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      keyAttestation: attestation,
    });
    expect(refusal(answer)).toEqual([400, 'invalid_proof']);
  });

  function attestationOf(keys: WalletKey[], claims: Partial<KeyAttestationClaims>) {
    return keyAttestation(attester, keys, { now: server.clock.now, keyStorage: HIGH, ...claims });
  }

  it('I-50, App. F.3: the attestation proof type issues one credential per attested key', async () => {
    const { wallet, accessToken, cNonce } = await ready();
    const keys = [await generateWalletKey(), await generateWalletKey()];
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      attestation: await attestationOf(keys, { nonce: cNonce }),
    });
    expect(answer.status).toBe(200);
    expect(await boundKeys(answer)).toEqual(keys.map((key) => ({ jwk: key.publicJwk })));
  });

  it('App. F.3: an attestation proof without the c_nonce is invalid_proof, with an unknown one invalid_nonce', async () => {
    const { wallet, accessToken, cNonce } = await ready();
    const keys = [wallet.options.holderKey];
    const without = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      attestation: await attestationOf(keys, {}),
    });
    expect(refusal(without)).toEqual([400, 'invalid_proof']);
    const unknown = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      attestation: await attestationOf(keys, { nonce: 'not-a-c-nonce' }),
    });
    expect(refusal(unknown)).toEqual([400, 'invalid_nonce']);
  });

  it('§8.2, §12.2.4: an attestation proof attesting more keys than batch_size is invalid_credential_request, before the c_nonce is spent', async () => {
    const { wallet, accessToken, cNonce } = await ready();
    const keys = await Promise.all([1, 2, 3, 4].map(() => generateWalletKey()));
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      attestation: await attestationOf(keys, { nonce: cNonce }),
    });
    expect(refusal(answer)).toEqual([400, 'invalid_credential_request']);
    const fewer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      attestation: await attestationOf(keys.slice(0, 3), { nonce: cNonce }),
    });
    expect(fewer.status).toBe(200);
  });
});
