import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyEncryptionKey } from '../../adapters/keys/key-encryption-key.js';
import type { StoredKeyFile } from '../../adapters/keys/key-file.js';
import { freePort } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { startNodeServer } from '../../transports/http/node-server.js';
import { GATEWAY_INBOX_PREFIX } from '../../transports/nats/connection.js';
import { forwardOverNats } from '../../transports/nats/gateway.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { tempDirs } from '../support/temp-dirs.js';

const dirs = tempDirs('pdi-key-ring-e2e-');
const KEK = randomBytes(32).toString('base64');
let nats: RunningNats;
let gatewayNc: NatsConnection;
/** An engine user's connection, to read and write the key ring entry as an engine could. */
let engineNc: NatsConnection;
let gateway: Server;
let publicUrl: string;
let kekFile: string;
const engines: Array<{ child: ChildProcess; url: string; dataDir: string; output: string[] }> = [];
/** Which instance answered each operation through the gateway, in order. */
const answers: Array<{ operation: string; instance: string | undefined }> = [];
const printed: string[] = [];

function file(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** A configuration file for one engine: its instance name, the key ring in NATS under `kek`. */
function configFile(instance: string, options: { kek?: string; subjectPrefix?: string } = {}): string {
  const keyRing = { source: 'nats', kekFile: options.kek ?? kekFile };
  const nats = { instance, keyRing, ...(options.subjectPrefix && { subjectPrefix: options.subjectPrefix }) };
  return file(dirs.make(), 'config.json', JSON.stringify({ nats }));
}

const environment = (configPath: string, dataDir: string) => ({
  ...nats.env('engine'),
  PUBLIC_URL: publicUrl,
  DATA_DIR: dataDir,
  CONFIG_FILE: configPath,
});

/** A command of the repository run to its end (`bin/<name>.ts`): exit code and what it printed. */
function run(command: string, env: Record<string, string>, args: string[] = []) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bin/${command}.ts`, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  printed.push(result.stdout, result.stderr);
  return result;
}

async function walletOf(providerDir: string): Promise<ReferenceWallet> {
  const provider = await openDemoPidIssuer(providerDir, publicUrl);
  const holderKey = await generateWalletKey();
  const pid = await provider.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
  return ReferenceWallet.create({ issuerUrl: publicUrl, pid, holderKey });
}

/** The credential of one whole flow through the gateway, and the instance that signed it. */
async function issue(): Promise<{ credential: string; signedBy: string | undefined }> {
  const credential = await (await walletOf(engines[0]!.dataDir)).runFlow({
    scope: 'membership',
    configurationId: 'demo_membership',
  });
  const signedBy = answers.filter((answer) => answer.operation === 'credential').at(-1)?.instance;
  return { credential, signedBy };
}

const jwksOf = async (url: string) =>
  ((await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json()) as { jwks: { keys: Array<{ kid: string }> } }).jwks;

async function sealedRing(): Promise<{ bytes: Uint8Array; ring: StoredKeyFile }> {
  const bytes = (await (await new Kvm(engineNc).open('pdi-key-ring')).get('ring'))!.value;
  return { bytes, ring: await KeyEncryptionKey.configured({ source: 'nats', kekFile }).open(bytes, 'the entry') };
}

beforeAll(async () => {
  nats = await startNatsServer();
  engineNc = await nats.connect('engine');
  kekFile = file(dirs.make(), 'kek', `${KEK}\n`);
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  gatewayNc = await nats.connect('gateway', { inboxPrefix: GATEWAY_INBOX_PREFIX });
  const forward = forwardOverNats(gatewayNc, {
    prefix: 'pdi',
    onAnswered: (operation, instance) => answers.push({ operation, instance }),
  });
  gateway = await startNodeServer(forward, { port, publicUrl, bodyLimitBytes: 65536 });
  // Two machines: data directories of their own, no keys.json copied. What they share besides NATS is
  // the demo PID provider the test's wallets present PIDs of (trust, not the key ring).
  const [dirA, dirB] = [dirs.make(), dirs.make()];
  await openDemoPidIssuer(dirA, publicUrl);
  for (const name of ['demo-pid-provider.json', 'demo-pid-anchor.pem'])
    copyFileSync(join(dirA, name), join(dirB, name));
  for (const [instance, dataDir] of [
    ['engine-a', dirA],
    ['engine-b', dirB],
  ] as const) {
    const enginePort = await freePort();
    const child = await spawnIssuer({ ...environment(configFile(instance), dataDir), PORT: String(enginePort) });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    engines.push({ child, url: `http://127.0.0.1:${enginePort}`, dataDir, output });
  }
}, 90_000);

