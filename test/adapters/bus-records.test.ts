import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../protocol/handles.js';
import { JetStreamOfferStore } from '../../adapters/stores/jetstream/offer-store.js';
import { IssuerStates } from '../../protocol/openid4vci/issuer-state.js';
import { JetStreamReplayCache } from '../../adapters/stores/jetstream/replay-cache.js';
import { ClaimSealer } from '../../adapters/keys/claim-sealer.js';
import { KeyWrap } from '../../adapters/keys/key-wrap.js';
import { RecordMac } from '../../adapters/keys/record-mac.js';
import { SqliteSessionKeys } from '../../adapters/stores/sqlite/session-keys.js';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { randomIds } from '../../adapters/ids/random-ids.js';

const NOW = 1_800_000_000_000;
const mac = new RecordMac(randomBytes(32));
const quiet = () => {};
let nats: RunningNats;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

/** A client on the bus without the master secret writes straight into the engine's KV buckets (hardening §1). */
describe('KV entries written by anyone but an engine are never used (rule 3)', () => {
  it('hardening §1: a replay entry rewritten to look expired is not taken over; the value stays refused', async () => {
    const nc = await nats.connect();
    const cache = await JetStreamReplayCache.open(nc, mac, 'pdi-test-replay', undefined, quiet);
    expect(await cache.useOnce('dpop:jti-1', NOW + 60_000, NOW)).toBe(true);
    await (await new Kvm(nc).open('pdi-test-replay')).put(hashSecret('dpop:jti-1'), '0');
    expect(await cache.useOnce('dpop:jti-1', NOW + 60_000, NOW)).toBe(false);
    await nc.close();
  });

  it('hardening §1: an offer forged into the bucket is neither consumed nor served', async () => {
    const nc = await nats.connect();
    const offers = await JetStreamOfferStore.open(nc, mac, 'pdi-test-offers', quiet);
    const kv = await new Kvm(nc).open('pdi-test-offers');
    await kv.put(
      `state.${hashSecret('issuer-state-of-mallory')}`,
      JSON.stringify({ ids: ['demo_membership'], expiresAt: NOW + 60_000 }),
    );
    await kv.put('offer.mallory-offer-01', JSON.stringify({ ids: ['demo_membership'], expiresAt: NOW + 60_000 }));
    expect(await offers.consume('issuer-state-of-mallory', NOW)).toBeUndefined();
    expect(await offers.serveOnce('mallory-offer-01', NOW)).toBeUndefined();
    const genuine = new IssuerStates(randomBytes(32), randomIds).newOffer(['demo_membership'], NOW, 600);
    await offers.create(genuine);
    expect(await offers.consume(genuine.issuerState, NOW)).toEqual(['demo_membership']);
    await nc.close();
  });

  it('hardening §1: a deadline forged into the bucket is ignored by the expiry scheduler', async () => {
    const nc = await nats.connect();
    const names = {
      stream: 'PDI_TEST_DEADLINES',
      subjectPrefix: 'pdi.testdeadlines',
      deadlines: 'pdi-test-deadlines-forged',
    };
    const store = await JetStreamEventStore.open(nc, mac, names, quiet);
    await (await new Kvm(nc).open(names.deadlines)).put('session-forged-deadline', String(NOW - 1));
    expect(await store.due(NOW, 10)).not.toContain('session-forged-deadline');
    await nc.close();
  });
});

describe('session keys at rest (hardening §1, seed 002 §3.3)', () => {
  it('hardening §1: a copy of state.sqlite without keys.json unseals nothing; keys stored before wrapping are wrapped in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-wrap-'));
    try {
      const path = join(dir, 'state.sqlite');
      const wrap = new KeyWrap(randomBytes(32));
      const keys = new SqliteSessionKeys(path, wrap);
      const sealed = await new ClaimSealer(keys).seal('session-a', { given_name: 'Erika' });
      await keys.close();
      const legacy = new Database(path);
      legacy.prepare('INSERT INTO session_keys (session_id, key) VALUES (?, ?)').run('session-old', randomBytes(32));
      legacy.close();
      copyFileSync(path, join(dir, 'copy.sqlite'));
      const copy = new Database(join(dir, 'copy.sqlite'), { readonly: true });
      const stolen = copy
        .prepare<[string], { key: Buffer }>('SELECT key FROM session_keys WHERE session_id = ?')
        .get('session-a')!.key;
      copy.close();
      const thief = new ClaimSealer({
        keyFor: async () => stolen.subarray(0, 32),
        erase: async () => {},
        ready: async () => {},
        close: async () => {},
      });
      await expect(thief.unseal('session-a', sealed)).rejects.toThrow();
      const reopened = new SqliteSessionKeys(path, wrap);
      expect(await new ClaimSealer(reopened).unseal('session-a', sealed)).toEqual({ given_name: 'Erika' });
      expect(await reopened.keyFor('session-old', false)).toHaveLength(32);
      await reopened.close();
      const check = new Database(path, { readonly: true });
      const lengths = check.prepare<[], { n: number }>('SELECT length(key) AS n FROM session_keys').all();
      check.close();
      expect(lengths.map((row) => row.n)).toEqual([60, 60]);
      await expect(
        new SqliteSessionKeys(path, new KeyWrap(randomBytes(32))).keyFor('session-a', false),
      ).rejects.toThrow(/fails its authentication/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
