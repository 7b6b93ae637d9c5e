import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyEncryptionKey } from '../../adapters/keys/key-encryption-key.js';
import { KeyRing } from '../../adapters/keys/keyring.js';
import { openNatsKeyRing, type NatsKeyRing } from '../../adapters/keys/nats-key-ring.js';
import { ConfigError, loadConfig } from '../../config/load.js';
import type { KeyRingSettings } from '../../config/key-ring-settings.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { tempDirs } from '../support/temp-dirs.js';

const NOW = Date.now();
const KEK = randomBytes(32).toString('base64');
const OTHER_KEK = randomBytes(32).toString('base64');
const ENV = { TEST_KEK: KEK, OTHER_KEK };
const IN_ENV: KeyRingSettings = { source: 'nats', kekEnv: 'TEST_KEK' };

const dirs = tempDirs('pdi-nats-key-ring-');
let nats: RunningNats;
let nc: NatsConnection;
let bucketRun = 0;
const opened: NatsKeyRing[] = [];
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await nats.connect();
});
afterAll(async () => {
  for (const ring of opened) ring.close();
  await nc.close();
  await nats.stop();
  dirs.removeAll();
});

function configFor(prefix: string, dataDir: string, keyRing: KeyRingSettings) {
  const { user, pass } = nats.users.engine;
  return loadConfig(
    {},
    {
      dataDir,
      publicUrl: 'https://issuer.example',
      nats: { url: nats.url, user, pass, subjectPrefix: prefix, stream: prefix.toUpperCase(), keyRing },
    },
  );
}

/** Lines logged, to check that none holds a secret. */
const logged: string[] = [];
const logger = { info: (line: string) => logged.push(line), warn: (line: string) => logged.push(line) };

async function openRing(
  prefix: string,
  options: { dataDir?: string; keyRing?: KeyRingSettings; watch?: boolean; connection?: NatsConnection } = {},
) {
  const config = configFor(prefix, options.dataDir ?? dirs.make(), options.keyRing ?? IN_ENV);
  const ring = await openNatsKeyRing(options.connection ?? nc, config, config.nats!, {
    now: NOW,
    watch: options.watch ?? false,
    logger,
    env: ENV,
  });
  opened.push(ring);
  return ring.keys;
}

const freshPrefix = () => `kr${++bucketRun}`;
const entry = async (prefix: string) => new Kvm(nc).open(`${prefix}-key-ring`);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

