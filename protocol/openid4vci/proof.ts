import { decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { PRIVATE_JWK_MEMBERS, type PublicKeyImports } from '../jose/key-cache.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { InvalidProof } from '../../engine/errors.js';

export interface VerifiedProof {
  jwk: JWK;
  jkt: string;
  nonce: string;
}

/**
 * A key proof of type `jwt` (OpenID4VCI 1.0 App. F.1, checks of App. F.4): the holder
 * key the new credential is bound to, and the c_nonce it was made for. The caller
 * checks the nonce itself (single use).
 */
export async function verifyProofJwt(
  jwt: string,
  options: {
    audience: string /** Whether `iss` names the client of this authorization (the session keeps only its pseudonym). */;
    isClientId: (iss: string) => boolean;
    now: number;
    keyImports: PublicKeyImports;
    algorithms?: string[];
    maxAgeSeconds?: number;
    maxFutureSeconds?: number;
  },
): Promise<VerifiedProof> {
  const algorithms = options.algorithms ?? ['ES256'];
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new InvalidProof('proof is not a JWS', 'OpenID4VCI App. F.4');
  }
  // App. F.1: typ openid4vci-proof+jwt; an asymmetric, supported alg; the key as a public jwk.
  if (header.typ !== 'openid4vci-proof+jwt')
    throw new InvalidProof('proof typ must be openid4vci-proof+jwt', 'OpenID4VCI App. F.1');
  if (!header.alg || !algorithms.includes(header.alg))
    throw new InvalidProof('proof alg is not supported', 'OpenID4VCI App. F.4');
  const jwk = header.jwk;
  if (!jwk || header.kid !== undefined || header.x5c !== undefined)
    throw new InvalidProof('proof must carry exactly one key, as jwk', 'OpenID4VCI App. F.1');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
    throw new InvalidProof('proof jwk must be a public key', 'OpenID4VCI App. F.4');
  let payload;
  try {
    const key = await options.keyImports.import(jwk, header.alg);
    ({ payload } = await jwtVerify(jwt, key, {
      algorithms,
      audience: options.audience,
      currentDate: new Date(options.now),
    }));
  } catch {
    throw new InvalidProof('proof signature or audience is not valid', 'OpenID4VCI App. F.4');
  }
  // App. F.4 and §13.8: iat within the accepted window.
  const nowSeconds = options.now / 1000;
  if (
    typeof payload.iat !== 'number' ||
    payload.iat < nowSeconds - (options.maxAgeSeconds ?? 300) ||
    payload.iat > nowSeconds + (options.maxFutureSeconds ?? 60)
  )
    throw new InvalidProof('proof iat is missing or outside the accepted window', 'OpenID4VCI §13.8');
  // App. F.1: `iss`, when present, is the client_id of the client making the request.
  if (payload.iss !== undefined && (typeof payload.iss !== 'string' || !options.isClientId(payload.iss)))
    throw new InvalidProof('proof iss is not the client_id of this authorization', 'OpenID4VCI App. F.1');
  if (typeof payload.nonce !== 'string' || payload.nonce.length === 0)
    throw new InvalidProof('proof carries no c_nonce', 'OpenID4VCI §8.3.1.2');
  return { jwk, jkt: jwkThumbprint(jwk), nonce: payload.nonce };
}
