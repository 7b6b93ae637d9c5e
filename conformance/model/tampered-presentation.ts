import type { ReferenceWallet, WalletRequest } from '../../wallet/index.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';

/**
 * SD-JWT §7.1 (P-41): a presentation of the wallet's PID whose first disclosure claims another value
 * than the issuer signed, with a key-binding JWT over the tampered form, so only the disclosure's
 * digest (absent from `_sd`) betrays it.
 */
export async function tamperedPresentation(
  wallet: ReferenceWallet,
  request: WalletRequest,
  audience: string,
): Promise<string> {
  const { pid, holderKey } = wallet.options;
  const [issuerJwt, first, ...rest] = pid.split('~');
  const [salt, name] = JSON.parse(Buffer.from(first ?? '', 'base64url').toString()) as [string, string];
  const forged = Buffer.from(JSON.stringify([salt, name, 'tampered'])).toString('base64url');
  return presentSdJwtVc([issuerJwt, forged, ...rest].join('~'), holderKey, {
    nonce: request.nonce,
    audience,
    claims: request.claims,
    now: wallet.now(),
  });
}
