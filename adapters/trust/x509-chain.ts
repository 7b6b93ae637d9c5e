import { createPublicKey } from 'node:crypto';
import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  type X509Certificate,
} from '@peculiar/x509';
import type { JWK } from 'jose';
import { readCertificate } from './x509-certificate.js';

/** The check an `x5c` chain failed, for the protocol error to name. */
export type X509ChainStep =
  | 'malformed'
  | 'path'
  | 'signature'
  | 'validity'
  | 'basic-constraints'
  | 'key-usage'
  | 'extended-key-usage'
  | 'issuer-binding';

export class X509ChainRefused extends Error {
  override readonly name = 'X509ChainRefused';

  constructor(
    readonly step: X509ChainStep,
    detail: string,
  ) {
    super(`x5c refused (${step}): ${detail}`);
  }
}

export interface IssuerChainOptions {
  /** The credential's `iss`, which the leaf must be bound to. */
  issuer: string;
  /** The configured trust anchors (`X509Anchors.current()`); a CA certificate sent in `x5c` is never one by itself. */
  anchors: readonly X509Certificate[];
  /** Milliseconds since the epoch. */
  now: number;
  /** OIDs: when set, the leaf must carry one of them in its extendedKeyUsage. */
  requiredExtendedKeyUsage?: readonly string[];
}

const MAX_CERTIFICATES = 10;
/** Base64 characters per certificate: a few kilobytes of DER is already a large certificate. */
const MAX_CERTIFICATE_CHARS = 16_384;
/** RFC 7515 §4.1.6: each `x5c` entry is base64 (not base64url) DER. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** RFC 5280 §4.2: the extensions this validation processes; any other one marked critical refuses the chain. */
const PROCESSED_EXTENSIONS = new Set(['2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.37']);

function refuse(step: X509ChainStep, certificate: X509Certificate | undefined, problem: string): never {
  throw new X509ChainRefused(step, certificate ? `certificate "${certificate.subject}" ${problem}` : problem);
}

function parse(x5c: readonly string[]): X509Certificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0) refuse('malformed', undefined, 'x5c must be a non-empty array');
  if (x5c.length > MAX_CERTIFICATES)
    refuse('malformed', undefined, `x5c holds more than ${MAX_CERTIFICATES} certificates`);
  return x5c.map((entry, index) => {
    if (typeof entry !== 'string' || entry.length > MAX_CERTIFICATE_CHARS || !BASE64.test(entry))
      refuse('malformed', undefined, `x5c[${index}] is not a base64 certificate of reasonable size`);
    try {
      return readCertificate(Buffer.from(entry, 'base64'));
    } catch (error) {
      return refuse('malformed', undefined, `x5c[${index}] is not a DER certificate: ${(error as Error).message}`);
    }
  });
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** RFC 5280 §6.1.3 (a)(4): `issuer` names the subject of `ca` (compared as DER, which is stricter than §7.1). */
function namedBy(certificate: X509Certificate, ca: X509Certificate): boolean {
  return sameBytes(certificate.issuerName.toArrayBuffer(), ca.subjectName.toArrayBuffer());
}

