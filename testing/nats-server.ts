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

/** The nats-server binary (`NATS_SERVER` or the one on the path) and the shipped permission layout it runs with. */
export const NATS_BINARY = process.env.NATS_SERVER ?? 'nats-server';
export const NATS_CONFIG = fileURLToPath(new URL('../deploy/nats-server.conf', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The users of the shipped permission layout with fresh passwords, and the environment nats-server reads them from. */
export function natsUsers(): { users: RunningNats['users']; env: NodeJS.ProcessEnv } {
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
  return { users, env };
}

/** One nats-server process on `url`, (re)started by `launch` (resolved once an engine user can connect) and stopped by `halt(signal)`. */
export function natsProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
  engine: { user: string; pass: string },
) {
  let child: ChildProcess | undefined;
  return {
    launch: async () => {
      const started = spawn(NATS_BINARY, [...args, '-c', NATS_CONFIG], { stdio: ['ignore', 'ignore', 'pipe'], env });
      child = started;
      let stderr = '';
      started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await until(async () => {
        if (started.exitCode !== null)
          throw new Error(`nats-server exited with ${started.exitCode}: ${stderr.trim().split('\n').at(-1)}`);
        try {
          await (await connect({ servers: url, reconnect: false, ...engine })).close();
          return true;
        } catch {
          return false;
        }
      }, `nats-server on ${url}`);
    },
    halt: async (signal: NodeJS.Signals = 'SIGTERM') => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
  };
}

/** A real `nats-server -js` on loopback with its own storage, run with the shipped permission layout and fresh passwords. */
export async function startNatsServer(): Promise<RunningNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'pdi-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  const { users, env } = natsUsers();
  const connectAs = (role: NatsRole = 'engine', options: Partial<ConnectionOptions> = {}) =>
    connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...users[role], ...options });
  const server = natsProcess(['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], env, url, users.engine);
  await server.launch();
  return {
    url,
    storeDir,
    users,
    env: (role) => ({ NATS_URL: url, NATS_USER: users[role].user, NATS_PASS: users[role].pass }),
    connect: connectAs,
    restart: async () => {
      await server.halt();
      await server.launch();
    },
    stop: async () => {
      await server.halt();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
