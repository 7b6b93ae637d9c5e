import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/cluster.js';
import { tempDirs } from '../support/temp-dirs.js';
import { spawnIssuer } from '../../testing/issuer-process.js';

const dirs = tempDirs('pdi-startup-');
afterAll(dirs.removeAll);
const tempDir = dirs.make;

/** `bin/start.ts` expected to fail: its exit code and what it printed. */
function failedStart(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/start.ts', ...args],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

function configFile(dir: string, content: string): string {
  const path = join(dir, 'config.json');
  writeFileSync(path, content);
  return path;
}

async function expectOneLine(env: Record<string, string>, ...fragments: string[]) {
  const { code, stderr } = await failedStart(env, ['--demo']);
  expect(code).toBe(1);
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  for (const fragment of fragments) expect(stderr).toContain(fragment);
}

describe('fail closed on configuration (hardening §2, rule 3)', () => {
  it('rule 3: an unknown key (a typo such as trustedIssuer) is an error naming the file and the key, not a start in demo mode', async () => {
    const dir = tempDir();
    const file = configFile(dir, JSON.stringify({ trustedIssuer: { issuers: [] } }));
    await expectOneLine({ CONFIG_FILE: file, DATA_DIR: dir }, file, 'unknown key trustedIssuer');
  });

  it('rule 3: without --demo and without trusted issuers the issuer does not start; with --demo it says so loudly', async () => {
    const dataDir = tempDir();
    const refused = await failedStart({ DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('no trusted PID issuer configured');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts', '--demo'], {
      env: { ...process.env, PORT: String(await freePort()), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('DEMO MODE')) resolve();
      }),
    );
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(output).toContain('DEMO MODE');
  });

  it('OpenID4VCI §12.2.1: PUBLIC_URL must be an absolute http(s) URL, and a refused start writes no key file', async () => {
    const dataDir = tempDir();
    await expectOneLine(
      { PUBLIC_URL: 'localhost:3000', DATA_DIR: dataDir },
      'environment PUBLIC_URL',
      'publicUrl',
      'absolute http(s) URL',
    );
    expect(existsSync(join(dataDir, 'keys.json'))).toBe(false);
  });

  it('rule 4: bad JSON names the line and column; a wrong type names the key path; a missing file says so', async () => {
    const dir = tempDir();
    await expectOneLine(
      { CONFIG_FILE: configFile(dir, '{\n  "port": 3000,\n}\n'), DATA_DIR: dir },
      'not valid JSON at line 3, column 1',
    );
    await expectOneLine(
      { CONFIG_FILE: configFile(dir, JSON.stringify({ lifetimes: { session: 'long' } })), DATA_DIR: dir },
      'lifetimes.session',
    );
    await expectOneLine(
      { CONFIG_FILE: join(dir, 'absent.json'), DATA_DIR: dir },
      'absent.json',
      'cannot read',
      'ENOENT',
    );
    await expectOneLine({ PORT: 'eighty', DATA_DIR: dir }, 'environment PORT', 'not a number');
  });

  it('rule 4: a taken port, an unusable DATA_DIR and an unreachable NATS fail in one line', async () => {
    const dir = tempDir();
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expectOneLine({ PORT: String(port), DATA_DIR: dir }, `port ${port}`, 'already in use');
    } finally {
      taken.close();
    }
    const notADirectory = join(dir, 'config.json');
    writeFileSync(notADirectory, '{}');
    await expectOneLine({ DATA_DIR: join(notADirectory, 'data') }, 'cannot be created');
    const nats = configFile(
      tempDir(),
      JSON.stringify({ nats: { url: 'nats://127.0.0.1:1', allowUnauthenticated: true, connectTimeoutSeconds: 1 } }),
    );
    const { code, stderr } = await failedStart({ CONFIG_FILE: nats, DATA_DIR: tempDir() }, ['--demo']);
    expect(code).toBe(1);
    expect(stderr).toContain('unreachable for 1 s');
  });

  it('rule 3: a file in DATA_DIR readable by group or others refuses the start and says how to fix it', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'events.sqlite'), '');
    chmodSync(join(dataDir, 'events.sqlite'), 0o644);
    await expectOneLine({ DATA_DIR: dataDir }, `chmod 600 ${join(dataDir, 'events.sqlite')}`);
  });

  it('PORT alone makes the advertised issuer URL follow the port; the data directory is 0700 and every file in it 0600', async () => {
    const dataDir = join(tempDir(), 'data');
    const port = await freePort();
    const child = await spawnIssuer({ PORT: String(port), DATA_DIR: dataDir });
    try {
      const metadata = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/openid-credential-issuer`)
      ).json()) as { credential_issuer: string };
      expect(metadata.credential_issuer).toBe(`http://localhost:${port}`);
      const challenge = await fetch(`http://127.0.0.1:${port}/authorize-challenge`, { method: 'POST' });
      expect(challenge.status).toBeGreaterThanOrEqual(400);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['keys.json', 'events.sqlite', 'state.sqlite']));
    for (const file of files) expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
  });
});