async function signedBy(certificate: X509Certificate, ca: X509Certificate): Promise<boolean> {
  try {
    return await certificate.verify({ publicKey: ca.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/**
 * RFC 5280 §6.1: the path from the leaf through the `x5c` intermediates (each certifying the one
 * before it, RFC 7515 §4.1.6) to a configured anchor: either a certificate of the chain byte-equal
 * to an anchor (the chain ends there) or an anchor that named and signed the chain's last one.
 */
async function pathToAnchor(chain: X509Certificate[], anchors: readonly X509Certificate[]): Promise<X509Certificate[]> {
  const pinned = chain.findIndex(
    (certificate, index) => index > 0 && anchors.some((anchor) => sameBytes(anchor.rawData, certificate.rawData)),
  );
  if (pinned > 0) return chain.slice(0, pinned + 1);
  const last = chain[chain.length - 1] as X509Certificate;
  for (const anchor of anchors) if (namedBy(last, anchor) && (await signedBy(last, anchor))) return [...chain, anchor];
  return refuse('path', last, `was not issued by any configured trust anchor (issuer "${last.issuer}")`);
}

/** RFC 5280 §6.1.3 (a)(1)-(2), (a)(4): each certificate names its issuer and carries a signature the issuer's key verifies. */
async function checkSignatures(path: X509Certificate[]): Promise<void> {
  for (let index = 0; index + 1 < path.length; index++) {
    const certificate = path[index] as X509Certificate;
    const ca = path[index + 1] as X509Certificate;
    if (!namedBy(certificate, ca))
      refuse('path', certificate, `names issuer "${certificate.issuer}", not "${ca.subject}"`);
    if (!(await signedBy(certificate, ca))) refuse('signature', certificate, `is not signed by "${ca.subject}"`);
  }
}

/** RFC 5280 §6.1.3 (a)(2): every certificate of the path, the anchor included, is valid at `now`. */
function checkValidity(path: X509Certificate[], now: number): void {
  for (const certificate of path)
    if (now < certificate.notBefore.getTime() || now > certificate.notAfter.getTime())
      refuse(
        'validity',
        certificate,
        `is valid from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`,
      );
}

/** RFC 5280 §6.1.4 (k)-(n), §4.2.1.9, §4.2.1.3: each CA may sign certificates; the leaf is no CA and may sign. */
function checkConstraints(path: X509Certificate[]): void {
  const [leaf, ...cas] = path as [X509Certificate, ...X509Certificate[]];
  if (leaf.getExtension(BasicConstraintsExtension)?.ca) refuse('basic-constraints', leaf, 'is a CA, not a signing key');
  cas.forEach((ca, index) => {
    const constraints = ca.getExtension(BasicConstraintsExtension);
    if (!constraints?.ca) refuse('basic-constraints', ca, 'issues certificates but is not a CA (basicConstraints cA)');
    // §6.1.4 (l)-(m): the CAs below this one, self-issued ones not counted.
    const below = cas.slice(0, index).filter((certificate) => !namedBy(certificate, certificate)).length;
    if (constraints.pathLength !== undefined && below > constraints.pathLength)
      refuse('basic-constraints', ca, `allows ${constraints.pathLength} CAs below it, the path has ${below}`);
    const usage = ca.getExtension(KeyUsagesExtension);
    if (usage && !(usage.usages & KeyUsageFlags.keyCertSign)) refuse('key-usage', ca, 'lacks keyUsage keyCertSign');
  });
  const usage = leaf.getExtension(KeyUsagesExtension);
  if (usage && !(usage.usages & KeyUsageFlags.digitalSignature))
    refuse('key-usage', leaf, 'lacks keyUsage digitalSignature');
}

/** RFC 5280 §6.1.4 (o), §6.1.5 (f): a critical extension this validation does not process refuses the path. */
function checkCriticalExtensions(path: X509Certificate[]): void {
  for (const certificate of path)
    for (const extension of certificate.extensions)
      if (extension.critical && !PROCESSED_EXTENSIONS.has(extension.type))
        refuse('path', certificate, `carries the unsupported critical extension ${extension.type}`);
}

/** RFC 5280 §4.2.1.12: when a purpose is required, the leaf lists one of them. */
function checkExtendedKeyUsage(leaf: X509Certificate, required: readonly string[] | undefined): void {
  if (!required) return;
  const usages = (leaf.getExtension(ExtendedKeyUsageExtension)?.usages ?? []).map(String);
  if (!usages.some((usage) => required.includes(usage)))
    refuse('extended-key-usage', leaf, `lists none of the extended key usages ${required.join(', ')}`);
}

/**
 * draft-ietf-oauth-sd-jwt-vc-08 §3.5 (Issuer-signed JWT Verification Key Validation), X.509
 * Certificates: for an HTTPS `iss`, the `iss` matches a uniformResourceIdentifier SAN of the
 * end-entity certificate or its domain name matches a dNSName SAN. Any other `iss` is refused.
 */
function checkIssuerBinding(leaf: X509Certificate, issuer: string): void {
  const url = URL.canParse(issuer) ? new URL(issuer) : undefined;
  if (url?.protocol !== 'https:') refuse('issuer-binding', leaf, `cannot be bound to the non-https iss "${issuer}"`);
  const names = leaf.getExtension(SubjectAlternativeNameExtension)?.names.items ?? [];
  const bound = names.some(
    (name) =>
      (name.type === 'url' && name.value === issuer) ||
      (name.type === 'dns' && name.value.toLowerCase() === url.hostname),
  );
  if (!bound) refuse('issuer-binding', leaf, `has no SAN matching iss "${issuer}"`);
}

function publicJwk(leaf: X509Certificate): JWK {
  try {
    return createPublicKey({ key: Buffer.from(leaf.publicKey.rawData), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    }) as JWK;
  } catch (error) {
    return refuse('malformed', leaf, `has a public key that is not usable as a JWK: ${(error as Error).message}`);
  }
}

/** A validated chain: the leaf's key, and the time in which every certificate of its path is valid. */
export interface ValidatedChain {
  key: JWK;
  validFrom: number;
  validUntil: number;
}

/**
 * Validates the `x5c` chain of an Issuer-signed JWT against the configured anchors (seed 002
 * E-30) and answers the leaf's public key, for verifying the JWS; throws `X509ChainRefused`.
 */
export async function verifyIssuerChain(x5c: readonly string[], options: IssuerChainOptions): Promise<JWK> {
  return (await validateIssuerChain(x5c, options)).key;
}

/** `verifyIssuerChain`, also answering the path's validity window (so a caller may keep the result within it). */
export async function validateIssuerChain(
  x5c: readonly string[],
  options: IssuerChainOptions,
): Promise<ValidatedChain> {
  const chain = parse(x5c);
  const path = await pathToAnchor(chain, options.anchors);
  await checkSignatures(path);
  checkValidity(path, options.now);
  checkConstraints(path);
  checkCriticalExtensions(path);
  const leaf = chain[0] as X509Certificate;
  checkExtendedKeyUsage(leaf, options.requiredExtendedKeyUsage);
  checkIssuerBinding(leaf, options.issuer);
  return {
    key: publicJwk(leaf),
    validFrom: Math.max(...path.map((certificate) => certificate.notBefore.getTime())),
    validUntil: Math.min(...path.map((certificate) => certificate.notAfter.getTime())),
  };
}
