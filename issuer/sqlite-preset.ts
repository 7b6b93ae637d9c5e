import { join } from 'node:path';
import type { IssuerMetrics } from '../adapters/metrics/issuer-metrics.js';
import { stateProtection } from '../adapters/keys/state-protection.js';
import { SqliteStatusStore } from '../adapters/stores/sqlite/status-store.js';
import { closedTogether } from '../adapters/stores/closed-together.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { SqliteOfferStore } from '../adapters/stores/sqlite/offer-store.js';
import { SqliteReplayCache } from '../adapters/stores/sqlite/replay-cache.js';
import { SqliteSessionKeys } from '../adapters/stores/sqlite/session-keys.js';
import { SqliteFile } from '../adapters/stores/sqlite/sqlite-file.js';
import { configuredTrust } from '../adapters/trust/configured-trust.js';
import { parseConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import type { Clock } from '../protocol/ports.js';
import type { IssuerPorts } from './create-issuer.js';
import { openDataDirKeys } from './data-dir-keys.js';

/**
 * The embedded default, as ports for `createIssuer`: the key file and two SQLite files in
 * `config.dataDir` (the three state stores share one connection, one WAL fsync stream), and the
 * trust the configuration lists. Given `metrics` (then give `createIssuer` the same), the event
 * store's group-commit sizes are observed in them.
 */
export async function sqlitePreset(
  input: ConfigInput,
  clock: Clock = Date.now,
  options: { metrics?: IssuerMetrics } = {},
): Promise<IssuerPorts> {
  const config = parseConfig(input);
  const keys = await openDataDirKeys(config, clock());
  const { wrap } = stateProtection(keys);
  const state = new SqliteFile(join(config.dataDir, 'state.sqlite'));
  const stores = closedTogether({
    events: new SqliteEventStore(join(config.dataDir, 'events.sqlite'), {
      ...(options.metrics && { onGroupCommit: options.metrics.observeGroupCommit }),
    }),
    replay: new SqliteReplayCache(state),
    sessionKeys: new SqliteSessionKeys(state, wrap),
    offers: new SqliteOfferStore(state),
    status: new SqliteStatusStore(state),
  });
  // Each store holds the file now; it closes with the last of them.
  await state.close();
  return { stores, keys, trust: configuredTrust(config, clock) };
}
