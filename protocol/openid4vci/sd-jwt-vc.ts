import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { JWK } from 'jose';
import type { CREDENTIAL_SIGNING_ALGORITHM } from '../capabilities.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  alg: typeof CREDENTIAL_SIGNING_ALGORITHM;
}

/** An ES256 signer over the JWS signing input, as @sd-jwt expects (base64url of the raw r‖s signature). */
function signerOf(key: SigningKey): (data: string) => Promise<string> {
  return async (data) =>
    Buffer.from(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(data)),
    ).toString('base64url');
}

/**
 * An SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) built with @sd-jwt: header typ dc+sd-jwt,
 * claims iss, vct, iat, exp, cnf.jwk (the holder key from the proof, I-40), the listed
 * top-level claims selectively disclosable (CF-30).
 */
export async function issueSdJwtVc(input: {
  issuer: string;
  signingKey: SigningKey;
  vct: string;
  claims: Record<string, unknown>;
  disclosable: string[];
  holderJwk: JWK | object;
  now: number;
  lifetimeSeconds: number;
}): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    signer: signerOf(input.signingKey),
    signAlg: input.signingKey.alg,
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  });
  const iat = Math.floor(input.now / 1000);
  const payload = {
    ...input.claims,
    iss: input.issuer,
    vct: input.vct,
    iat,
    exp: iat + input.lifetimeSeconds,
    cnf: { jwk: input.holderJwk },
  };
  const disclosed = input.disclosable.filter((name) => name in input.claims);
  return sdjwt.issue(payload, { _sd: disclosed } as never, { header: { kid: input.signingKey.kid, typ: 'dc+sd-jwt' } });
}
