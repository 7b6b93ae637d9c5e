import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';

export type NatsRole = 'engine' | 'gateway' | 'backend';

export interface RunningNats {
  url: string;
  /** Where the server keeps JetStream's files. */
  storeDir: string;
  /** The users of the shipped permission layout (deploy/nats-server.conf), with this run's passwords. */
  users: Record<NatsRole, { user: string; pass: string }>;
  /** The environment that points a process (`bin/start.ts`, `bin/gateway.ts`) at this server as `role`. */
  env: (role: NatsRole) => Record<string, string>;
  /** A connection as `role` (the engine by default). */
  connect: (role?: NatsRole, options?: Partial<ConnectionOptions>) => Promise<NatsConnection>;
  /** Stop and start the server again on the same port and storage (clients reconnect). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

const BINARY = process.env.NATS_SERVER ?? 'nats-server';
const CONFIG = fileURLToPath(new URL('../deploy/nats-server.conf', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A real `nats-server -js` on loopback with its own storage, run with the shipped permission layout and fresh passwords. */
export async function startNatsServer(): Promise<RunningNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'pdi-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  const users = Object.fromEntries(
    (['engine', 'gateway', 'backend'] as const).map((role) => [
      role,
      { user: `pdi-${role}`, pass: `pw${randomBytes(18).toString('hex')}` },
    ]),
  ) as RunningNats['users'];
  const env = {
    ...process.env,
    PDI_NATS_ENGINE_PASSWORD: users.engine.pass,
    PDI_NATS_GATEWAY_PASSWORD: users.gateway.pass,
    PDI_NATS_BACKEND_PASSWORD: users.backend.pass,
  };
  const connectAs = (role: NatsRole = 'engine', options: Partial<ConnectionOptions> = {}) =>
    connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...users[role], ...options });
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(BINARY, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, '-c', CONFIG], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until(async () => {
      if (child.exitCode !== null)
        throw new Error(`nats-server exited with ${child.exitCode}: ${stderr.trim().split('\n').at(-1)}`);
      try {
        await (await connectAs('engine', { reconnect: false })).close();
        return true;
      } catch {
        return false;
      }
    }, `nats-server on ${url}`);
  };
  const halt = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url,
    storeDir,
    users,
    env: (role) => ({ NATS_URL: url, NATS_USER: users[role].user, NATS_PASS: users[role].pass }),
    connect: connectAs,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
