import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR = 3600_000;

/**
 * A software CA standing in for a deployment's: it issues the verifier's leaf certificate for a
 * public key it is given (the token's; the CA never sees a private key), with `subjectDns` as its
 * dNSName SAN. Answers the chain as PEM, leaf first.
 */
export async function issueVerifierChain(
  publicJwk: JWK,
  subjectDns: string,
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<string> {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const notBefore = validity.notBefore ?? new Date(Date.now() - HOUR);
  const notAfter = validity.notAfter ?? new Date(Date.now() + 24 * HOUR);
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=pdi test verifier CA',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const { kty, crv, x, y } = publicJwk;
  const leafKey = await webcrypto.subtle.importKey('jwk', { kty, crv, x, y }, ALGORITHM, true, ['verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${subjectDns}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: leafKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: subjectDns }]),
    ],
  });
  return `${leaf.toString('pem')}\n${ca.toString('pem')}\n`;
}
