import { X509Certificate, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

/** The key file's name in the data directory. */
export const KEY_FILE = 'keys.json';

export const EcPrivateJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
});
export type EcPrivateJwk = z.infer<typeof EcPrivateJwk>;

function isCertificate(base64: string): boolean {
  try {
    new X509Certificate(Buffer.from(base64, 'base64'));
    return true;
  } catch {
    return false;
  }
}

/** A credential signing key: it signs SD-JWT VCs and is published in the issuer's JWKS; it has no certificate. */
const StoredSigningKey = z.object({ kid: z.string().min(1), privateJwk: EcPrivateJwk });
export type StoredSigningKey = z.infer<typeof StoredSigningKey>;

/** A key with a self-signed certificate (base64 DER) for `subjectDns`: the verifier's request-object key. */
const StoredCertifiedKey = StoredSigningKey.extend({
  certificate: z.string().min(1).refine(isCertificate, 'not an X.509 certificate'),
  subjectDns: z.string().min(1),
});
export type StoredCertifiedKey = z.infer<typeof StoredCertifiedKey>;

const masterSecret = z.string().min(43);
/** Version 1: the credential signing keys carried the verifier certificate too. Still read, and migrated at open. */
const KeyFileV1 = z.object({ version: z.literal(1), masterSecret, keys: z.array(StoredCertifiedKey).min(1) });
/** Version 2: credential signing keys (the newest signs) and a separate verifier key with its certificate. */
const KeyFileV2 = z.object({
  version: z.literal(2),
  masterSecret,
  keys: z.array(StoredSigningKey).min(1),
  verifier: StoredCertifiedKey,
});
const StoredKeyFile = z.discriminatedUnion('version', [KeyFileV1, KeyFileV2]);
export type KeyFile = z.infer<typeof KeyFileV2>;
export type StoredKeyFile = z.infer<typeof StoredKeyFile>;

const LOCK_WAIT_MS = 10_000;
/** A lock older than this was left by a process that died while updating; it is taken over. */
const LOCK_STALE_MS = 60_000;

/** `text` as a key file of either version; `path` names where it came from in the error. */
export function parseKeyFile(path: string, text: string): StoredKeyFile {
  let parsed: ReturnType<typeof StoredKeyFile.safeParse>;
  try {
    parsed = StoredKeyFile.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${path} is not a key file: not JSON`);
  }
  if (!parsed.success) throw new Error(`${path} is not a key file: ${parsed.error.message}`);
  return parsed.data;
}

export function readKeyFile(path: string): StoredKeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const file = parseKeyFile(path, text);
  // The file holds private keys and the master secret: owner-only, whoever created it.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return file;
}

/**
 * Issue 10 §2: the key file is never replaced by content that would not load again. `file` is
 * written to a temporary file, read back and validated with the loading schema, and only then
 * published (`link`: only if absent; `rename`: replacing).
 */
function publish(path: string, file: KeyFile, how: 'link' | 'rename'): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
    let reloaded: StoredKeyFile;
    try {
      reloaded = parseKeyFile(temporary, readFileSync(temporary, 'utf8'));
    } catch (error) {
      throw new Error(`${path} was not written: the new content would not load again (${(error as Error).message})`);
    }
    if (reloaded.version !== 2) throw new Error(`${path} was not written: the new content is not a version 2 key file`);
    if (how === 'link') linkSync(temporary, path);
    else renameSync(temporary, path);
  } finally {
    if (existsSync(temporary)) unlinkSync(temporary);
  }
}

/** First start: publish `file` unless another instance sharing the directory won the race, whose file is then used. */
export function createKeyFile(path: string, file: KeyFile): StoredKeyFile {
  try {
    publish(path, file, 'link');
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeyFile(path)!;
  }
}

async function locked<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (!held) continue;
      if (Date.now() - held.mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline)
        throw new Error(`${lock} is held: another process is updating the keys (remove the file if none is)`);
      else await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    unlinkSync(lock);
  }
}

/**
 * Change the key file under a lock shared by every process on the data directory: `change` sees
 * the file as it is on disk now and answers the new content, or undefined when nothing is to be
 * done (another process did it meanwhile). Answers the file as it then is.
 */
export async function updateKeyFile(
  path: string,
  change: (onDisk: StoredKeyFile) => Promise<KeyFile | undefined>,
): Promise<KeyFile> {
  return locked(path, async () => {
    const onDisk = readKeyFile(path);
    if (!onDisk) throw new Error(`${path} disappeared while the keys were updated`);
    const changed = await change(onDisk);
    if (changed) publish(path, changed, 'rename');
    const result = changed ?? onDisk;
    if (result.version !== 2) throw new Error(`${path} was left at version ${result.version}`);
    return result;
  });
}
