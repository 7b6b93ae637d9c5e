import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import pkcs11js from 'pkcs11js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenSession, tokenSigner, type TokenSigner } from '../../adapters/keys/pkcs11/index.js';
import { SOFTHSM_MODULE, softHsm } from '../support/softhsm.js';

const TOKEN = { label: 'pdi-unit', pin: '4711-pin' };
const hsm = softHsm();
const open = (overrides: { tokenLabel?: string; pin?: string } = {}) =>
  TokenSession.open({
    modulePath: SOFTHSM_MODULE,
    tokenLabel: overrides.tokenLabel ?? TOKEN.label,
    pin: { value: overrides.pin ?? TOKEN.pin },
  });

/** A compact JWS whose signature the signer makes, as the issuer's JWS code builds one. */
async function signedJws(signer: TokenSigner, payload: string): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: signer.alg, kid: signer.kid })).toString('base64url');
  const body = Buffer.from(payload).toString('base64url');
  const signature = await signer.sign(new TextEncoder().encode(`${header}.${body}`));
  return `${header}.${body}.${Buffer.from(signature).toString('base64url')}`;
}

beforeAll(async () => {
  hsm.initToken(TOKEN.label, TOKEN.pin);
  await hsm.generateKeyPair(TOKEN, { label: 'credential', id: 'c1' });
  await hsm.generateKeyPair(TOKEN, { label: 'twin', id: 'a1' });
  await hsm.generateKeyPair(TOKEN, { label: 'twin', id: 'a2' });
  // A private key labelled "crossed" whose public key object is another pair's.
  await hsm.generateKeyPair(TOKEN, { label: 'crossed', id: 'b1' });
  await hsm.generateKeyPair(TOKEN, { label: 'other', id: 'b2' });
  await hsm.relabelPublicKey(TOKEN, 'b1', 'stray');
  await hsm.relabelPublicKey(TOKEN, 'b2', 'crossed');
});
afterAll(() => hsm.remove());