afterAll(async () => {
  for (const { child } of engines) child.kill('SIGKILL');
  await new Promise((resolve) => gateway?.close(resolve));
  await gatewayNc?.close();
  await engineNc?.close();
  await nats?.stop();
  dirs.removeAll();
});

describe('the key ring in NATS across machines (issue 16 §4: keys without shared disks)', () => {
  it('issue 16 §4: two engines with their own data directories and no keys.json complete flows whose steps land on both', async () => {
    for (let i = 0; i < 4; i++) expect((await issue()).credential).toContain('~');
    expect(new Set(answers.map((answer) => answer.instance))).toEqual(new Set(['engine-a', 'engine-b']));
    for (const { dataDir } of engines) expect(existsSync(join(dataDir, 'keys.json'))).toBe(false);
    expect(await jwksOf(engines[0]!.url)).toEqual(await jwksOf(engines[1]!.url));
  }, 60_000);

  it('issue 16 §4: npm run rotate-keys rotates the ring in NATS and reaches both running engines: the new kid is published and signs', async () => {
    const before = (await jwksOf(engines[0]!.url)).keys.map((key) => key.kid);
    const rotation = run('rotate-keys', environment(configFile('operator'), dirs.make()));
    expect(rotation.status, rotation.stderr).toBe(0);
    expect(rotation.stdout).toContain('every engine on the key ring in NATS signs with the new key now');
    const kid = (await sealedRing()).ring.keys.at(-1)!.kid;
    expect(before).not.toContain(kid);
    for (const { url } of engines) {
      for (let i = 0; i < 100 && (await jwksOf(url)).keys.at(-1)?.kid !== kid; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await jwksOf(url)).keys.map((key) => key.kid)).toEqual([...before, kid]);
    }
    const signers = new Set<string | undefined>();
    for (let i = 0; i < 12 && signers.size < 2; i++) {
      const { credential, signedBy } = await issue();
      const jws = credential.split('~')[0]!;
      expect(decodeProtectedHeader(jws).kid).toBe(kid);
      await compactVerify(jws, createLocalJWKSet(await jwksOf(publicUrl)));
      signers.add(signedBy);
    }
    expect(signers).toEqual(new Set(['engine-a', 'engine-b']));
  }, 90_000);

  it('issue 16 §4: a wrong key-encryption key and a tampered entry are refused at start-up in one line', async () => {
    const wrongKek = file(dirs.make(), 'kek', randomBytes(32).toString('base64'));
    const wrong = run('start', environment(configFile('engine-c', { kek: wrongKek }), dirs.make()), ['--demo']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim().split('\n'), wrong.stderr).toHaveLength(1);
    expect(wrong.stderr).toContain(`than the one in ${wrongKek}`);
    expect(wrong.stderr).toContain('a wrong key-encryption key');
    const { bytes } = await sealedRing();
    const parts = new TextDecoder().decode(bytes).split('.');
    parts[3] = `${parts[3]![0] === 'A' ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    const kv = await new Kvm(engineNc).create('tampered-key-ring');
    await kv.put('ring', parts.join('.'));
    const tampered = run('start', environment(configFile('engine-d', { subjectPrefix: 'tampered' }), dirs.make()), [
      '--demo',
    ]);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr.trim().split('\n'), tampered.stderr).toHaveLength(1);
    expect(tampered.stderr).toContain('the key ring in NATS (KV tampered-key-ring, key ring) fails its authentication');
  }, 60_000);

  it('hardening §1, issue 16 §4: neither the gateway nor a backend user can read the key ring entry (sealed or not)', async () => {
    const directGet = '$JS.API.DIRECT.GET.KV_pdi-key-ring.$KV.pdi-key-ring.ring';
    expect((await engineNc.request(directGet, '', { timeout: 2000 })).string()).toMatch(/^ey/);
    for (const role of ['gateway', 'backend'] as const) {
      const nc = await nats.connect(role);
      const read = nc.request(directGet, '', { timeout: 2000 });
      await expect(read, role).rejects.toThrow(/permissions violation/i);
      await nc.close();
    }
  });

  it('rule 3: nothing secret in what the engines and the commands printed: no KEK, no master secret, no private key', async () => {
    const { ring } = await sealedRing();
    const verifier = ring.version === 2 ? [ring.verifier.privateJwk.d] : [];
    const secrets = [KEK, ring.masterSecret, ...verifier, ...ring.keys.map((key) => key.privateJwk.d)];
    const everything = [...printed, ...engines.flatMap((engine) => engine.output)].join('\n');
    expect(everything).toContain('changed: credentials are signed with');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
