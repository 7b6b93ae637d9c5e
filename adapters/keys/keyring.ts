import {
  X509Certificate,
  createECDH,
  createHash,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import {
  EcPrivateJwk,
  createKeyFile,
  readKeyFile,
  updateKeyFile,
  type KeyFile,
  type StoredCertifiedKey,
  type StoredKeyFile,
  type StoredSigningKey,
} from './key-file.js';
import { jwkThumbprint } from '../../protocol/jose/thumbprint.js';
import type { CertifiedSigner, DecryptionAlgorithms, IssuerKeys, JwsSigner } from './ports.js';
import { webCryptoSigner } from './web-crypto-signer.js';

/** A signing key ready to use. */
export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** The verifier's key: it signs request objects, with its certificate chain (base64 DER, leaf first) for the x509 client identifiers. */
export interface VerifierKey extends SigningKey {
  x5c: string[];
}

export interface ResponseEncryptionKey {
  publicJwk: JWK;
  privateKey: KeyObject;
}

const FILE = 'keys.json';
const DAY = 24 * 3600 * 1000;
const CERTIFICATE_LIFETIME = 365 * DAY;
/** A certificate closer than this to its notAfter is re-issued at open, so a running instance never serves an expired one. */
const CERTIFICATE_RENEWAL = 30 * DAY;
/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function publicJwkOf(stored: StoredSigningKey): JWK {
  const { kty, crv, x, y } = stored.privateJwk;
  return { kty, crv, x, y, kid: stored.kid, alg: 'ES256', use: 'sig' };
}

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

async function certify(
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

async function newSigningKey(): Promise<StoredSigningKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = EcPrivateJwk.parse(await exportJWK(privateKey));
  return { kid: jwkThumbprint(privateJwk).slice(0, 16), privateJwk };
}

async function newCertifiedKey(now: number, subjectDns: string): Promise<StoredCertifiedKey> {
  const key = await newSigningKey();
  return { ...key, ...(await certify(key.privateJwk, now, subjectDns)) };
}

function certificateFits(stored: StoredCertifiedKey, now: number, subjectDns: string): boolean {
  const notAfter = Date.parse(new X509Certificate(Buffer.from(stored.certificate, 'base64')).validTo);
  return stored.subjectDns === subjectDns && notAfter - now > CERTIFICATE_RENEWAL;
}

/** Nothing to change: a current file whose verifier certificate names `subjectDns` and is far from its end. */
function upToDate(file: StoredKeyFile, now: number, subjectDns: string): boolean {
  return file.version === 2 && certificateFits(file.verifier, now, subjectDns);
}

/**
 * The file as it must be at this start: a version 1 file gets its own verifier key (its signing keys
 * keep signing credentials, their certificates are dropped); a verifier certificate for another DNS
 * name or near its end is re-issued for the same key. Undefined when nothing changes.
 */
async function refreshed(file: StoredKeyFile, now: number, subjectDns: string): Promise<KeyFile | undefined> {
  if (upToDate(file, now, subjectDns)) return undefined;
  if (file.version === 1) {
    const keys = file.keys.map(({ kid, privateJwk }) => ({ kid, privateJwk }));
    return { version: 2, masterSecret: file.masterSecret, keys, verifier: await newCertifiedKey(now, subjectDns) };
  }
  return { ...file, verifier: { ...file.verifier, ...(await certify(file.verifier.privateJwk, now, subjectDns)) } };
}

async function loadSigningKey(stored: StoredSigningKey): Promise<SigningKey> {
  return {
    kid: stored.kid,
    alg: 'ES256',
    privateKey: (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey,
    publicJwk: publicJwkOf(stored),
  };
}

async function loadVerifierKey(stored: StoredCertifiedKey): Promise<VerifierKey> {
  return { ...(await loadSigningKey(stored)), x5c: [stored.certificate] };
}

/**
 * The issuer's keys, kept in `<dataDir>/keys.json` (mode 0600): ES256 credential signing keys (the
 * newest signs; rotation keeps the older public keys published), a separate verifier key whose
 * self-signed certificate serves the x509 client identifiers of the request objects (the credential
 * keys have no certificate and the verifier key signs no credential), and a master secret from which
 * per-request response encryption keys and other secrets are derived, so every instance sharing the
 * directory derives the same keys and nothing per request is stored.
 */
export class KeyRing implements IssuerKeys {
  private constructor(
    private readonly path: string,
    private file: KeyFile,
    private currentKey: SigningKey,
    private readonly verifier: VerifierKey,
  ) {}

  static async open(dataDir: string, options: { now: number; subjectDns: string }): Promise<KeyRing> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, FILE);
    const { now, subjectDns } = options;
    const found =
      readKeyFile(path) ??
      createKeyFile(path, {
        version: 2,
        masterSecret: randomBytes(32).toString('base64url'),
        keys: [await newSigningKey()],
        verifier: await newCertifiedKey(now, subjectDns),
      });
    const file =
      found.version === 2 && upToDate(found, now, subjectDns)
        ? found
        : await updateKeyFile(path, (onDisk) => refreshed(onDisk, now, subjectDns));
    return new KeyRing(path, file, await loadSigningKey(file.keys.at(-1)!), await loadVerifierKey(file.verifier));
  }

  /** The credential signing key. */
  current(): SigningKey {
    return this.currentKey;
  }

  /** The verifier's request-object signing key and its certificate. */
  verifierKey(): VerifierKey {
    return this.verifier;
  }

  credentialSigner(): JwsSigner {
    return webCryptoSigner(this.currentKey.kid, this.currentKey.privateKey);
  }

  verifierSigner(): CertifiedSigner {
    return { ...webCryptoSigner(this.verifier.kid, this.verifier.privateKey), x5c: this.verifier.x5c };
  }

  /** A new credential signing key becomes current; the older public keys stay in `jwks()`. The verifier key stays. */
  async rotate(now: number): Promise<void> {
    const key = await newSigningKey();
    const subjectDns = this.file.verifier.subjectDns;
    this.file = await updateKeyFile(this.path, async (onDisk) => {
      const base = (await refreshed(onDisk, now, subjectDns)) ?? (onDisk as KeyFile);
      return { ...base, keys: [...base.keys, key] };
    });
    this.currentKey = await loadSigningKey(key);
  }

  /** Every credential signing key's public half, current last; private members are never copied, the verifier key is not listed. */
  jwks(): { keys: JWK[] } {
    return { keys: this.file.keys.map(publicJwkOf) };
  }

  /** base64url SHA-256 of the verifier's leaf certificate DER (the `x509_hash:` client identifier, OpenID4VP §5.9.3). */
  x509Hash(): string {
    return createHash('sha256').update(Buffer.from(this.verifier.x5c[0]!, 'base64')).digest('base64url');
  }

  /** 32 bytes derived from the master secret for `label` (HKDF-SHA256; labels keep the uses apart). */
  derivedSecret(label: string): Uint8Array {
    return new Uint8Array(
      hkdfSync('sha256', Buffer.from(this.file.masterSecret, 'base64url'), Buffer.alloc(0), label, 32),
    );
  }

  /**
   * The ephemeral ECDH-ES P-256 key a wallet encrypts its response to (OpenID4VP §8.3; HAIP §5:
   * a key per request), derived from the master secret and `requestId` so any instance can decrypt.
   */
  responseEncryptionKey(requestId: string): ResponseEncryptionKey {
    const requestHash = createHash('sha256').update(requestId).digest('base64url');
    const material = BigInt(
      `0x${Buffer.from(this.derivedSecret(`openid4vp-response-encryption:${requestHash}`)).toString('hex')}`,
    );
    // A scalar in [1, n-1] (FIPS 186-5 A.2.1 reduction; the bias of 256 bits mod n is below 2^-32).
    const d = Buffer.from(((material % (P256_ORDER - 1n)) + 1n).toString(16).padStart(64, '0'), 'hex');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const coordinates = {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    };
    return {
      publicJwk: { ...coordinates, kid: requestHash.slice(0, 16), alg: 'ECDH-ES', use: 'enc' },
      privateKey: createPrivateKey({ key: { ...coordinates, d: d.toString('base64url') }, format: 'jwk' }),
    };
  }

  responseEncryptionJwk(requestId: string): JWK {
    return this.responseEncryptionKey(requestId).publicJwk;
  }

  async decryptResponse(jwe: string, requestId: string, algorithms: DecryptionAlgorithms): Promise<Uint8Array> {
    return (await compactDecrypt(jwe, this.responseEncryptionKey(requestId).privateKey, algorithms)).plaintext;
  }
}
