import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import Database from 'better-sqlite3';
import { isRight } from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordMac } from '../../adapters/keys/record-mac.js';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { Engine, SCHEMA_VERSION, audit, contextOf, fold, stateName, type EventStore } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';

/**
 * Logs written by the release before the event envelope (schema version 1, flat events,
 * `CNonceIssued`), exported from a real SQLite file and a real JetStream stream
 * (test/fixtures/upgrade/), with the state each session folded to then.
 */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/upgrade/${name}`, import.meta.url), 'utf8'));
const expected: Record<string, { state: string; version: number; context: unknown }> = fixture('expected-states.json');
const rows: Array<{ stream_id: string; version: number; event_id: string; type: string; at: number; data: string }> =
  fixture('sqlite-events.json');
const exported: {
  stream: { stream: string; subjectPrefix: string; deadlines: string };
  macKey: string;
  messages: Array<{ seq: number; subject: string; headers: Record<string, string>; data: string }>;
} = fixture('jetstream-messages.json');
const sessionIds = Object.keys(expected);

async function foldsAsBefore(store: EventStore) {
  for (const sessionId of sessionIds) {
    const events = await store.read(sessionId);
    const state = fold(events);
    // Issue 13: the context has learnt the dialect since; a log from before is the seed's flow, L.
    const before = expected[sessionId]!;
    expect({ state: stateName(state), version: state.version, context: contextOf(state) }, sessionId).toEqual({
      ...before,
      context: { ...(before.context as object), dialect: 'L' },
    });
    expect(audit(events), `${sessionId}: today's rules accept the log`).toEqual([]);
  }
}

/** A session in flight during the upgrade goes on under the new release, in the new shape after the old one. */
async function continuesAfterUpgrade(store: EventStore) {
  const sessionId = 'upgrade-06-c-nonce-bound';
  const engine = new Engine({ store, config: engineConfig() });
  const flow = new Flow(sessionId);
  const outcome = await engine.execute({ ...flow.credential(T0 + 6 * SECOND), eventId: `${sessionId}:after-upgrade` });
  expect(isRight(outcome) && stateName(outcome.right.state)).toBe('completed');
  expect(stateName(fold(await store.read(sessionId)))).toBe('completed');
  return sessionId;
}

/** The schema version of each stored record: `v` of a flat version-1 event, `meta.v` of an envelope. */
const versionOf = (json: string) => {
  const record = JSON.parse(json);
  return record.meta?.v ?? record.v;
};

describe('upgrade: logs written by the previous release fold to the same state under this one', () => {
  it('covers flows in many states', () => {
    expect(new Set(Object.values(expected).map((s) => s.state))).toEqual(
      new Set([
        'presentationRequired',
        'requestRetrieved',
        'walletErrored',
        'presentationVerified',
        'codeIssued',
        'tokenIssued',
        'completed',
        'denied',
        'redirectedToWeb',
        'expired',
        'revoked',
        'erased',
      ]),
    );
    expect(rows.every((row) => JSON.parse(row.data).v === 1)).toBe(true);
    expect(rows.some((row) => row.type === 'CNonceIssued')).toBe(true);
  });

  it('SQLite: the exported rows, read back through the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-upgrade-'));
    const path = join(dir, 'events.sqlite');
    try {
      await new SqliteEventStore(path).close();
      const db = new Database(path);
      const insert = db.prepare(
        'INSERT INTO events (stream_id, version, event_id, type, at, data) VALUES (@stream_id, @version, @event_id, @type, @at, @data)',
      );
      db.transaction(() => {
        for (const row of rows) insert.run(row);
      })();
      db.close();
      const store = new SqliteEventStore(path);
      try {
        await foldsAsBefore(store);
        const sessionId = await continuesAfterUpgrade(store);
        const db = new Database(path, { readonly: true });
        const stored = db
          .prepare<[string], { data: string }>('SELECT data FROM events WHERE stream_id = ? ORDER BY version')
          .all(sessionId);
        db.close();
        expect(stored.map((row) => versionOf(row.data))).toEqual([1, 1, 1, 1, 1, 1, SCHEMA_VERSION]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('JetStream', () => {
    let nats: RunningNats;
    beforeAll(async () => {
      nats = await startNatsServer();
    });
    afterAll(() => nats.stop());

    it('the exported messages (subject, headers, data), republished in order, authenticated under their key', async () => {
      const nc = await nats.connect();
      try {
        const mac = new RecordMac(Buffer.from(exported.macKey, 'hex'));
        await JetStreamEventStore.open(nc, mac, exported.stream);
        const js = jetstream(nc);
        for (const message of exported.messages) {
          const header = headers();
          for (const name of ['Pdi-Earlier-Seqs', 'Pdi-Mac']) header.set(name, message.headers[name]!);
          const ack = await js.publish(message.subject, message.data, {
            headers: header,
            msgID: message.headers['Nats-Msg-Id']!,
          });
          expect(ack.seq).toBe(message.seq);
        }
        const store = await JetStreamEventStore.open(nc, mac, exported.stream);
        await foldsAsBefore(store);
        const sessionId = await continuesAfterUpgrade(store);
        const jsm = await jetstreamManager(nc);
        const subject = `${exported.stream.subjectPrefix}.${sessionId}`;
        const first = await jsm.direct.getMessage(exported.stream.stream, { seq: 1, next_by_subj: subject });
        const last = await jsm.direct.getMessage(exported.stream.stream, { last_by_subj: subject });
        expect([versionOf(first!.string()), versionOf(last!.string())]).toEqual([1, SCHEMA_VERSION]);
      } finally {
        await nc.close();
      }
    });
  });
});
