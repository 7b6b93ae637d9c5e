import { X509Certificate, createHash } from 'node:crypto';
import { CompactEncrypt, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import {
  TokenSession,
  certifiedTokenSigner,
  chainToX5c,
  tokenSigner,
  withTokenSigners,
  type TokenSigner,
} from '../../adapters/keys/pkcs11/index.js';
import { SOFTHSM_MODULE, softHsm } from '../support/softhsm.js';
import { tempDirs } from '../support/temp-dirs.js';
import { issueVerifierChain } from '../support/verifier-ca.js';

const TOKEN = { label: 'pdi-composition', pin: '1234-5678' };
const DNS = 'issuer.example';
const HOUR = 3600_000;
const hsm = softHsm();
const dirs = tempDirs('pdi-pkcs11-keys-');
let session: TokenSession;
let credential: TokenSigner;
let verifier: TokenSigner;
let keyRing: KeyRing;

beforeAll(async () => {
  hsm.initToken(TOKEN.label, TOKEN.pin);
  await hsm.generateKeyPair(TOKEN, { label: 'credential', id: '01' });
  await hsm.generateKeyPair(TOKEN, { label: 'verifier', id: '02' });
  session = TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pin: { value: TOKEN.pin } });
  credential = await tokenSigner(session, { label: 'credential' });
  verifier = await tokenSigner(session, { label: 'verifier' });
  keyRing = await KeyRing.open(dirs.make(), { now: Date.now(), subjectDns: DNS });
});
afterAll(async () => {
  await session.close();
  hsm.remove();
  dirs.removeAll();
});

describe('the verifier certificate chain for a token key (OpenID4VP §5.9.3)', () => {
  it('takes a CA-issued PEM chain whose leaf certifies the token key and names the host, as x5c leaf first', async () => {
    const pem = await issueVerifierChain(verifier.publicJwk, DNS);
    const signer = certifiedTokenSigner(verifier, pem, { subjectDns: DNS, now: Date.now() });
    expect(signer.x5c).toHaveLength(2);
    expect(signer.x5c).toEqual(chainToX5c(pem));
    expect(new X509Certificate(Buffer.from(signer.x5c[0]!, 'base64')).subjectAltName).toBe(`DNS:${DNS}`);
    expect(certifiedTokenSigner(verifier, signer.x5c, { subjectDns: DNS, now: Date.now() }).x5c).toEqual(signer.x5c);
  });

  it('refuses a leaf for another key, for another host, out of its validity, or a chain out of order (fail closed)', async () => {
    const now = Date.now();
    const options = { subjectDns: DNS, now };
    await expect(async () =>
      certifiedTokenSigner(verifier, await issueVerifierChain(credential.publicJwk, DNS), options),
    ).rejects.toThrow(`the verifier leaf certificate does not certify the token key ${verifier.kid}`);
    await expect(async () =>
      certifiedTokenSigner(verifier, await issueVerifierChain(verifier.publicJwk, 'other.example'), options),
    ).rejects.toThrow(`the verifier leaf certificate has no dNSName SAN ${DNS}`);
    const expired = { notBefore: new Date(now - 2 * HOUR), notAfter: new Date(now - HOUR) };
    await expect(async () =>
      certifiedTokenSigner(verifier, await issueVerifierChain(verifier.publicJwk, DNS, expired), options),
    ).rejects.toThrow(/the verifier leaf certificate is not valid now/);
    const [leaf, ca] = chainToX5c(await issueVerifierChain(verifier.publicJwk, DNS));
    const [, otherCa] = chainToX5c(await issueVerifierChain(verifier.publicJwk, DNS));
    expect(() => certifiedTokenSigner(verifier, [leaf!, otherCa!], options)).toThrow(
      'certificate 0 of the verifier chain is not issued by certificate 1',
    );
    expect(() => certifiedTokenSigner(verifier, [ca!, leaf!], options)).toThrow(/does not certify the token key/);
    expect(() => certifiedTokenSigner(verifier, 'no pem here', options)).toThrow('has no PEM CERTIFICATE block');
    expect(() => certifiedTokenSigner(verifier, ['AAAA'], options)).toThrow(
      'certificate 0 of the verifier chain is not',
    );
  });
});

describe('withTokenSigners: signing on the token, the key file keeps decryption and derived secrets', () => {
  it('credentialSigner and jwks come from the token, the token key published last (current) after the listed previous keys', async () => {
    const keys = withTokenSigners(keyRing, { credential, previousCredentialKeys: keyRing.jwks().keys });
    expect(keys.credentialSigner()).toBe(credential);
    expect(keys.jwks().keys.map((jwk) => jwk.kid)).toEqual([keyRing.current().kid, credential.kid]);
    expect(keys.jwks().keys.at(-1)).toEqual(credential.publicJwk);
    expect(keys.verifierSigner().kid).toBe(keyRing.verifierSigner().kid);
    expect(keys.x509Hash()).toBe(keyRing.x509Hash());
  });

  it('publishes no key file key unless listed: one stolen key file must not mint credentials that verify', () => {
    expect(withTokenSigners(keyRing, { credential }).jwks()).toEqual({ keys: [credential.publicJwk] });
  });

  it('refuses a previous key with its private member, or previous keys without a token credential signer', () => {
    const privateJwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k' };
    expect(() => withTokenSigners(keyRing, { credential, previousCredentialKeys: [privateJwk] })).toThrow(
      'previous credential key k has a private member',
    );
    expect(() => withTokenSigners(keyRing, { previousCredentialKeys: keyRing.jwks().keys })).toThrow(
      'previousCredentialKeys needs a credential signer',
    );
  });

  it('the verifier signer and x509_hash come from the token chain (OpenID4VP §5.9.3)', async () => {
    const certified = certifiedTokenSigner(verifier, await issueVerifierChain(verifier.publicJwk, DNS), {
      subjectDns: DNS,
      now: Date.now(),
    });
    const keys = withTokenSigners(keyRing, { credential, verifier: certified });
    expect(keys.verifierSigner()).toBe(certified);
    expect(keys.x509Hash()).toBe(
      createHash('sha256').update(Buffer.from(certified.x5c[0]!, 'base64')).digest('base64url'),
    );
    expect(withTokenSigners(keyRing, { verifier: certified }).jwks()).toEqual(keyRing.jwks());
  });

  it('key separation: one token key may not sign both credentials and request objects', async () => {
    const sameKey = certifiedTokenSigner(credential, await issueVerifierChain(credential.publicJwk, DNS), {
      subjectDns: DNS,
      now: Date.now(),
    });
    expect(() => withTokenSigners(keyRing, { credential, verifier: sameKey })).toThrow(
      'one key must not sign both credentials and request objects',
    );
  });

  it('OpenID4VP §8.3: responses encrypted to the per-request key decrypt with the key file; derived secrets are the key file’s', async () => {
    const keys = withTokenSigners(keyRing, { credential });
    const jwk = keys.responseEncryptionJwk('request-1');
    expect(jwk).toEqual(keyRing.responseEncryptionJwk('request-1'));
    const jwe = await new CompactEncrypt(new TextEncoder().encode('vp'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' })
      .encrypt(await importJWK(jwk, 'ECDH-ES'));
    const algorithms = { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A128GCM'] };
    expect(new TextDecoder().decode(await keys.decryptResponse(jwe, 'request-1', algorithms))).toBe('vp');
    expect(keys.derivedSecret('c_nonce')).toEqual(keyRing.derivedSecret('c_nonce'));
  });
});
