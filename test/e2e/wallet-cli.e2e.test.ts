import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const run = promisify(execFile);

/** Issue 13 §9: `npm run wallet -- --dialect l|s1|s2|s3` runs the reference wallet's flow in that dialect against a running issuer. */
describe('the wallet CLI', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ interactiveAuthorization: { iae: { enabled: true } } });
  });
  afterAll(() => server.stop());
  const wallet = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'bin/wallet.ts', ...args], {
      env: { ...process.env, DATA_DIR: server.dataDir, PUBLIC_URL: server.url },
      encoding: 'utf8',
    });

  it.each([['l'], ['s1'], ['s2'], ['s3']])(
    'issue 13 §9: --dialect %s completes a flow and prints the credential',
    async (dialect) => {
      const { stdout } = await wallet(['--dialect', dialect]);
      expect(stdout).toContain('credential received (SD-JWT VC)');
    },
  );

  it('issue 15: --browser falls back to the browser step (S3 by default, and S1) and completes', async () => {
    for (const args of [['--browser'], ['--browser', '--dialect', 's1'], ['--browser', '--par']]) {
      const { stdout } = await wallet(args);
      expect(stdout).toContain('browser step: open');
      expect(stdout).toContain('browser: redirected to the redirect_uri with code and iss');
      expect(stdout).toContain('credential received (SD-JWT VC)');
    }
  });

  it('issue 15: --browser with the seed flow is one readable line and exit code 2', async () => {
    const failed = await wallet(['--browser', '--dialect', 'l']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failed && [failed.code, failed.stderr.trim()]).toEqual([
      2,
      '--browser needs --dialect s1, s2 or s3: the seed flow has no browser step',
    ]);
  });

  it('issue 13 §9: an unknown dialect is one readable line and exit code 2', async () => {
    const failed = await wallet(['--dialect', 's9']).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && [failed.code, failed.stderr.trim()]).toEqual([
      2,
      '--dialect must be one of l, s1, s2, s3',
    ]);
  });
});
