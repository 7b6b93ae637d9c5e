import { X509Certificate, createECDH, createHash, createPrivateKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { jwkThumbprint } from './thumbprint.js';

const EcPrivateJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), d: z.string() });
type EcPrivateJwk = z.infer<typeof EcPrivateJwk>;

const StoredKey = z.object({
  kid: z.string().min(1),
  privateJwk: EcPrivateJwk,
  /** base64 DER of the self-signed leaf */
  certificate: z.string().min(1),
  /** the dNSName the certificate was issued for */
  subjectDns: z.string().min(1),
});
type StoredKey = z.infer<typeof StoredKey>;

const KeyFile = z.object({
  version: z.literal(1),
  masterSecret: z.string().min(43),
  keys: z.array(StoredKey).min(1),
});
type KeyFile = z.infer<typeof KeyFile>;

export interface CurrentKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The certificate chain (base64 DER, leaf first) for the x509 client identifier prefixes. */
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

function publicJwkOf(stored: StoredKey): JWK {
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

async function certify(privateJwk: EcPrivateJwk, now: number, subjectDns: string): Promise<Pick<StoredKey, 'certificate' | 'subjectDns'>> {
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

async function newKey(now: number, subjectDns: string): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = EcPrivateJwk.parse(await exportJWK(privateKey));
  const kid = jwkThumbprint(privateJwk).slice(0, 16);
  return { kid, privateJwk, ...(await certify(privateJwk, now, subjectDns)) };
}

function certificateFits(stored: StoredKey, now: number, subjectDns: string): boolean {
  const notAfter = Date.parse(new X509Certificate(Buffer.from(stored.certificate, 'base64')).validTo);
  return stored.subjectDns === subjectDns && notAfter - now > CERTIFICATE_RENEWAL;
}

function readKeyFile(path: string): KeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: ReturnType<typeof KeyFile.safeParse>;
  try {
    parsed = KeyFile.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${path} is not a key file: not JSON`);
  }
  if (!parsed.success) throw new Error(`${path} is not a key file: ${parsed.error.message}`);
  // The file holds private keys and the master secret: owner-only, whoever created it.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return parsed.data;
}

function temporaryFile(path: string, file: KeyFile): string {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
  return temporary;
}

/** First start: publish `file` unless another instance sharing the directory won the race, whose file is then used. */
function createKeyFile(path: string, file: KeyFile): KeyFile {
  const temporary = temporaryFile(path, file);
  try {
    linkSync(temporary, path);
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeyFile(path)!;
  } finally {
    unlinkSync(temporary);
  }
}

function replaceKeyFile(path: string, file: KeyFile): void {
  renameSync(temporaryFile(path, file), path);
}

/**
 * The issuer's keys, kept in `<dataDir>/keys.json` (mode 0600): ES256 signing keys (the newest
 * signs; rotation keeps the older public keys published), each with a self-signed certificate for
 * the verifier's x509 client identifiers, and a master secret from which per-request response
 * encryption keys and other secrets are derived, so every instance sharing the directory derives
 * the same keys and nothing per request is stored.
 */
export class KeyRing {
  private constructor(
    private readonly path: string,
    private file: KeyFile,
    private currentKey: CurrentKey,
  ) {}

  static async open(dataDir: string, options: { now: number; subjectDns: string }): Promise<KeyRing> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, FILE);
    let file =
      readKeyFile(path) ??
      createKeyFile(path, { version: 1, masterSecret: randomBytes(32).toString('base64url'), keys: [await newKey(options.now, options.subjectDns)] });
    const latest = file.keys.at(-1)!;
    if (!certificateFits(latest, options.now, options.subjectDns)) {
      const renewed = { ...latest, ...(await certify(latest.privateJwk, options.now, options.subjectDns)) };
      file = { ...file, keys: [...file.keys.slice(0, -1), renewed] };
      replaceKeyFile(path, file);
    }
    return new KeyRing(path, file, await KeyRing.load(file.keys.at(-1)!));
  }

  private static async load(stored: StoredKey): Promise<CurrentKey> {
    return {
      kid: stored.kid,
      alg: 'ES256',
      privateKey: (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey,
      publicJwk: publicJwkOf(stored),
      x5c: [stored.certificate],
    };
  }

  current(): CurrentKey {
    return this.currentKey;
  }

  /** A new signing key (and certificate) becomes current; the older public keys stay in `jwks()`. */
  async rotate(now: number): Promise<void> {
    const onDisk = readKeyFile(this.path) ?? this.file;
    const key = await newKey(now, onDisk.keys.at(-1)!.subjectDns);
    this.file = { ...onDisk, keys: [...onDisk.keys, key] };
    replaceKeyFile(this.path, this.file);
    this.currentKey = await KeyRing.load(key);
  }

  /** Every signing key's public half, current last; private members are never copied. */
  jwks(): { keys: JWK[] } {
    return { keys: this.file.keys.map(publicJwkOf) };
  }

  /** base64url SHA-256 of the current leaf certificate's DER (the `x509_hash:` client identifier, OpenID4VP §5.9.3). */
  x509Hash(): string {
    return createHash('sha256').update(Buffer.from(this.currentKey.x5c[0]!, 'base64')).digest('base64url');
  }

  /** 32 bytes derived from the master secret for `label` (HKDF-SHA256; labels keep the uses apart). */
  derivedSecret(label: string): Uint8Array {
    return new Uint8Array(hkdfSync('sha256', Buffer.from(this.file.masterSecret, 'base64url'), Buffer.alloc(0), label, 32));
  }

  /**
   * The ephemeral ECDH-ES P-256 key a wallet encrypts its response to (OpenID4VP §8.3; HAIP §5:
   * a key per request), derived from the master secret and `requestId` so any instance can decrypt.
   */
  responseEncryptionKey(requestId: string): ResponseEncryptionKey {
    const requestHash = createHash('sha256').update(requestId).digest('base64url');
    const material = BigInt(`0x${Buffer.from(this.derivedSecret(`openid4vp-response-encryption:${requestHash}`)).toString('hex')}`);
    // A scalar in [1, n-1] (FIPS 186-5 A.2.1 reduction; the bias of 256 bits mod n is below 2^-32).
    const d = Buffer.from(((material % (P256_ORDER - 1n)) + 1n).toString(16).padStart(64, '0'), 'hex');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const coordinates = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
    return {
      publicJwk: { ...coordinates, kid: requestHash.slice(0, 16), alg: 'ECDH-ES', use: 'enc' },
      privateKey: createPrivateKey({ key: { ...coordinates, d: d.toString('base64url') }, format: 'jwk' }),
    };
  }
}
