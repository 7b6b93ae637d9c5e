import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';

export interface RunningNats {
  url: string;
  /** Where the server keeps JetStream's files. */
  storeDir: string;
  connect: () => Promise<NatsConnection>;
  /** Stop and start the server again on the same port and storage (clients reconnect). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

const BINARY = process.env.NATS_SERVER ?? 'nats-server';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A real `nats-server -js` on loopback with its own storage directory. */
export async function startNatsServer(): Promise<RunningNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'pdi-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(BINARY, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
    await until(async () => {
      try {
        await (await connect({ servers: url, reconnect: false })).close();
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
    connect: () => connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }),
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