describe('the key ring in NATS (issue 16 §4: keys without shared disks)', () => {
  it('issue 16 §4: engines with different data directories and no keys.json share one ring; the first start creates it (KV create), the others read the winner’s', async () => {
    const prefix = freshPrefix();
    const other = await nats.connect();
    const [a, b] = await Promise.all([openRing(prefix), openRing(prefix, { connection: other })]);
    await other.close();
    expect(a.current().kid).toBe(b.current().kid);
    expect(a.verifierKey().x5c).toEqual(b.verifierKey().x5c);
    expect(Buffer.from(a.derivedSecret('c_nonce'))).toEqual(Buffer.from(b.derivedSecret('c_nonce')));
    expect((await (await entry(prefix)).get('ring'))?.revision).toBe(1);
  });

  it('issue 16 §4 (migration): the first start imports the data directory’s keys.json, stored sealed; a keys.json of another master secret is refused afterwards', async () => {
    const prefix = freshPrefix();
    const dataDir = dirs.make();
    const before = await KeyRing.open(dataDir, { now: NOW, subjectDns: 'issuer.example' });
    const file = JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8'));
    const imported = await openRing(prefix, { dataDir });
    expect(imported.current().kid).toBe(before.current().kid);
    expect(Buffer.from(imported.derivedSecret('session-key-wrap'))).toEqual(
      Buffer.from(before.derivedSecret('session-key-wrap')),
    );
    const stored = (await (await entry(prefix)).get('ring'))!.string();
    for (const secret of [file.masterSecret, file.keys[0].privateJwk.d, file.verifier.privateJwk.d, KEK])
      expect(stored).not.toContain(secret);
    expect(logged.some((line) => line.includes('keys.json was imported as the key ring in NATS'))).toBe(true);
    const foreign = dirs.make();
    await KeyRing.open(foreign, { now: NOW, subjectDns: 'issuer.example' });
    await expect(openRing(prefix, { dataDir: foreign })).rejects.toThrow(
      /keys\.json holds another master secret than the key ring in NATS/,
    );
  });

  it('issue 16 §4, fail closed: no new ring over an event stream that holds state (a deployment still on keys.json, a deleted entry); its keys.json is imported', async () => {
    const prefix = freshPrefix();
    await (await jetstreamManager(nc)).streams.add({ name: prefix.toUpperCase(), subjects: [`${prefix}.events.>`] });
    await jetstream(nc).publish(`${prefix}.events.s1`, '{}');
    await expect(openRing(prefix)).rejects.toThrow(
      `the key ring in NATS (KV ${prefix}-key-ring, key ring) does not exist, but stream ${prefix.toUpperCase()} holds 1 message protected by a key ring`,
    );
    const dataDir = dirs.make();
    const deployment = await KeyRing.open(dataDir, { now: NOW, subjectDns: 'issuer.example' });
    expect((await openRing(prefix, { dataDir })).current().kid).toBe(deployment.current().kid);
  });

  it('issue 16 §4: a wrong key-encryption key is refused in one line naming where it came from, never the key', async () => {
    const prefix = freshPrefix();
    await openRing(prefix);
    const refusal = await openRing(prefix, { keyRing: { source: 'nats', kekEnv: 'OTHER_KEK' } }).catch((e: Error) => e);
    expect(refusal).toBeInstanceOf(Error);
    const message = (refusal as Error).message;
    expect(message).toMatch(
      /sealed under another key-encryption key .* environment OTHER_KEK .*a wrong key-encryption key/,
    );
    expect(message.split('\n')).toHaveLength(1);
    for (const secret of [KEK, OTHER_KEK]) expect(message).not.toContain(secret);
  });

  it('issue 16 §4: a tampered entry (a changed ciphertext, or not a sealed ring at all) is refused in one line', async () => {
    const prefix = freshPrefix();
    await openRing(prefix);
    const kv = await entry(prefix);
    const parts = (await kv.get('ring'))!.string().split('.');
    const ciphertext = parts[3]!;
    parts[3] = `${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`;
    await kv.put('ring', parts.join('.'));
    await expect(openRing(prefix)).rejects.toThrow(
      /^the key ring in NATS \(KV kr\d+-key-ring, key ring\) fails its authentication under the key-encryption key in environment TEST_KEK: it was tampered with$/,
    );
    await kv.put('ring', '{"version":2}');
    await expect(openRing(prefix)).rejects.toThrow(/is not a sealed key ring/);
  });

  it('issue 16 §4, rule 3: the KEK file must be owner-only, and a KEK must be 32 bytes in base64 and set', async () => {
    const prefix = freshPrefix();
    const kekFile = join(dirs.make(), 'kek');
    writeFileSync(kekFile, `${KEK}\n`, { mode: 0o644 });
    chmodSync(kekFile, 0o644);
    const inFile: KeyRingSettings = { source: 'nats', kekFile };
    await expect(openRing(prefix, { keyRing: inFile })).rejects.toThrow(
      `the key-encryption key file ${kekFile} is readable by group or others: chmod 600 ${kekFile}`,
    );
    chmodSync(kekFile, 0o600);
    const fromFile = await openRing(prefix, { keyRing: inFile });
    expect((await openRing(prefix)).current().kid).toBe(fromFile.current().kid);
    await expect(openRing(prefix, { keyRing: { source: 'nats', kekEnv: 'UNSET_KEK' } })).rejects.toThrow(
      'environment UNSET_KEK (nats.keyRing.kekEnv) is not set',
    );
    expect(() => KeyEncryptionKey.configured({ source: 'nats', kekEnv: 'K' }, { K: 'c2hvcnQ=' })).toThrow(
      'is not 32 bytes in base64',
    );
  });

  it('issue 16 §4: a rotation (revision-checked) reaches a running engine in place; concurrent rotations lose no key; the master secret stays', async () => {
    const prefix = freshPrefix();
    const running = await openRing(prefix, { watch: true });
    const [first, secret] = [running.current().kid, Buffer.from(running.derivedSecret('c_nonce'))];
    const [rotatorA, rotatorB] = [await openRing(prefix), await openRing(prefix)];
    await Promise.all([rotatorA.rotate(NOW), rotatorB.rotate(NOW)]);
    const stored = await openRing(prefix);
    expect(stored.jwks().keys).toHaveLength(3);
    await until(() => running.current().kid === stored.current().kid);
    expect(running.jwks().keys.map((key) => key.kid)).toEqual(stored.jwks().keys.map((key) => key.kid));
    expect(running.jwks().keys[0]!.kid).toBe(first);
    expect(Buffer.from(running.derivedSecret('c_nonce'))).toEqual(secret);
  });

  it('issue 16 §4: a running engine refuses a ring that is no successor of its own (another master secret, a tampered entry) and keeps its ring', async () => {
    const prefix = freshPrefix();
    const running = await openRing(prefix, { watch: true });
    const kid = running.current().kid;
    const foreignDir = dirs.make();
    await KeyRing.open(foreignDir, { now: NOW, subjectDns: 'issuer.example' });
    const foreign = JSON.parse(readFileSync(join(foreignDir, 'keys.json'), 'utf8'));
    const kv = await entry(prefix);
    await kv.put('ring', await KeyEncryptionKey.configured(IN_ENV, ENV).seal(foreign));
    await until(() =>
      logged.some((line) => line.includes(`KV ${prefix}-key-ring`) && line.includes('another master secret')),
    );
    await kv.put('ring', 'garbage');
    await until(() =>
      logged.some((line) => line.includes(`KV ${prefix}-key-ring`) && line.includes('is not a sealed key ring')),
    );
    expect(running.current().kid).toBe(kid);
    for (const line of logged) for (const secret of [KEK, foreign.masterSecret]) expect(line).not.toContain(secret);
    expect(existsSync(join(foreignDir, 'keys.json'))).toBe(true);
  });
});

