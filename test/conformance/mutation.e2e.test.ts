import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { KitReport } from '../../conformance/index.js';
import { freePort } from '../../testing/cluster.js';
import { runConformance } from './kit-cli.js';
import { MUTANTS, type Mutant } from './mutation-mutants.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `bin/start.ts` needs to run from a copy: the product source and the project files tsx reads. */
const SOURCE = [
  'engine',
  'config',
  'protocol',
  'adapters',
  'issuer',
  'transports',
  'wallet',
  'testing',
  'conformance',
  'bin',
  'index.ts',
  'package.json',
  'tsconfig.json',
];
/** Every dialect on, and tokens short-lived so the expiry check runs. */
const CONFIG = { interactiveAuthorization: { iae: { enabled: true } }, lifetimes: { token: 2 } };
/** Two mutants at a time: the machine is shared. */
const AT_ONCE = 2;

const work = mkdtempSync(join(tmpdir(), 'pdi-mutants-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the source with the mutant's replacements, each found exactly once. */
function mutatedCopy(mutant: Mutant, index: number): string {
  const copy = join(work, `mutant-${index}`);
  for (const entry of SOURCE) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'));
  for (const { file, from, to } of mutant.replacements) {
    const source = readFileSync(join(copy, file), 'utf8');
    const found = source.split(from).length - 1;
    if (found !== 1)
      throw new Error(`mutant "${mutant.name}": ${file} has ${found} occurrences of ${JSON.stringify(from)}`);
    writeFileSync(join(copy, file), source.replace(from, to));
  }
  return copy;
}

interface Outcome {
  mutant: Mutant;
  code: number;
  failed: string[];
  ms: number;
}

/** The mutant's issuer (its copy's `bin/start.ts --demo`) and the kit against it. */
async function runMutant(mutant: Mutant, index: number): Promise<Outcome> {
  const started = performance.now();
  const copy = mutatedCopy(mutant, index);
  const { spawnIssuer } = (await import(
    join(copy, 'testing/issuer-process.ts')
  )) as typeof import('../../testing/issuer-process.js');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(copy, 'data');
  writeFileSync(join(copy, 'config.json'), JSON.stringify(CONFIG));
  const child = await spawnIssuer({
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    CONFIG_FILE: join(copy, 'config.json'),
  });
  try {
    const report = join(copy, 'report.json');
    const run = await runConformance([
      '--issuer',
      url,
      '--demo-pid',
      dataDir,
      '--runs',
      '3',
      '--seed',
      '1',
      '--max-wait',
      '5',
      '--report',
      report,
    ]);
    const results = run.code === 1 ? (JSON.parse(readFileSync(report, 'utf8')) as KitReport).results : [];
    const failed = [...new Set(results.filter((result) => result.outcome === 'failed').map((result) => result.id))];
    return { mutant, code: run.code, failed, ms: Math.round(performance.now() - started) };
  } finally {
    child.kill('SIGTERM');
  }
}

describe('issue 17 §3: the kit catches every mutant of our issuer', () => {
  it(`${MUTANTS.length} mutants, each caught by its expected checks`, async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < MUTANTS.length; i += AT_ONCE)
      outcomes.push(...(await Promise.all(MUTANTS.slice(i, i + AT_ONCE).map((mutant, j) => runMutant(mutant, i + j)))));
    const caught = outcomes.filter(
      ({ code, failed, mutant }) => code === 1 && mutant.caughtBy.every((id) => failed.includes(id)),
    );
    for (const { mutant, code, failed, ms } of outcomes)
      console.log(
        `mutant "${mutant.name}" (${mutant.requirement}): exit ${code}, failed ${failed.join(', ') || 'nothing'}, ${ms} ms`,
      );
    console.log(`mutation score: ${caught.length}/${outcomes.length} caught`);
    expect(
      outcomes.map(({ mutant, failed }) => ({
        mutant: mutant.name,
        missing: mutant.caughtBy.filter((id) => !failed.includes(id)),
      })),
    ).toEqual(MUTANTS.map((mutant) => ({ mutant: mutant.name, missing: [] })));
    expect(outcomes.map(({ code }) => code)).toEqual(MUTANTS.map(() => 1));
  }, 600_000);
});
