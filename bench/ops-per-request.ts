/**
 * Issue 12 §4, the steady figure beside the throughput ratio of `ops-overhead.ts`: the CPU one
 * request costs in process with metrics and the access log on and with them off (the log into
 * /dev/null through the same pino logger), on a cheap endpoint (the issuer metadata) so that
 * the difference is the observation itself. Process CPU time is what the host's neighbours
 * cannot steal, so this figure holds on a noisy machine where flows/s does not.
 */
import { openSync } from 'node:fs';
import pino from 'pino';
import { createPinoLogger } from '../adapters/logging/pino-logger.js';
import { startIssuer } from '../testing/index.js';
import { median } from './stats.js';

const WARM_UP = 5_000;

async function cpuMicrosPerRequest(on: boolean, requests: number, devNull: number): Promise<number> {
  const level = on ? 'info' : 'warn';
  const server = await startIssuer(
    { log: { level }, metrics: { enabled: on } },
    { logger: createPinoLogger({ level, destination: pino.destination({ dest: devNull, sync: true }) }) },
  );
  try {
    const url = new URL(`${server.url}/.well-known/openid-credential-issuer`);
    const request = () => ({ method: 'GET', url, headers: new Headers(), body: '' });
    for (let i = 0; i < WARM_UP; i++) await server.issuer.handle(request());
    const before = process.cpuUsage();
    for (let i = 0; i < requests; i++) await server.issuer.handle(request());
    const spent = process.cpuUsage(before);
    return (spent.user + spent.system) / requests;
  } finally {
    await server.stop();
  }
}

/** Median CPU µs per request on and off over `runs` alternating runs. */
export async function perRequestCost(options: { requests: number; runs: number }) {
  const devNull = openSync('/dev/null', 'w');
  const on: number[] = [];
  const off: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    off.push(await cpuMicrosPerRequest(false, options.requests, devNull));
    on.push(await cpuMicrosPerRequest(true, options.requests, devNull));
  }
  return { onMicros: median(on), offMicros: median(off), observationMicros: median(on) - median(off) };
}
