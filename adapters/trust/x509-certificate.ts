import 'reflect-metadata';
import { SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';

/**
 * A DER certificate, read whole: its getters parse on first use and may throw, so each one the
 * checks use is met here, not in a later check. Throws on anything that is not a certificate.
 */
export function readCertificate(der: BufferSource): X509Certificate {
  const certificate = new X509Certificate(der);
  const oids = certificate.extensions.map((extension) => extension.type);
  if (new Set(oids).size !== oids.length) throw new Error('an extension appears twice (RFC 5280 §4.2)');
  if (!certificate.issuer) throw new Error('its issuer name is empty (RFC 5280 §4.1.2.4)');
  if (!certificate.subject && !certificate.getExtension(SubjectAlternativeNameExtension))
    throw new Error('it names no subject (RFC 5280 §4.1.2.6)');
  if (certificate.notAfter < certificate.notBefore) throw new Error('its validity ends before it begins');
  if (!certificate.publicKey.rawData.byteLength) throw new Error('it has no public key');
  return certificate;
}
