import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KitReport } from '../../conformance/index.js';
import { freePort, startCluster, type Cluster } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { runConformance } from './kit-cli.js';

/** Every dialect on (S1/S2 need the IAE), and tokens short-lived, so the expiry check runs instead of skipping. */
const EVERY_DIALECT = { interactiveAuthorization: { iae: { enabled: true } }, lifetimes: { token: 2 } };
const KIT_OPTIONS = ['--runs', '10', '--seed', '17', '--max-wait', '5'];

function expectClean(report: KitReport) {
  const failures = report.results.filter((result) => result.outcome === 'failed');
  expect(failures).toEqual([]);
  expect(report.target.dialects).toEqual(['l', 's1', 's2', 's3']);
  for (const dialect of ['l', 's1', 's2', 's3'])
    expect(report.results.filter((result) => result.dialect === dialect).length).toBeGreaterThan(10);
  expect(report.results.find((result) => result.id === 'expiry.access-token')?.outcome).toBe('passed');
  // The model-based fuzzing ran on every dialect and agreed (issue 17 §1).
  const model = report.results.filter((result) => result.id === 'model.sequences');
  expect(model.map((result) => [result.dialect, result.outcome])).toEqual(
    ['l', 's1', 's2', 's3'].map((dialect) => [dialect, 'passed']),
  );
}

describe('issue 17 §1: pdi-conformance against our unmodified issuer reports no failure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-kit-'));
  let sqlite: { url: string; dataDir: string; child: ChildProcess };
  let cluster: Cluster;
  beforeAll(async () => {
    const port = await freePort();
    const dataDir = join(dir, 'sqlite');
    writeFileSync(join(dir, 'config.json'), JSON.stringify(EVERY_DIALECT));
    const url = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, CONFIG_FILE: join(dir, 'config.json') };
    [sqlite, cluster] = await Promise.all([
      spawnIssuer(env).then((child) => ({ url, dataDir, child })),
      startCluster(2, 10_000, EVERY_DIALECT),
    ]);
  }, 120_000);
  afterAll(async () => {
    sqlite?.child.kill('SIGTERM');
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The kit with the demo PID provider of `dataDir`, and its JSON report; a clean run on every dialect. */
  async function cleanRun(name: string, issuer: string, dataDir: string) {
    const file = join(dir, `${name}-report.json`);
    const run = await runConformance(['--issuer', issuer, '--demo-pid', dataDir, ...KIT_OPTIONS, '--report', file]);
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as KitReport;
    expectClean(report);
    return { run, report };
  }

  it('on SQLite (`bin/start.ts --demo` as npm start runs it), on every dialect, with the JSON report', async () => {
    const { run, report } = await cleanRun('sqlite', sqlite.url, sqlite.dataDir);
    expect(Object.keys(report).sort()).toEqual(
      ['durationMs', 'options', 'results', 'seed', 'startedAt', 'target', 'totals'].sort(),
    );
    expect(report.options).toEqual({ seed: 17, runs: 10, dialect: 'all' });
    expect(report.totals.passed + report.totals.failed + report.totals.skipped).toBe(report.results.length);
    for (const result of report.results)
      expect(
        Object.keys(result).every((key) =>
          ['id', 'requirement', 'title', 'dialect', 'outcome', 'detail', 'ms'].includes(key),
        ),
      ).toBe(true);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      `${report.totals.passed} passed, 0 failed, ${report.totals.skipped} skipped`,
    );
    expect(run.stderr).toMatch(/\[1\] passed /);
  });

  it('on JetStream (two engines behind the NATS gateway), on every dialect', async () => {
    await cleanRun('jetstream', cluster.publicUrl, cluster.dataDir);
  });
});

/** `bin/start.ts --demo` in a process of its own with `config`, on real time as the kit's wallets are. */
async function spawnDemo(dir: string, name: string, config: object) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(dir, name);
  const configFile = join(dir, `${name}.json`);
  writeFileSync(configFile, JSON.stringify(config));
  const child = await spawnIssuer({ PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, CONFIG_FILE: configFile });
  return { url, dataDir, child };
}

describe('issue 17 §1: pdi-conformance arguments and set-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-kit-setup-'));
  const PID_ISSUER = 'https://pid.operator.example';
  let plain: Awaited<ReturnType<typeof spawnDemo>>;
  let trusting: Awaited<ReturnType<typeof spawnDemo>>;
  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = 'operator-pid-key';
    writeFileSync(join(dir, 'pid-key.json'), JSON.stringify({ ...(await exportJWK(privateKey)), kid }));
    const keys = [{ ...(await exportJWK(publicKey)), kid }];
    [plain, trusting] = await Promise.all([
      spawnDemo(dir, 'plain', {}),
      spawnDemo(dir, 'trusting', { trustedIssuers: { issuers: [{ issuer: PID_ISSUER, jwks: { keys } }] } }),
    ]);
  }, 60_000);
  afterAll(() => {
    plain?.child.kill('SIGTERM');
    trusting?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it.concurrent.each([
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--bogus'], /Unknown option '--bogus'/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--runs'], /'--runs <value>' argument missing/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--runs', '1x'], /--runs must be a whole number/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--runs', '0'], /--runs must be a whole number from 1/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--seed', '-3'], /'--seed' argument is ambiguous/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--dialect', 's4'], /--dialect must be one of/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--path', 'x'], /--path must be a path/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '.', '--replay-path', 'AB'], /--replay-path goes with --path/],
    [['--demo-pid', '.'], /--issuer is required/],
    [['--issuer', 'ftp://x', '--demo-pid', '.'], /--issuer must be an http\(s\) URL/],
    [['--issuer', 'http://127.0.0.1:1'], /name the PID issuer/],
    [['--issuer', 'http://127.0.0.1:1', '--pid-key', 'k.json'], /go together/],
    [['--issuer', 'http://127.0.0.1:1', '--demo-pid', '/nonexistent'], /holds no demo PID provider/],
  ])('usage error %j: one line and exit code 2', async (args, message) => {
    const run = await runConformance(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a dialect the target does not advertise is a set-up error (exit 2), and an unknown configuration too', async () => {
    const base = ['--issuer', plain.url, '--demo-pid', plain.dataDir];
    const s1 = await runConformance([...base, '--dialect', 's1']);
    expect([s1.code, s1.stderr.trim()]).toEqual([
      2,
      `pdi-conformance: ${plain.url} does not advertise dialect s1 (it has l, s3)`,
    ]);
    const unknown = await runConformance([...base, '--config-id', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/has no configuration nope \(it has demo_membership/);
  });

  it('--pid-key: PIDs signed with the operator’s key, with the status list the kit serves on loopback', async () => {
    const run = await runConformance([
      '--issuer',
      trusting.url,
      '--pid-key',
      join(dir, 'pid-key.json'),
      '--pid-iss',
      PID_ISSUER,
      '--pid-vct',
      'urn:eudi:pid:1',
      '--runs',
      '2',
    ]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/ passed, 0 failed, /);
  });
});
