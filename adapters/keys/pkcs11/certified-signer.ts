import { X509Certificate } from 'node:crypto';
import type { CertifiedSigner } from '../ports.js';
import type { TokenSigner } from './token-signer.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** A chain as PEM text (certificates one after the other) or as base64 DER strings, to base64 DER, leaf first. */
export function chainToX5c(chain: string | readonly string[]): string[] {
  if (typeof chain !== 'string') return chain.map((der) => der.replace(/\s+/g, ''));
  const blocks = [...chain.matchAll(PEM_BLOCK)].map((match) => match[1]!.replace(/\s+/g, ''));
  if (blocks.length === 0) throw new Error('the certificate chain has no PEM CERTIFICATE block');
  return blocks;
}

function parse(der: string, index: number): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(der, 'base64'));
  } catch {
    throw new Error(`certificate ${index} of the verifier chain is not an X.509 certificate`);
  }
}

/**
 * The verifier's request-object signer: a token key with the certificate chain a CA issued for it.
 * Checked at start, fail closed: the leaf certifies the token's public key, names `subjectDns` as a
 * dNSName SAN (OpenID4VP §5.9.3, `x509_san_dns`), is valid at `now`, and each certificate is issued
 * and signed by the next (RFC 5280 §6.1).
 */
export function certifiedTokenSigner(
  signer: TokenSigner,
  chain: string | readonly string[],
  options: { subjectDns: string; now: number },
): CertifiedSigner {
  const x5c = chainToX5c(chain);
  if (x5c.length === 0) throw new Error('the verifier certificate chain is empty');
  const certificates = x5c.map(parse);
  const leaf = certificates[0]!;
  const certified = leaf.publicKey.export({ format: 'jwk' });
  if (certified.crv !== 'P-256' || certified.x !== signer.publicJwk.x || certified.y !== signer.publicJwk.y)
    throw new Error(`the verifier leaf certificate does not certify the token key ${signer.kid}`);
  // OpenID4VP §5.9.3: the x509_san_dns client identifier is a dNSName SAN of the leaf.
  if (!(leaf.subjectAltName ?? '').split(', ').includes(`DNS:${options.subjectDns}`))
    throw new Error(`the verifier leaf certificate has no dNSName SAN ${options.subjectDns}`);
  if (Date.parse(leaf.validFrom) > options.now || Date.parse(leaf.validTo) <= options.now)
    throw new Error(`the verifier leaf certificate is not valid now (${leaf.validFrom} to ${leaf.validTo})`);
  for (let i = 0; i + 1 < certificates.length; i += 1) {
    const [child, parent] = [certificates[i]!, certificates[i + 1]!];
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
      throw new Error(`certificate ${i} of the verifier chain is not issued by certificate ${i + 1}`);
  }
  return { kid: signer.kid, alg: signer.alg, sign: signer.sign, x5c };
}
