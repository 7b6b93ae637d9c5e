#!/usr/bin/env node
/**
 * `npm run demo-pid -- (revoke | suspend | reinstate) [--index N]`: the demo PID provider sets the
 * status of a demo PID (by default index 0, the demo person's, which `npm run wallet` presents).
 * A demo issuer (`npm start`) serves the change at once; its verifier reads the list again once the
 * list's ttl (5 s) has passed, so the next flow after that is refused (E-50, V-20).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { type DemoPidStatus, setDemoPidStatus } from '../wallet/demo-pid-status.js';

const ACTIONS: Record<string, DemoPidStatus> = { revoke: 'revoked', suspend: 'suspended', reinstate: 'valid' };
const { values, positionals } = parseArgs({
  options: { index: { type: 'string', default: '0' } },
  allowPositionals: true,
  strict: true,
});
const status = positionals.length === 1 ? ACTIONS[positionals[0]!] : undefined;
if (!status) {
  console.error('usage: npm run demo-pid -- (revoke | suspend | reinstate) [--index N]');
  process.exit(2);
}
try {
  setDemoPidStatus(loadConfig().dataDir, Number(values.index), status);
  console.log(`demo PID ${values.index}: ${status}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
