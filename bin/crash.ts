#!/usr/bin/env node
/**
 * `npm run crash [-- --flows 500 --batches 10 --seed N]`: concurrent flows against the SQLite
 * issuer, kill -9 at random points, restart on the same data directory; prints the figures.
 */
import { runCrashBatches } from '../testing/index.js';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const flows = arg('--flows', 500);
const batches = arg('--batches', 10);
const seed = arg('--seed', Date.now());
console.log(`${flows} flows in ${batches} batches, each cut by kill -9; seed ${seed}`);
const result = await runCrashBatches({ batches, flowsPerBatch: Math.ceil(flows / batches), seed });
console.log(
  `${result.flows} flows: ${result.completed} completed before their crash, the rest failed with a clear error; ${result.acknowledgedSteps} acknowledged steps all found in the log; no code or credential issued twice; a flow after the last restart completed`,
);
