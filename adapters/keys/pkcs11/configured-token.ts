import { readFileSync } from 'node:fs';
import type { Pkcs11Settings } from '../../../config/schema.js';
import type { IssuerKeys } from '../ports.js';
import { certifiedTokenSigner } from './certified-signer.js';
import { TokenSession } from './token-session.js';
import { tokenSigner } from './token-signer.js';
import { withTokenSigners } from './with-token-signers.js';

/** The issuer's keys with signing on the configured token, and the hand that closes the token. */
export interface ConfiguredTokenKeys {
  keys: IssuerKeys;
  close(): Promise<void>;
}

function readChain(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`the verifier certificate chain ${path} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
}

/**
 * The `pkcs11` configuration block applied to the key file's keys: the configured credential
 * and/or verifier key on the token sign, everything else stays with `keyFile`. Every check of the
 * token, the keys and the chain runs here, at start (fail closed); the token is closed on failure.
 */
export async function openConfiguredTokenKeys(
  settings: Pkcs11Settings,
  keyFile: IssuerKeys,
  options: { subjectDns: string; now: number },
): Promise<ConfiguredTokenKeys> {
  const session = TokenSession.open({
    modulePath: settings.modulePath,
    tokenLabel: settings.tokenLabel,
    pin: { file: settings.pinFile },
  });
  try {
    const credential = settings.credentialKey && (await tokenSigner(session, settings.credentialKey));
    const verifier =
      settings.verifierKey &&
      certifiedTokenSigner(
        await tokenSigner(session, settings.verifierKey),
        readChain(settings.verifierCertificateChainFile!),
        options,
      );
    const keys = withTokenSigners(keyFile, {
      ...(credential && { credential }),
      ...(credential && settings.publishKeyFileKeys && { previousCredentialKeys: keyFile.jwks().keys }),
      ...(verifier && { verifier }),
    });
    return { keys, close: () => session.close() };
  } catch (error) {
    await session.close();
    throw error;
  }
}
