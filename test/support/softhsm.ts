import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { acquireModule } from '../../adapters/keys/pkcs11/loaded-module.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
/** DER of the P-256 curve OID (1.2.840.10045.3.1.7) for CKA_EC_PARAMS. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

/** `work` in a read-write user session on the token, closed after. */
async function onToken(
  token: { label: string; pin: string },
  work: (module: pkcs11js.PKCS11, session: Buffer) => void | Promise<void>,
): Promise<void> {
  const { module, release } = acquireModule(SOFTHSM_MODULE);
  try {
    const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trimEnd() === token.label);
    if (!slot) throw new Error(`no token ${token.label}`);
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      module.C_Login(session, pkcs11js.CKU_USER, token.pin);
      await work(module, session);
      module.C_Logout(session);
    } finally {
      module.C_CloseSession(session);
    }
  } finally {
    release();
  }
}

/**
 * A SoftHSM2 of this test file's own: a temporary token directory named by a temporary
 * `SOFTHSM2_CONF` (SoftHSM2 reads it at C_Initialize), tokens made with `softhsm2-util`.
 */
export function softHsm() {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    initToken(label: string, pin: string, soPin = `so-${pin}`): void {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], {
        env: { ...process.env, SOFTHSM2_CONF: conf },
        stdio: 'pipe',
      });
    },
    /**
     * An EC P-256 key pair generated ON the token (C_GenerateKeyPair): token objects, the private
     * key sensitive and not extractable, so it never leaves the token. Call before a signer opens the token.
     */
    async generateKeyPair(token: { label: string; pin: string }, key: { label: string; id: string }): Promise<void> {
      await onToken(token, async (module, session) => {
        const common = [
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_LABEL, value: key.label },
          { type: pkcs11js.CKA_ID, value: Buffer.from(key.id, 'hex') },
        ];
        await module.C_GenerateKeyPairAsync(
          session,
          { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
          [
            ...common,
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
            { type: pkcs11js.CKA_EC_PARAMS, value: P256_PARAMS },
            { type: pkcs11js.CKA_VERIFY, value: true },
          ],
          [
            ...common,
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SIGN, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: true },
            { type: pkcs11js.CKA_EXTRACTABLE, value: false },
          ],
        );
      });
    },
    /** Relabels the public key object with CKA_ID `id` (to pair a private key with the wrong public key). */
    async relabelPublicKey(token: { label: string; pin: string }, id: string, label: string): Promise<void> {
      await onToken(token, (module, session) => {
        module.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
          { type: pkcs11js.CKA_ID, value: Buffer.from(id, 'hex') },
        ]);
        const [publicKey] = module.C_FindObjects(session, 1);
        module.C_FindObjectsFinal(session);
        module.C_SetAttributeValue(session, publicKey!, [{ type: pkcs11js.CKA_LABEL, value: label }]);
      });
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
