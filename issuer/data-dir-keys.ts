import { KeyRing } from '../adapters/keys/keyring.js';
import { prepareDataDir } from '../adapters/stores/data-dir.js';
import type { Config } from '../config/schema.js';

/** The key file both presets keep in the data directory (made ready first), its verifier certificate for the public URL's host. */
export async function openDataDirKeys(config: Config, now: number): Promise<KeyRing> {
  prepareDataDir(config.dataDir);
  return KeyRing.open(config.dataDir, { now, subjectDns: new URL(config.publicUrl).hostname });
}
