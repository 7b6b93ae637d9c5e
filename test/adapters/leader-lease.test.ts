import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Leadership, runAsLeader } from '../../adapters/stores/jetstream/leader-lease.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';

const TTL_MS = 900;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - start;
}

/** A candidate whose task records whether it runs and when it was told it lost the lease. */
async function candidate(nc: NatsConnection, key: string, holder: string) {
  const state = { running: false, started: 0, lostAt: 0 };
  const leadership: Leadership = await runAsLeader(
    nc,
    { bucket: 'test-leases', key, holder, ttlMs: TTL_MS, warn: () => undefined },
    async (lost) => {
      state.running = true;
      state.started += 1;
      await new Promise((resolve) => lost.addEventListener('abort', resolve, { once: true }));
      state.lostAt = Date.now();
      state.running = false;
    },
  );
  return { leadership, state };
}

describe('the leader lease in a KV bucket with a TTL (issue 16 §3)', () => {
  let nats: RunningNats;
  const connections: NatsConnection[] = [];
  const connect = async () => {
    const nc = await nats.connect();
    connections.push(nc);
    return nc;
  };
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
    await nats.stop();
  });

  it('issue 16 §3: of two candidates exactly one leads, and renewing keeps it past the TTL', async () => {
    const a = await candidate(await connect(), 'renewed', 'a');
    const b = await candidate(await connect(), 'renewed', 'b');
    await until(() => a.leadership.leading || b.leadership.leading);
    const [leader, other] = a.leadership.leading ? [a, b] : [b, a];
    await new Promise((resolve) => setTimeout(resolve, 3 * TTL_MS));
    expect(leader.leadership.leading).toBe(true);
    expect(leader.state).toMatchObject({ running: true, started: 1, lostAt: 0 });
    expect(other.leadership.leading).toBe(false);
    expect(other.state.started).toBe(0);
    await Promise.all([a.leadership.stop(), b.leadership.stop()]);
  });

  it('issue 16 §3: when the holder dies without releasing, the other candidate takes over once the entry ages out', async () => {
    const holderConnection = await connect();
    const a = await candidate(holderConnection, 'died', 'a');
    await until(() => a.leadership.leading);
    const b = await candidate(await connect(), 'died', 'b');
    await holderConnection.close();
    const tookOver = await until(() => b.leadership.leading);
    expect(b.state.running).toBe(true);
    // a could not renew: it gave the lease up (and told its task) no later than b took it.
    expect(a.leadership.leading).toBe(false);
    expect(a.state.lostAt).toBeGreaterThan(0);
    expect(tookOver).toBeLessThan(3 * TTL_MS);
    await b.leadership.stop();
  });

  it('issue 16 §3: stop releases the lease, so another candidate takes it at its next try instead of after the TTL', async () => {
    const a = await candidate(await connect(), 'released', 'a');
    await until(() => a.leadership.leading);
    const b = await candidate(await connect(), 'released', 'b');
    await a.leadership.stop();
    expect(a.state.running).toBe(false);
    const tookOver = await until(() => b.leadership.leading);
    expect(tookOver).toBeLessThan(TTL_MS / 3 + 200);
    await b.leadership.stop();
  });

  it('issue 16 §3: a holder whose entry someone else replaced stops its task at its next renewal (never two tasks on purpose)', async () => {
    const nc = await connect();
    const a = await candidate(nc, 'replaced', 'a');
    await until(() => a.leadership.leading);
    const kv = await new Kvm(nc).open('test-leases');
    await kv.put('replaced', 'intruder');
    await until(() => !a.leadership.leading, TTL_MS);
    expect(a.state.running).toBe(false);
    expect((await kv.get('replaced'))?.string()).toBe('intruder');
    await a.leadership.stop();
  });
});
