import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { completedFlow } from '../../testing/flow-steps.js';
import { startIssuer } from '../../testing/issuer-server.js';

const run = promisify(execFile);
const command = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `bin/${script}.ts`, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);

describe('revocation from the command line (issue 14: done when)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('E-50, V-20: `npm run demo-pid -- revoke` against `npm start`: the next flow after the list’s ttl is refused with a clear error', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pdi-demo-revoke-'));
    dirs.push(dataDir);
    const port = await freePort();
    const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir };
    const issuer = await spawnIssuer(env);
    try {
      expect(String((await command('wallet', [], env)).stdout)).toContain('credential received (SD-JWT VC)');
      expect(String((await command('demo-pid', ['revoke'], env)).stdout)).toBe('demo PID 0: revoked\n');
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const refused = await command('wallet', [], env);
      expect('code' in refused && refused.code).toBe(1);
      expect(refused.stderr).toContain('the credential is revoked (its status list entry is INVALID)');
    } finally {
      issuer.kill('SIGTERM');
    }
  });

  it('I-30: `npm run revoke -- --session` and `--credential` on a running issuer’s data directory, shown by its list', async () => {
    const server = await startIssuer({ statusList: { ttlSeconds: 2 } });
    try {
      const env = { DATA_DIR: server.dataDir, PUBLIC_URL: server.url };
      const { sessionId, credential } = await completedFlow(await server.wallet());
      const suspended = await command('revoke', ['--session', sessionId, '--suspend'], env);
      expect(suspended.stdout).toMatch(/^suspended: 1 credential\(s\) changed 0:\d+\n$/);
      const file = join(server.dataDir, 'credential.txt');
      writeFileSync(file, credential, { mode: 0o600 });
      expect((await command('revoke', ['--credential', file], env)).stdout).toMatch(/^revoked: 1 credential/);
      server.clock.now += 1_500; // past ttl/2: the served token is built again from the store the CLI wrote
      const { uri, idx } = (
        decodeJwt(credential.split('~')[0]!) as { status: { status_list: { uri: string; idx: number } } }
      ).status.status_list;
      expect(getListFromStatusListJWT(await (await fetch(uri)).text()).getStatus(idx)).toBe(1);
      expect((await command('revoke', ['--credential', file, '--reinstate'], env)).stdout).toMatch(/^valid: 0 /);
      const usage = await command('revoke', [], env);
      expect('code' in usage && [usage.code, usage.stderr.trim()]).toEqual([
        1,
        'usage: npm run revoke -- (--session <id> | --credential <file>) [--suspend | --reinstate]',
      ]);
    } finally {
      await server.stop();
    }
  });
});
