import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { writeOperatorFiles } from '../support/nats-operator.js';
import { writeTlsFiles } from '../support/tls-files.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

/** A nats-server -js started with `args` (its own auth), stopped after the file. */
async function natsWith(args: string[]): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pdi-nats-auth-'));
  const child: ChildProcess = spawn(
    'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir, ...args],
    { stdio: 'ignore' },
  );
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((resolve) => setTimeout(resolve, 400));
  return `nats://127.0.0.1:${port}`;
}

function runEngine(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts', '--demo'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('NATS credentials for the engine (hardening §1)', () => {
  it('hardening §1: the engine connects with a token, and a wrong token fails the start at once in one line', async () => {
    const url = await natsWith(['--auth', 'a-token-of-this-test-0123456789']);
    const dataDir = mkdtempSync(join(tmpdir(), 'pdi-token-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const engine = await spawnIssuer({
      NATS_URL: url,
      NATS_TOKEN: 'a-token-of-this-test-0123456789',
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
    });
    engine.kill('SIGTERM');
    const refused = await runEngine({ NATS_URL: url, NATS_TOKEN: 'not-the-token', DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain("refused pdi-engine's credentials");
  });

  it('hardening §1: the engine connects over TLS with a CA and a client certificate the server verifies; without the client certificate it is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tls = await writeTlsFiles(dir);
    const url = await natsWith([
      '--tlsverify',
      '--tlscert',
      tls.serverCert,
      '--tlskey',
      tls.serverKey,
      '--tlscacert',
      tls.ca,
    ]);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ nats: { url, tls: { caFile: tls.ca, certFile: tls.clientCert, keyFile: tls.clientKey } } }),
      { mode: 0o600 },
    );
    const engine = await spawnIssuer({
      CONFIG_FILE: config,
      PORT: String(await freePort()),
      DATA_DIR: join(dir, 'data'),
    });
    engine.kill('SIGTERM');
    const withoutClientCertificate = join(dir, 'no-client-cert.json');
    writeFileSync(
      withoutClientCertificate,
      JSON.stringify({ nats: { url, tls: { caFile: tls.ca }, allowUnauthenticated: true, connectTimeoutSeconds: 1 } }),
    );
    const refused = await runEngine({ CONFIG_FILE: withoutClientCertificate, DATA_DIR: join(dir, 'data') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NATS');
  });

  it('hardening §1: the engine connects with a creds file (user JWT and NKey seed, decentralised auth)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-creds-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { config, creds } = writeOperatorFiles(dir);
    const url = await natsWith(['-c', config]);
    const engine = await spawnIssuer({
      NATS_URL: url,
      NATS_CREDS_FILE: creds,
      PORT: String(await freePort()),
      DATA_DIR: join(dir, 'data'),
    });
    engine.kill('SIGTERM');
  });

  it('hardening §1: the engine connects with an NKey seed file', async () => {
    const user = nkeys.createUser();
    const dir = mkdtempSync(join(tmpdir(), 'pdi-nkey-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'nats.conf');
    writeFileSync(config, `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }\n`);
    const seedFile = join(dir, 'user.nk');
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()), { mode: 0o600 });
    const url = await natsWith(['-c', config]);
    const engine = await spawnIssuer({
      NATS_URL: url,
      NATS_NKEY_SEED_FILE: seedFile,
      PORT: String(await freePort()),
      DATA_DIR: join(dir, 'data'),
    });
    engine.kill('SIGTERM');
  });
});
