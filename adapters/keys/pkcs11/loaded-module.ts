import pkcs11js from 'pkcs11js';

/** A PKCS#11 error code's name (`CKR_PIN_INCORRECT`), or the message of another error. */
export function pkcs11Reason(error: unknown): string {
  return error instanceof pkcs11js.Pkcs11Error ? error.message : String((error as Error)?.message ?? error);
}

/** A module initialised for this process, and the hand to give it back. */
export interface LoadedModule {
  module: pkcs11js.PKCS11;
  release(): void;
}

const loaded = new Map<string, { module: pkcs11js.PKCS11; users: number }>();

/**
 * The module at `path`, initialised once per process however many tokens or keys use it: a second
 * C_Initialize fails (CKR_CRYPTOKI_ALREADY_INITIALIZED) and C_Finalize ends every session of the
 * process (PKCS#11 v2.40 §5.4), so the last `release` finalises it.
 */
export function acquireModule(path: string): LoadedModule {
  let entry = loaded.get(path);
  if (!entry) {
    const module = new pkcs11js.PKCS11();
    try {
      module.load(path);
    } catch (error) {
      throw new Error(`the PKCS#11 module ${path} cannot be loaded (${pkcs11Reason(error)})`);
    }
    try {
      // The asynchronous calls run on libuv's threads: the module must lock for itself (PKCS#11 v2.40 §5.4).
      module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (error) {
      module.close();
      throw new Error(`the PKCS#11 module ${path} cannot be initialised (${pkcs11Reason(error)})`);
    }
    entry = { module, users: 0 };
    loaded.set(path, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    module: held.module,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      loaded.delete(path);
      try {
        held.module.C_Finalize();
      } finally {
        held.module.close();
      }
    },
  };
}
