import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { ConnectionOptions } from '@nats-io/nats-core';
import { freePort, natsProcess, natsUsers, until, type NatsRole, type RunningNats } from './nats-server.js';

/** Three JetStream servers on loopback with routes between them: what an R3 stream needs to survive one node. */
export interface RunningNatsCluster extends RunningNats {
  /** Each server's client URL (`url` lists them all, comma-separated, as `NATS_URL` takes them). */
  urls: string[];
  /** Each server's name (`server_name`, as stream info names replicas). */
  names: string[];
  /** `kill -9` server `i`: no shutdown, its clients fail over to the others. */
  kill: (i: number) => Promise<void>;
  /** Start server `i` again on its port and storage (it catches up from the others); without `i`, every server in turn. */
  restart: (i?: number) => Promise<void>;
}

const NODES = 3;
const CLUSTER_NAME = 'pdi-test';

/**
 * `nats-server -js` three times, each with its own store directory, a `server_name`, and a
 * cluster block (`--cluster`, `--routes` to the other two), each run with the shipped permission
 * layout (deploy/nats-server.conf) and one set of fresh passwords. Resolved once every server
 * accepts an engine user and JetStream has a meta leader.
 */
export async function startNatsCluster(): Promise<RunningNatsCluster> {
  const storeDir = mkdtempSync(join(tmpdir(), 'pdi-nats-cluster-'));
  const { users, env } = natsUsers();
  const ports = await Promise.all(Array.from({ length: NODES }, async () => [await freePort(), await freePort()]));
  const urls = ports.map(([client]) => `nats://127.0.0.1:${client}`);
  const routes = ports.map(([, route]) => `nats://127.0.0.1:${route}`);
  const names = ports.map((_, i) => `pdi-nats-${i}`);
  const servers = ports.map(([client], i) => {
    const dir = join(storeDir, names[i]!);
    mkdirSync(dir);
    const args = ['-js', '-a', '127.0.0.1', '-p', String(client), '-sd', dir, '-n', names[i]!];
    const cluster = ['--cluster_name', CLUSTER_NAME, '--cluster', routes[i]!, '--routes', routes.join(',')];
    return natsProcess([...args, ...cluster], env, urls[i]!, users.engine);
  });
  const url = urls.join(',');
  const connectAs = (role: NatsRole = 'engine', options: Partial<ConnectionOptions> = {}) =>
    connect({ servers: urls, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...users[role], ...options });
  const metaLeader = async () => {
    const nc = await connectAs('engine', { reconnect: false });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } catch {
      return false;
    } finally {
      await nc.close();
    }
  };
  const restart = async (i: number) => {
    await servers[i]!.halt();
    await servers[i]!.launch();
  };
  await Promise.all(servers.map((server) => server.launch()));
  await until(metaLeader, 'a JetStream meta leader');
  return {
    url,
    urls,
    names,
    storeDir,
    users,
    env: (role) => ({ NATS_URL: url, NATS_USER: users[role].user, NATS_PASS: users[role].pass }),
    connect: connectAs,
    kill: (i) => servers[i]!.halt('SIGKILL'),
    restart: async (i) => {
      for (const node of i === undefined ? servers.keys() : [i]) await restart(node);
      await until(metaLeader, 'a JetStream meta leader');
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.halt()));
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
