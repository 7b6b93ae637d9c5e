#!/usr/bin/env node
/**
 * `pdi-conformance` (`npm run conformance`), issue 17: the conformance kit against an issuer.
 * It reads the issuer's metadata, mints PIDs the issuer trusts (the demo PID provider of a
 * demo-mode issuer's data directory with `--demo-pid`, or the operator's PID issuer key), runs the
 * attack catalogue on every dialect asked for, prints a table (progress on stderr), and exits 1
 * when a check failed, 2 on a usage or setup error. docs/conformance.md has every option and check.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  attackCatalogue,
  DIALECTS,
  type Dialect,
  demoPidSource,
  discoverTarget,
  keyPidSource,
  progressLine,
  reportTable,
  runKit,
  runModelFuzz,
  SetupError,
  type Suite,
} from '../conformance/index.js';

const USAGE =
  'usage: pdi-conformance --issuer <url> (--demo-pid <dataDir> | --pid-key <jwk file> --pid-iss <iss> --pid-vct <vct> [--pid-no-status]) [--dialect l|s1|s2|s3|all] [--config-id <id>] [--seed N] [--runs N] [--path <path> [--replay-path <path>]] [--max-wait <seconds>] [--report <file>]';

/** A usage error: one line naming what is wrong, the usage on the next only when asked for by `--help`. */
function usage(message: string): never {
  console.error(`pdi-conformance: ${message} (pdi-conformance --help)`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, fallback: number, [min, max]: [number, number]): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max)
    usage(`--${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      issuer: { type: 'string' },
      dialect: { type: 'string', default: 'all' },
      'demo-pid': { type: 'string' },
      'pid-key': { type: 'string' },
      'pid-iss': { type: 'string' },
      'pid-vct': { type: 'string' },
      'pid-no-status': { type: 'boolean', default: false },
      'config-id': { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      'max-wait': { type: 'string' },
      path: { type: 'string' },
      'replay-path': { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' '));
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.issuer) usage('--issuer is required');
if (!/^https?:\/\/[^/]/.test(values.issuer)) usage('--issuer must be an http(s) URL');
const dialect = values.dialect as Dialect | 'all';
if (dialect !== 'all' && !DIALECTS.includes(dialect)) usage(`--dialect must be one of ${DIALECTS.join(', ')} or all`);
const keyFlags = [values['pid-key'], values['pid-iss'], values['pid-vct']];
const byKey = keyFlags.some((flag) => flag !== undefined);
if (byKey && keyFlags.some((flag) => flag === undefined)) usage('--pid-key, --pid-iss and --pid-vct go together');
if (byKey === (values['demo-pid'] !== undefined))
  usage('name the PID issuer: --demo-pid, or --pid-key with --pid-iss and --pid-vct');
if (values['pid-no-status'] && !byKey) usage('--pid-no-status goes with --pid-key');
const seed = integer('seed', values.seed, Math.floor(Math.random() * 2 ** 31), [0, 2 ** 31 - 1]);
const runs = integer('runs', values.runs, 20, [1, 100_000]);
const maxWaitSeconds = integer('max-wait', values['max-wait'], 0, [0, 3600]);
const issuerUrl = values.issuer.replace(/\/$/, '');
// fast-check's path of a shrunk counterexample (`1:0:2`) and its commands' replayPath, as a failure prints them.
if (values.path !== undefined && !/^\d+(?::\d+)*$/.test(values.path)) usage('--path must be a path such as 12:0:3');
if (values['replay-path'] !== undefined && values.path === undefined) usage('--replay-path goes with --path');
if (values['replay-path'] !== undefined && !/^[A-Za-z0-9+/=:]+$/.test(values['replay-path']))
  usage('--replay-path must be the replayPath a failure printed');
/** What a run executes, in order: the attack catalogue, then the model-based fuzzing. */
const SUITES: readonly Suite[] = [
  attackCatalogue,
  (target, options) =>
    runModelFuzz(target, {
      ...options,
      ...(values.path !== undefined && { path: values.path }),
      ...(values['replay-path'] !== undefined && { replayPath: values['replay-path'] }),
    }),
];

try {
  const pids = byKey
    ? await keyPidSource({
        keyFile: values['pid-key']!,
        issuer: values['pid-iss']!,
        vct: values['pid-vct']!,
        withStatus: !values['pid-no-status'],
      })
    : await demoPidSource(values['demo-pid']!, issuerUrl);
  try {
    const target = await discoverTarget({
      issuerUrl,
      dialect,
      mintPid: pids.mintPid,
      pidTrust: pids.pidTrust,
      maxWaitSeconds,
      ...(values['config-id'] && { configurationId: values['config-id'] }),
    });
    console.error(
      `pdi-conformance: ${target.issuerUrl}, dialects ${target.dialects.join(', ')}, configuration ${target.configurationId}, seed ${seed}`,
    );
    let done = 0;
    const report = await runKit(target, SUITES, {
      seed,
      runs,
      dialect,
      onProgress: (result) => console.error(progressLine(result, ++done)),
    });
    console.log(reportTable(report));
    if (values.report) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.totals.failed > 0 ? 1 : 0;
  } finally {
    await pids.close();
  }
} catch (error) {
  // A set-up error (or anything else that stops the run before its report) is one line, exit code 2.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pdi-conformance: ${error instanceof SetupError ? message : `the run stopped: ${message}`}`);
  process.exitCode = 2;
}
