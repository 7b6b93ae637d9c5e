import { createECDH, createHash, createPrivateKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import {
  EcPrivateJwk,
  KEY_FILE,
  type KeyFile,
  type StoredCertifiedKey,
  type StoredKeyFile,
  type StoredSigningKey,
} from './key-file.js';
import { keyFileStore, type KeyRingStore } from './key-ring-store.js';
import { certificateFits, certify } from './self-signed-certificate.js';
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

/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function publicJwkOf(stored: StoredSigningKey): JWK {
  const { kty, crv, x, y } = stored.privateJwk;
  return { kty, crv, x, y, kid: stored.kid, alg: 'ES256', use: 'sig' };
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

/** `file` as it must be at this start (`refreshed`), or as it is. */
async function current(file: StoredKeyFile, now: number, subjectDns: string): Promise<KeyFile> {
  return (await refreshed(file, now, subjectDns)) ?? (file as KeyFile);
}

/**
 * The issuer's keys, kept in `<dataDir>/keys.json` (mode 0600) or another `KeyRingStore` (the key
 * ring in NATS): ES256 credential signing keys (the newest signs; rotation keeps the older public
 * keys published), a separate verifier key whose self-signed certificate serves the x509 client
 * identifiers of the request objects (the credential keys have no certificate and the verifier key
 * signs no credential), and a master secret from which per-request response encryption keys and
 * other secrets are derived, so every instance sharing the ring derives the same keys and nothing
 * per request is stored.
 */
export class KeyRing implements IssuerKeys {
  private constructor(
    private readonly store: KeyRingStore,
    private file: KeyFile,
    private currentKey: SigningKey,
    private verifier: VerifierKey,
  ) {}

  static async open(dataDir: string, options: { now: number; subjectDns: string }): Promise<KeyRing> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return KeyRing.openIn(keyFileStore(join(dataDir, KEY_FILE)), options);
  }

  /**
   * The ring in `store`, made at the first start: from `imported` (an existing key file moving to
   * another store) when given, else new keys and a new master secret.
   */
  static async openIn(
    store: KeyRingStore,
    options: { now: number; subjectDns: string; imported?: StoredKeyFile },
  ): Promise<KeyRing> {
    const { now, subjectDns, imported } = options;
    const found =
      (await store.read()) ??
      (await store.create(
        imported
          ? await current(imported, now, subjectDns)
          : {
              version: 2,
              masterSecret: randomBytes(32).toString('base64url'),
              keys: [await newSigningKey()],
              verifier: await newCertifiedKey(now, subjectDns),
            },
      ));
    const file =
      found.version === 2 && upToDate(found, now, subjectDns)
        ? found
        : await store.update((stored) => refreshed(stored, now, subjectDns));
    return new KeyRing(store, file, await loadSigningKey(file.keys.at(-1)!), await loadVerifierKey(file.verifier));
  }

  /** Whether `file` protects the same state: the master secret every stored record's key is derived from. */
  sharesMasterSecretWith(file: StoredKeyFile): boolean {
    return file.masterSecret === this.file.masterSecret;
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
    const rotated = await this.store.update(async (stored) => {
      const base = await current(stored, now, subjectDns);
      return { ...base, keys: [...base.keys, key] };
    });
    await this.take(rotated);
  }

  /**
   * Issue 16 §4: a ring another process stored (a rotation, a renewed certificate) replaces this one
   * in place, as a restart would: requests in flight finish with the signer they took, whose public
   * key stays published. Only a successor is taken: the same master secret (every key derived from it
   * stays, so sessions in flight continue) and verifier key, this ring's signing keys first and in
   * order. Answers why another ring is refused, or undefined once it is in use.
   */
  async adopt(ring: StoredKeyFile): Promise<string | undefined> {
    if (ring.version !== 2) return 'it is a version 1 key ring';
    if (ring.masterSecret !== this.file.masterSecret) return 'it holds another master secret';
    if (ring.verifier.kid !== this.file.verifier.kid) return 'it holds another verifier key';
    if (this.file.keys.some((key, i) => ring.keys[i]?.kid !== key.kid))
      return 'it drops or reorders signing keys this ring publishes';
    await this.take(ring);
    return undefined;
  }

  /** `ring` in use; the keys it shares with the ring in use now stay the same objects. */
  private async take(ring: KeyFile): Promise<void> {
    const newest = ring.keys.at(-1)!;
    const sameVerifier = ring.verifier.certificate === this.file.verifier.certificate;
    const [signing, verifier] = await Promise.all([
      newest.kid === this.currentKey.kid ? this.currentKey : loadSigningKey(newest),
      sameVerifier ? this.verifier : loadVerifierKey(ring.verifier),
    ]);
    this.file = ring;
    this.currentKey = signing;
    this.verifier = verifier;
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
