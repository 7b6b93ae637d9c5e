import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { exportJWK, type JWK } from 'jose';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600_000;

export interface IssuerPkiOptions {
  /** The PID provider's `iss` (an https URL): the leaf's SAN carries it and its host (SD-JWT VC draft 08 §3.5). */
  issuer: string;
  now: number;
  /** Every certificate is valid from an hour before `now` for this many days (default 365). */
  validityDays?: number;
  /** An issuing CA between the root and the leaf (default true). */
  intermediate?: boolean;
  /** Test knobs: a leaf bound to other names, an intermediate expiring early, a leaf without digitalSignature, a leaf EKU. */
  leafSanUri?: string;
  leafSanDns?: string;
  intermediateNotAfter?: number;
  omitDigitalSignature?: boolean;
  leafEku?: readonly string[];
}

export interface IssuerPki {
  /** The root CA certificate, PEM: what a verifier configures as its trust anchor. */
  anchorPem: string;
  /** The chain for a JWS `x5c` header (RFC 7515 §4.1.6): base64 DER, leaf first, the root left out. */
  x5c: string[];
  leafPrivateKey: CryptoKey;
  /** The same key as a private JWK, for a provider that keeps it in a file. */
  leafPrivateJwk: JWK;
  leafPublicJwk: JWK;
}

interface Authority {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
}

/** Only the leaf's private key can be exported (the demo PID provider keeps it); the CAs' are used once and dropped. */
function newKeys(extractable = false): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, extractable, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** A CA certificate (RFC 5280 §4.2.1.9, §4.2.1.3): cA, keyCertSign and cRLSign; self-signed when `parent` is absent. */
async function certificateAuthority(name: string, notBefore: Date, notAfter: Date, parent?: Authority) {
  const keys = await newKeys();
  const extensions = [
    new x509.BasicConstraintsExtension(true, parent ? 0 : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const common = { notBefore, notAfter, signingAlgorithm: ALGORITHM };
  const certificate = parent
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: name,
        issuer: parent.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: parent.keys.privateKey,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(parent.keys.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name, keys, extensions });
  return { certificate, keys };
}

/**
 * A small PKI for a PID provider: a self-signed root CA (the trust anchor), an issuing CA
 * (unless `intermediate: false`) and a leaf signing key with digitalSignature and the SANs
 * uniformResourceIdentifier = `issuer` and dNSName = its host, all ECDSA P-256.
 */
export async function createIssuerPki(options: IssuerPkiOptions): Promise<IssuerPki> {
  const host = new URL(options.issuer).hostname;
  const notBefore = new Date(options.now - 3600_000);
  const notAfter = new Date(options.now + (options.validityDays ?? 365) * DAY);
  const root = await certificateAuthority(`CN=${host} PID Root CA`, notBefore, notAfter);
  const intermediateNotAfter = new Date(options.intermediateNotAfter ?? notAfter.getTime());
  const signer =
    options.intermediate === false
      ? root
      : await certificateAuthority(`CN=${host} PID Issuing CA`, notBefore, intermediateNotAfter, root);

  const leafKeys = await newKeys(true);
  const usage = options.omitDigitalSignature ? x509.KeyUsageFlags.nonRepudiation : x509.KeyUsageFlags.digitalSignature;
  const leaf = await x509.X509CertificateGenerator.create({
    subject: `CN=${host}`,
    issuer: signer.certificate.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      new x509.SubjectAlternativeNameExtension([
        { type: 'url', value: options.leafSanUri ?? options.issuer },
        { type: 'dns', value: options.leafSanDns ?? host },
      ]),
      ...(options.leafEku ? [new x509.ExtendedKeyUsageExtension([...options.leafEku])] : []),
      await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey),
    ],
  });

  const chain = signer === root ? [leaf] : [leaf, signer.certificate];
  return {
    anchorPem: root.certificate.toString('pem'),
    x5c: chain.map((certificate) => certificate.toString('base64')),
    leafPrivateKey: leafKeys.privateKey,
    leafPrivateJwk: await exportJWK(leafKeys.privateKey),
    leafPublicJwk: await exportJWK(leafKeys.publicKey),
  };
}
