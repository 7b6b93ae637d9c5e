import { readFileSync, statSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { acquireModule, pkcs11Reason, type LoadedModule } from './loaded-module.js';

/** The user PIN: from a file (its first line; the usual way to hand a secret to a service) or as a value. Never logged. */
export type TokenPin = { file: string } | { value: string };

/** Where the token is and how to log in to it. */
export interface TokenOptions {
  /** Path of the PKCS#11 module (shared library), e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  modulePath: string;
  /** The token's label (CKA_LABEL of the token, as `softhsm2-util --init-token --label` sets it). */
  tokenLabel: string;
  pin: TokenPin;
}

function readPin(pin: TokenPin): string {
  if ('value' in pin) return pin.value;
  let text: string;
  try {
    text = readFileSync(pin.file, 'utf8');
  } catch (error) {
    throw new Error(`the PKCS#11 PIN file ${pin.file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  // The PIN unlocks the signing keys: owner-only, as the data directory's files (rule 3, fail closed).
  if ((statSync(pin.file).mode & 0o077) !== 0)
    throw new Error(`the PKCS#11 PIN file ${pin.file} is readable by group or others: chmod 600 ${pin.file}`);
  const value = text.split(/\r?\n/, 1)[0]!;
  if (value.length === 0) throw new Error(`the PKCS#11 PIN file ${pin.file} is empty`);
  return value;
}

/** The slot holding the initialised token labelled `label` (token labels are blank-padded to 32 bytes, PKCS#11 v2.40 §3.2). */
function slotOf(module: pkcs11js.PKCS11, label: string): Buffer {
  const slots = module.C_GetSlotList(true).filter((slot) => module.C_GetTokenInfo(slot).label.trimEnd() === label);
  if (slots.length === 0) throw new Error(`no PKCS#11 token labelled "${label}"`);
  if (slots.length > 1)
    throw new Error(`${slots.length} PKCS#11 tokens are labelled "${label}": the label must name one`);
  return slots[0]!;
}

/** The tokens a session is open on in this process: a login is the token's, shared by all sessions, and one logout ends it for all (PKCS#11 v2.40 §5.6). */
const openTokens = new Set<string>();

/**
 * One logged-in session on a PKCS#11 token, shared by every key on it. Operations that span calls
 * (C_SignInit then C_Sign, C_FindObjectsInit … Final) hold the session in turn through `exclusive`:
 * PKCS#11 v2.40 §5.2 allows one active operation of a kind per session. One per token per process:
 * the credential and the verifier keys on one token share it.
 */
export class TokenSession {
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  readonly module: pkcs11js.PKCS11;

  private constructor(
    private readonly loaded: LoadedModule,
    readonly session: Buffer,
    readonly tokenLabel: string,
    private readonly token: string,
  ) {
    this.module = loaded.module;
  }

  /** Loads the module, finds the token, opens a session and logs the user in; anything left half open is closed on failure. */
  static open(options: TokenOptions): TokenSession {
    const token = `${options.modulePath}\n${options.tokenLabel}`;
    if (openTokens.has(token))
      throw new Error(`PKCS#11 token "${options.tokenLabel}" is open already in this process: share its session`);
    const loaded = acquireModule(options.modulePath);
    const { module } = loaded;
    let session: Buffer | undefined;
    try {
      const pin = readPin(options.pin);
      session = module.C_OpenSession(slotOf(module, options.tokenLabel), pkcs11js.CKF_SERIAL_SESSION);
      try {
        module.C_Login(session, pkcs11js.CKU_USER, pin);
      } catch (error) {
        throw new Error(`PKCS#11 token "${options.tokenLabel}" refused the user login (${pkcs11Reason(error)})`);
      }
      openTokens.add(token);
      return new TokenSession(loaded, session, options.tokenLabel, token);
    } catch (error) {
      if (session) module.C_CloseSession(session);
      loaded.release();
      throw error;
    }
  }

  /** Runs `work` alone on the session, after whatever runs on it now; refused once `close` was called (the module would be gone under it). */
  exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`PKCS#11 token "${this.tokenLabel}" is closed`));
    return this.enqueue(work);
  }

  private enqueue<T>(work: () => T | Promise<T>): Promise<T> {
    const turn = this.queue.then(work);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Waits for the operations under way, then logs out, closes the session and releases the module (finalised with its last user). */
  close(): Promise<void> {
    this.closing ??= this.enqueue(() => {
      try {
        this.module.C_Logout(this.session);
        this.module.C_CloseSession(this.session);
      } finally {
        openTokens.delete(this.token);
        this.loaded.release();
      }
    });
    return this.closing;
  }
}
