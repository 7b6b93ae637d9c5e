import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { signRaw, type WalletKey } from './keys.js';

/**
 * The wallet side of OpenID4VP App. B.3: disclose only the requested claims of a held
 * SD-JWT VC and append a key-binding JWT over the verifier's nonce and client_id.
 */
export async function presentSdJwtVc(
  credential: string,
  holder: WalletKey,
  request: { nonce: string; audience: string; claims: string[]; now: number },
): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    saltGenerator: generateSalt,
    kbSigner: (data: string) => signRaw(holder, data),
    kbSignAlg: 'ES256',
  });
  const frame = Object.fromEntries(request.claims.map((name) => [name, true]));
  return sdjwt.present(credential, frame, {
    kb: { payload: { iat: Math.floor(request.now / 1000), aud: request.audience, nonce: request.nonce } },
  });
}