describe('the key ring watch across a NATS restart (issue 16 §4)', () => {
  it('issue 16 §4: a rotation after the NATS server restarted still reaches a running engine', async () => {
    const prefix = freshPrefix();
    const running = await openRing(prefix, { watch: true });
    await nats.restart();
    const connection = await nats.connect();
    const rotator = await openRing(prefix, { connection });
    await rotator.rotate(NOW);
    await until(() => running.current().kid === rotator.current().kid);
    await connection.close();
  });
});

describe('nats.keyRing configuration (issue 16 §4, rule 3: fail closed)', () => {
  const load = (keyRing: unknown) => () =>
    loadConfig({}, { nats: { url: 'nats://127.0.0.1:4222', allowUnauthenticated: true, keyRing } as never });

  it('rule 3: source nats without a key-encryption key, with two, a KEK with the key file, or an unknown key is a configuration error', () => {
    expect(load({ source: 'nats' })).toThrow(
      new ConfigError(
        'configuration: nats.keyRing: source nats needs exactly one key-encryption key: kekEnv or kekFile',
      ),
    );
    expect(load({ source: 'nats', kekEnv: 'A', kekFile: '/k' })).toThrow('needs exactly one key-encryption key');
    expect(load({ kekEnv: 'A' })).toThrow('kekEnv and kekFile are for source nats only');
    expect(load({ source: 'nats', kekEnv: 'A', kek: 'x' })).toThrow('nats.keyRing: unknown key kek');
    expect(load({ source: 'vault', kekEnv: 'A' })).toThrow(ConfigError);
    expect(load({ source: 'nats', kekEnv: 'A' })().nats?.keyRing).toEqual({ source: 'nats', kekEnv: 'A' });
    expect(loadConfig({}, { nats: { url: 'nats://x', allowUnauthenticated: true } }).nats?.keyRing).toEqual({
      source: 'dataDir',
    });
  });
});
