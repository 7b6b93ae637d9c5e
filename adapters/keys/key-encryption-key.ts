import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import type { KeyRingSettings } from '../../config/key-ring-settings.js';
import { parseKeyFile, type KeyFile, type StoredKeyFile } from './key-file.js';

/** A key ring that cannot be used as stored: one line saying why (never a secret). */
export class KeyRingUnusable extends Error {}

/** The JWE content type of a sealed key ring: authenticated with the rest of the protected header. */
const CONTENT_TYPE = 'pdi-engine-key-ring+json';
const ALGORITHMS = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };
const BASE64_32_BYTES = /^[A-Za-z0-9+/_-]{43}=?$/;

function decoded(text: string, source: string): Uint8Array {
  if (!BASE64_32_BYTES.test(text))
    throw new KeyRingUnusable(
      `the key-encryption key in ${source} is not 32 bytes in base64 (make one with: openssl rand -base64 32)`,
    );
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function protectedHeader(jwe: string): ReturnType<typeof decodeProtectedHeader> | undefined {
  try {
    return decodeProtectedHeader(jwe);
  } catch {
    return undefined;
  }
}

/** The first line of `path`, which must be owner-only: the key opens the signing keys and the master secret. */
function fromFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeyRingUnusable(
      `the key-encryption key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  // Rule 3, fail closed, as the data directory's files and the PKCS#11 PIN file.
  if ((statSync(path).mode & 0o077) !== 0)
    throw new KeyRingUnusable(`the key-encryption key file ${path} is readable by group or others: chmod 600 ${path}`);
  return text.split(/\r?\n/, 1)[0]!.trim();
}

/**
 * Issue 16 §4: the operator's key-encryption key (KEK) of the key ring in NATS, from an environment
 * variable or an owner-only file, never stored beside what it seals. The ring is a compact JWE
 * (`dir`, A256GCM: AES-256-GCM with the protected header as associated data) whose header names the
 * content type and the KEK's identifier, an HMAC of the key: a ring sealed under another KEK is told
 * apart from a tampered one, and neither is ever used.
 */
export class KeyEncryptionKey {
  /** A public identifier of the key (not the key): HMAC-SHA256(kek, label), 16 base64url characters. */
  readonly id: string;

  private constructor(
    private readonly key: Uint8Array,
    /** Where the key came from (a variable's or a file's name), for messages. */
    readonly source: string,
  ) {
    this.id = createHmac('sha256', key).update('pdi-engine key ring kek id').digest('base64url').slice(0, 16);
  }

  static configured(settings: KeyRingSettings, env: NodeJS.ProcessEnv = process.env): KeyEncryptionKey {
    if (settings.kekFile !== undefined)
      return new KeyEncryptionKey(decoded(fromFile(settings.kekFile), settings.kekFile), settings.kekFile);
    const name = settings.kekEnv;
    if (name === undefined)
      throw new KeyRingUnusable('nats.keyRing: no key-encryption key configured (kekEnv or kekFile)');
    const value = env[name]?.trim();
    if (!value)
      throw new KeyRingUnusable(
        `environment ${name} (nats.keyRing.kekEnv) is not set: it holds the key-encryption key`,
      );
    return new KeyEncryptionKey(decoded(value, `environment ${name}`), `environment ${name}`);
  }

  async seal(ring: KeyFile): Promise<Uint8Array> {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(ring)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: CONTENT_TYPE, kid: this.id })
      .encrypt(this.key);
    return new TextEncoder().encode(jwe);
  }

  /** The ring sealed in `sealed` (stored at `where`); a `KeyRingUnusable` for anything else. */
  async open(sealed: Uint8Array, where: string): Promise<StoredKeyFile> {
    const jwe = new TextDecoder().decode(sealed);
    const header = protectedHeader(jwe);
    if (header?.cty !== CONTENT_TYPE)
      throw new KeyRingUnusable(`${where} is not a sealed key ring: it was tampered with or written by something else`);
    if (header.kid !== this.id)
      throw new KeyRingUnusable(
        `${where} is sealed under another key-encryption key (id ${String(header.kid)}) than the one in ${this.source} (id ${this.id}): a wrong key-encryption key`,
      );
    let plaintext: Uint8Array;
    try {
      plaintext = (await compactDecrypt(jwe, this.key, ALGORITHMS)).plaintext;
    } catch {
      throw new KeyRingUnusable(
        `${where} fails its authentication under the key-encryption key in ${this.source}: it was tampered with`,
      );
    }
    try {
      return parseKeyFile(where, new TextDecoder().decode(plaintext));
    } catch {
      throw new KeyRingUnusable(`${where} decrypts to no valid key ring`);
    }
  }
}
