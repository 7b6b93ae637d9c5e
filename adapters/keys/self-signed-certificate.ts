import { X509Certificate, randomBytes } from 'node:crypto';
import { importJWK } from 'jose';
import type { EcPrivateJwk, StoredCertifiedKey } from './key-file.js';

const DAY = 24 * 3600 * 1000;
const CERTIFICATE_LIFETIME = 365 * DAY;
/** A certificate closer than this to its notAfter is re-issued at open, so a running instance never serves an expired one. */
const CERTIFICATE_RENEWAL = 30 * DAY;

/** 128 random bits as a positive DER INTEGER (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

/** The certificate generator, loaded only when a certificate is made (a first start, a rotation, a renewal): it costs a fifth of a second to import. */
async function x509Generator() {
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill first.
  await import('reflect-metadata');
  return import('@peculiar/x509');
}

/** A self-signed certificate of `privateJwk`'s key naming `subjectDns` (the verifier key's, for x509_san_dns), valid a year. */
export async function certify(
  privateJwk: EcPrivateJwk,
  now: number,
  subjectDns: string,
): Promise<Pick<StoredCertifiedKey, 'certificate' | 'subjectDns'>> {
  const { kty, crv, x, y } = privateJwk;
  const x509 = await x509Generator();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [subjectDns] }],
    notBefore: new Date(now),
    notAfter: new Date(now + CERTIFICATE_LIFETIME),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: {
      privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey,
      publicKey: (await importJWK({ kty, crv, x, y }, 'ES256', { extractable: true })) as CryptoKey,
    },
    // OpenID4VP §5.9.3: x509_san_dns requires the client identifier to be a dNSName SAN of the leaf.
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: subjectDns }])],
  });
  return { certificate: Buffer.from(certificate.rawData).toString('base64'), subjectDns };
}

/** Whether `stored`'s certificate names `subjectDns` and is far from its end; else it is re-issued at open. */
export function certificateFits(stored: StoredCertifiedKey, now: number, subjectDns: string): boolean {
  const notAfter = Date.parse(new X509Certificate(Buffer.from(stored.certificate, 'base64')).validTo);
  return stored.subjectDns === subjectDns && notAfter - now > CERTIFICATE_RENEWAL;
}
