import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { JWK } from 'jose';
import type { JwsSigner } from '../../adapters/keys/ports.js';
import type { StatusClaim } from '../status-list/issued-status.js';

/** The signer over the JWS signing input, as @sd-jwt expects it (base64url of the signature). */
function signerOf(key: JwsSigner): (data: string) => Promise<string> {
  return async (data) => Buffer.from(await key.sign(new TextEncoder().encode(data))).toString('base64url');
}

/**
 * An SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) built with @sd-jwt: header typ dc+sd-jwt,
 * claims iss, vct, iat, exp, cnf.jwk (the holder key from the proof, I-40), the listed
 * top-level claims selectively disclosable (CF-30), and, given one, its status list entry (`status`, I-30).
 */
export async function issueSdJwtVc(input: {
  issuer: string;
  signingKey: JwsSigner;
  vct: string;
  claims: Record<string, unknown>;
  disclosable: string[];
  holderJwk: JWK | object;
  now: number;
  lifetimeSeconds: number;
  status?: StatusClaim;
  /** The signer's certificate chain (RFC 7515 §4.1.6), sent instead of `kid` (SD-JWT VC §3.5). */
  x5c?: string[];
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
    ...(input.status && { status: input.status }),
  };
  const disclosed = input.disclosable.filter((name) => name in input.claims);
  const key = input.x5c ? { x5c: input.x5c } : { kid: input.signingKey.kid };
  return sdjwt.issue(payload, { _sd: disclosed } as never, { header: { ...key, typ: 'dc+sd-jwt' } });
}
