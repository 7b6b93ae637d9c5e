import { createHash, createPublicKey, verify } from 'node:crypto';
import type { JWK } from 'jose';
import pkcs11js from 'pkcs11js';
import type { JwsSigner } from '../ports.js';
import { p256PublicJwk } from './ec-public-key.js';
import { pkcs11Reason } from './loaded-module.js';
import type { TokenSession } from './token-session.js';

/** Which key pair on the token: by CKA_LABEL or by CKA_ID (hex). Private and public key objects share it. */
export type TokenKeySelector = { label: string } | { id: string };

/** An ES256 signer whose private key stays on the token, with the public key read from it. */
export interface TokenSigner extends JwsSigner {
  publicJwk: JWK;
}

/** RFC 7518 §3.4: an ES256 signature is R ‖ S, 32 bytes each; CKM_ECDSA answers exactly that (PKCS#11 v2.40 §2.3.1). */
const SIGNATURE_LENGTH = 64;
/** Room for the signature of any curve a misconfigured key might be on; the length is checked after. */
const SIGNATURE_BUFFER = 132;

function describe(selector: TokenKeySelector): string {
  return 'label' in selector ? `labelled "${selector.label}"` : `with CKA_ID ${selector.id}`;
}

function selectorAttribute(selector: TokenKeySelector): pkcs11js.Attribute {
  if ('label' in selector) return { type: pkcs11js.CKA_LABEL, value: selector.label };
  if (!/^(?:[0-9a-f]{2})+$/i.test(selector.id)) throw new Error(`the token key id ${selector.id} is not hex`);
  return { type: pkcs11js.CKA_ID, value: Buffer.from(selector.id, 'hex') };
}

/** The one EC object of `objectClass` the selector names; none or several is an error (fail closed). */
function findOne(token: TokenSession, objectClass: number, selector: TokenKeySelector): Buffer {
  const { module, session } = token;
  module.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: objectClass },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
    selectorAttribute(selector),
  ]);
  let found: Buffer[];
  try {
    found = module.C_FindObjects(session, 2);
  } finally {
    module.C_FindObjectsFinal(session);
  }
  const kind = objectClass === pkcs11js.CKO_PRIVATE_KEY ? 'private' : 'public';
  if (found.length === 0) throw new Error(`no EC ${kind} key ${describe(selector)} on token "${token.tokenLabel}"`);
  if (found.length > 1) throw new Error(`several EC ${kind} keys ${describe(selector)} on token "${token.tokenLabel}"`);
  return found[0]!;
}

function readPublicJwk(token: TokenSession, publicKey: Buffer): JWK {
  const [params, point] = token.module.C_GetAttributeValue(token.session, publicKey, [
    { type: pkcs11js.CKA_EC_PARAMS },
    { type: pkcs11js.CKA_EC_POINT },
  ]);
  return p256PublicJwk(params!.value as Buffer, point!.value as Buffer);
}

/**
 * The ES256 signer of the key pair `selector` names on `token`: SHA-256 of the signing input in
 * Node, CKM_ECDSA on the token (asynchronous: the event loop is not held while the token works).
 * Opening signs once and checks the signature against the public key read from the token, so a
 * private and a public key that are not one pair are refused at start, not at the first credential.
 */
export async function tokenSigner(token: TokenSession, selector: TokenKeySelector): Promise<TokenSigner> {
  const { privateKey, publicJwk } = await token.exclusive(() => ({
    privateKey: findOne(token, pkcs11js.CKO_PRIVATE_KEY, selector),
    publicJwk: readPublicJwk(token, findOne(token, pkcs11js.CKO_PUBLIC_KEY, selector)),
  }));
  const sign = async (signingInput: Uint8Array): Promise<Uint8Array> => {
    const digest = createHash('sha256').update(signingInput).digest();
    const signature = await token.exclusive(() => {
      token.module.C_SignInit(token.session, { mechanism: pkcs11js.CKM_ECDSA }, privateKey);
      return token.module.C_SignAsync(token.session, digest, Buffer.alloc(SIGNATURE_BUFFER));
    });
    if (signature.length !== SIGNATURE_LENGTH)
      throw new Error(`token key ${describe(selector)} answered a ${signature.length}-byte signature, not ES256's 64`);
    return new Uint8Array(signature);
  };
  const probe = Buffer.from(`pdi-engine key check ${publicJwk.kid}`);
  let signature: Uint8Array;
  try {
    signature = await sign(probe);
  } catch (error) {
    throw new Error(`token key ${describe(selector)} cannot sign with CKM_ECDSA (${pkcs11Reason(error)})`);
  }
  const publicKey = createPublicKey({ key: publicJwk, format: 'jwk' });
  if (!verify('sha256', probe, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature))
    throw new Error(
      `the private and public keys ${describe(selector)} on token "${token.tokenLabel}" are not one pair`,
    );
  return { kid: publicJwk.kid!, alg: 'ES256', publicJwk, sign };
}
