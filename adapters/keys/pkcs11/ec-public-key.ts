import type { JWK } from 'jose';
import { jwkThumbprint } from '../../../protocol/jose/thumbprint.js';

/** DER of the prime256v1 (P-256) named curve OID 1.2.840.10045.3.1.7, as CKA_EC_PARAMS holds it (PKCS#11 v2.40 §2.3.3). */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
/** An uncompressed P-256 point: 0x04 ‖ X ‖ Y (SEC 1 §2.3.3). */
const POINT_LENGTH = 65;

/**
 * CKA_EC_POINT is the DER OCTET STRING of the X9.62 point (PKCS#11 v2.40 §2.3.3); some modules
 * answer the bare point. Either way the uncompressed point, or undefined.
 */
function uncompressedPoint(ecPoint: Buffer): Buffer | undefined {
  const wrapped = ecPoint.length === POINT_LENGTH + 2 && ecPoint[0] === 0x04 && ecPoint[1] === POINT_LENGTH;
  const point = wrapped ? ecPoint.subarray(2) : ecPoint;
  return point.length === POINT_LENGTH && point[0] === 0x04 ? point : undefined;
}

/** The public JWK of a P-256 token key (kid: the first 16 characters of its RFC 7638 thumbprint, as the key file's keys). */
export function p256PublicJwk(ecParams: Buffer, ecPoint: Buffer): JWK {
  if (!ecParams.equals(P256_PARAMS)) throw new Error('the token key is not on the P-256 curve (ES256, RFC 7518 §3.4)');
  const point = uncompressedPoint(ecPoint);
  if (!point) throw new Error('the token key has no uncompressed P-256 point (CKA_EC_POINT)');
  const coordinates = {
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33).toString('base64url'),
  };
  return { ...coordinates, kid: jwkThumbprint(coordinates).slice(0, 16), alg: 'ES256', use: 'sig' };
}
