import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JwsSigner } from '../adapters/keys/ports.js';
import { signStatusListToken } from '../protocol/status-list/status-list-token.js';

const FILE = 'demo-pid-status.json';
/** The demo provider's one list: 1024 two-bit entries (VALID, INVALID, SUSPENDED). */
export const DEMO_STATUS_LIST_SIZE = 1024;
/** Short, so that revoking the demo PID shows in the next flow within seconds. */
export const DEMO_STATUS_TTL_SECONDS = 5;
export type DemoPidStatus = 'valid' | 'revoked' | 'suspended';
const VALUES: Record<DemoPidStatus, number> = { valid: 0, revoked: 1, suspended: 2 };

/** The statuses the demo PID provider has set, by index, kept in the data directory (0600). */
function readStatuses(dataDir: string): Record<string, number> {
  const path = join(dataDir, FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>) : {};
}

/** Sets the status of the demo PID at `idx` (`npm run demo-pid`). */
export function setDemoPidStatus(dataDir: string, idx: number, status: DemoPidStatus): void {
  if (!Number.isInteger(idx) || idx < 0 || idx >= DEMO_STATUS_LIST_SIZE)
    throw new Error(`the demo PID index must be 0 to ${DEMO_STATUS_LIST_SIZE - 1}`);
  const statuses = readStatuses(dataDir);
  statuses[idx] = VALUES[status];
  writeFileSync(join(dataDir, FILE), JSON.stringify(statuses), { mode: 0o600 });
}

/**
 * The demo PID provider's status list token (draft-ietf-oauth-status-list §5.1), signed by its
 * certified key with the chain in `x5c`, so a verifier checks it with the same X.509 trust as the PID.
 */
export async function demoPidStatusToken(input: {
  dataDir: string;
  uri: string;
  signer: JwsSigner;
  x5c: string[];
  now: number;
}): Promise<string> {
  const statuses = new Array<number>(DEMO_STATUS_LIST_SIZE).fill(0);
  for (const [idx, status] of Object.entries(readStatuses(input.dataDir))) statuses[Number(idx)] = status;
  return signStatusListToken({
    statuses,
    uri: input.uri,
    now: input.now,
    validitySeconds: 24 * 3600,
    ttlSeconds: DEMO_STATUS_TTL_SECONDS,
    signer: input.signer,
    x5c: input.x5c,
  });
}