describe('the PKCS#11 ES256 signer on SoftHSM2 (issue 12 §2)', () => {
  let session: TokenSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('RFC 7518 §3.4: its signatures are raw r‖s that verify with jose against the public JWK read from the token', async () => {
    session = open();
    const signer = await tokenSigner(session, { label: 'credential' });
    expect(signer.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(signer.publicJwk).not.toHaveProperty('d');
    const jws = await signedJws(signer, '{"hello":"token"}');
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(signer.publicJwk, 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe('{"hello":"token"}');
    expect(protectedHeader.kid).toBe(signer.kid);
  });

  it('RFC 7638: the kid is the thumbprint prefix the key file uses, the same by label and by CKA_ID', async () => {
    session = open();
    const byLabel = await tokenSigner(session, { label: 'credential' });
    const byId = await tokenSigner(session, { id: 'C1' });
    expect(byLabel.kid).toBe((await calculateJwkThumbprint(byLabel.publicJwk)).slice(0, 16));
    expect(byId.publicJwk).toEqual(byLabel.publicJwk);
  });

  it('PKCS#11 v2.40 §5.2: concurrent signatures on the one session are taken in turn and all verify', async () => {
    session = open();
    const signer = await tokenSigner(session, { label: 'credential' });
    const key = await importJWK(signer.publicJwk, 'ES256');
    const jwss = await Promise.all(Array.from({ length: 40 }, (_, i) => signedJws(signer, `{"n":${i}}`)));
    const verified = await Promise.all(jwss.map((jws) => compactVerify(jws, key)));
    expect(verified.map((v) => JSON.parse(new TextDecoder().decode(v.payload)).n)).toEqual([...Array(40).keys()]);
  });

  it('the key never leaves the token: the private key is sensitive, never extractable, made on the token, its CKA_VALUE unreadable', async () => {
    session = open();
    const { module, session: handle } = session;
    module.C_FindObjectsInit(handle, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: 'credential' },
    ]);
    const [privateKey] = module.C_FindObjects(handle, 1);
    module.C_FindObjectsFinal(handle);
    const flags = module.C_GetAttributeValue(handle, privateKey!, [
      { type: pkcs11js.CKA_SENSITIVE },
      { type: pkcs11js.CKA_EXTRACTABLE },
      { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
      { type: pkcs11js.CKA_LOCAL },
    ]);
    expect(flags.map((attribute) => (attribute.value as Buffer)[0])).toEqual([1, 0, 1, 1]);
    expect(() => module.C_GetAttributeValue(handle, privateKey!, [{ type: pkcs11js.CKA_VALUE }])).toThrow(
      /CKR_ATTRIBUTE_SENSITIVE/,
    );
  });

  it('a wrong PIN is a clear error (CKR_PIN_INCORRECT) that does not repeat the PIN, and leaves the token usable', async () => {
    const refused = (() => {
      try {
        open({ pin: 'not-the-pin' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refused).toBe(`PKCS#11 token "${TOKEN.label}" refused the user login (CKR_PIN_INCORRECT)`);
    expect(refused).not.toContain('not-the-pin');
    session = open();
    await expect(tokenSigner(session, { label: 'credential' })).resolves.toBeDefined();
  });

  it('the PIN may come from an owner-only file (its first line); an unreadable or group-readable PIN file is refused, named without its content', async () => {
    const file = join(hsm.dir, 'pin');
    writeFileSync(file, `${TOKEN.pin}\n`, { mode: 0o640 });
    expect(() => TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pin: { file } })).toThrow(
      `the PKCS#11 PIN file ${file} is readable by group or others: chmod 600 ${file}`,
    );
    chmodSync(file, 0o600);
    session = TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pin: { file } });
    await expect(tokenSigner(session, { label: 'credential' })).resolves.toBeDefined();
    expect(() =>
      TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: 'other', pin: { file: `${file}.missing` } }),
    ).toThrow(`the PKCS#11 PIN file ${file}.missing cannot be read (ENOENT)`);
  });

  it('an unknown token label, a missing module, an unknown or ambiguous key are clear errors (fail closed)', async () => {
    expect(() => open({ tokenLabel: 'no-such-token' })).toThrow('no PKCS#11 token labelled "no-such-token"');
    expect(() =>
      TokenSession.open({ modulePath: '/nonexistent/libp11.so', tokenLabel: 'x', pin: { value: 'x' } }),
    ).toThrow(/the PKCS#11 module \/nonexistent\/libp11\.so cannot be loaded/);
    session = open();
    await expect(tokenSigner(session, { label: 'missing' })).rejects.toThrow(
      `no EC private key labelled "missing" on token "${TOKEN.label}"`,
    );
    await expect(tokenSigner(session, { id: 'ff' })).rejects.toThrow('no EC private key with CKA_ID ff');
    await expect(tokenSigner(session, { id: 'not hex' })).rejects.toThrow('the token key id not hex is not hex');
    await expect(tokenSigner(session, { label: 'twin' })).rejects.toThrow('several EC private keys labelled "twin"');
  });

  it('fail closed: a private key paired with another key pair’s public key is refused at open, before it signs a credential', async () => {
    session = open();
    await expect(tokenSigner(session, { label: 'crossed' })).rejects.toThrow(
      `the private and public keys labelled "crossed" on token "${TOKEN.label}" are not one pair`,
    );
  });

  it('one session per token per process (a logout ends every session of the token, PKCS#11 v2.40 §5.6)', () => {
    session = open();
    expect(() => open()).toThrow(`PKCS#11 token "${TOKEN.label}" is open already in this process: share its session`);
  });

  it('close logs out and finalises after the signatures under way; a closed token signs nothing and reopens', async () => {
    const first = open();
    const signer = await tokenSigner(first, { label: 'credential' });
    const pending = signedJws(signer, '{"last":true}');
    await Promise.all([first.close(), first.close()]);
    await expect(pending).resolves.toMatch(/\./);
    await expect(signer.sign(new Uint8Array([1]))).rejects.toThrow(`PKCS#11 token "${TOKEN.label}" is closed`);
    session = open();
    expect((await tokenSigner(session, { label: 'credential' })).publicJwk).toEqual(signer.publicJwk);
  });
});
