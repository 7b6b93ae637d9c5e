import 'reflect-metadata';
import { createECDH, createHash, hkdfSync, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KeyFile = z.object({
  version: z.literal(1),
  masterSecret: z.string().min(43),
  keys: z.array(z.object({ kid: z.string(), privateJwk: z.record(z.string(), z.unknown()), certificate: z.string(), subjectDns: z.string() })).min(1),
});
type KeyFile = z.infer<typeof KeyFile>;
type StoredKey = KeyFile['keys'][number];

export interface CurrentKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The self-signed certificate chain (base64 DER) for x509 client identifiers. */
  x5c: string[];
}

const FILE = 'keys.json';
const YEAR = 365 * 24 * 3600 * 1000;

function publicOf(jwk: Record<string, unknown>): JWK {
  const { d: _, ...rest } = jwk;
  return rest as JWK;
}

async function newKey(now: number, subjectDns: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = (await calculateJwkThumbprint(privateJwk, 'sha256')).slice(0, 16);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=${subjectDns}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + YEAR),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: { privateKey, publicKey },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: subjectDns }])],
  });
  return { kid, privateJwk: { ...privateJwk, kid, alg: 'ES256', use: 'sig' }, certificate: Buffer.from(certificate.rawData).toString('base64'), subjectDns };
}

/**
 * The issuer's keys, kept in `<dataDir>/keys.json` (mode 0600): ES256 signing keys (the
 * newest signs; rotation keeps older public keys published) with a self-signed certificate
 * for the verifier's x509 client identifier, and a master secret from which per-request
 * response-encryption keys and other secrets are derived, so any instance sharing the data
 * directory can use them and nothing per request is stored.
 */
export class KeyRing {
  private constructor(
    private readonly path: string,
    private file: KeyFile,
    private currentKey: CurrentKey,
  ) {}

  static async open(dataDir: string, options: { now: number; subjectDns: string }): Promise<KeyRing> {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, FILE);
    let file: KeyFile = existsSync(path)
      ? KeyFile.parse(JSON.parse(readFileSync(path, 'utf8')))
      : { version: 1, masterSecret: randomBytes(32).toString('base64url'), keys: [await newKey(options.now, options.subjectDns)] };
    if (file.keys.at(-1)!.subjectDns !== options.subjectDns) file = { ...file, keys: [...file.keys, await newKey(options.now, options.subjectDns)] };
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    return new KeyRing(path, file, await KeyRing.load(file.keys.at(-1)!));
  }

  private static async load(stored: StoredKey): Promise<CurrentKey> {
    return {
      kid: stored.kid,
      alg: 'ES256',
      privateKey: (await importJWK(stored.privateJwk as JWK, 'ES256')) as CryptoKey,
      publicJwk: publicOf(stored.privateJwk),
      x5c: [stored.certificate],
    };
  }

  current(): CurrentKey {
    return this.currentKey;
  }

  /** A new signing key (and certificate) becomes current; the old public keys stay in `jwks()`. */
  async rotate(now: number): Promise<void> {
    const key = await newKey(now, this.file.keys.at(-1)!.subjectDns);
    this.file = { ...this.file, keys: [...this.file.keys, key] };
    writeFileSync(this.path, JSON.stringify(this.file), { mode: 0o600 });
    this.currentKey = await KeyRing.load(key);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.file.keys.map((key) => publicOf(key.privateJwk)) };
  }

  /** base64url SHA-256 of the current certificate (the `x509_hash:` client identifier). */
  x509Hash(): string {
    return createHash('sha256').update(Buffer.from(this.currentKey.x5c[0]!, 'base64')).digest('base64url');
  }

  /** 32 bytes derived from the master secret for `label` (HKDF-SHA256). */
  derivedSecret(label: string): Uint8Array {
    return new Uint8Array(hkdfSync('sha256', Buffer.from(this.file.masterSecret, 'base64url'), Buffer.alloc(0), label, 32));
  }

  /** The ECDH-ES P-256 key a wallet encrypts its response to for `requestId` (OpenID4VP §8.3, HAIP §5). */
  async responseEncryptionKey(requestId: string): Promise<{ publicJwk: JWK; privateKey: CryptoKey }> {
    const ecdh = createECDH('prime256v1');
    for (let counter = 0; ; counter++) {
      try {
        ecdh.setPrivateKey(Buffer.from(this.derivedSecret(`response-encryption:${counter}:${requestId}`)));
        break;
      } catch {
        continue;
      }
    }
    const point = ecdh.getPublicKey();
    const kid = createHash('sha256').update(requestId).digest('base64url').slice(0, 16);
    const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url'), kid, alg: 'ECDH-ES', use: 'enc' };
    const privateKey = (await importJWK({ ...publicJwk, d: ecdh.getPrivateKey().toString('base64url') }, 'ECDH-ES')) as CryptoKey;
    return { publicJwk, privateKey };
  }
}
