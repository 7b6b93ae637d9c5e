/**
 * The HTTP floor: what the flow's seven requests cost with no protocol behind them. A
 * bare Node HTTP server in its own process answers every request with a fixed JSON body,
 * and the load generator's HTTP client sends the flow's seven requests (same methods,
 * body and header sizes, a DPoP-sized header) per "flow" from `concurrency` loops.
 *
 *   npx tsx bench/http-floor.ts [--concurrency 32 --flows 3000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keepAliveFetch } from '../wallet/keep-alive-fetch.js';
import { cpuPerUnit } from './cpu-time.js';
import { numberArg } from './stats.js';

/** Request body sizes of one flow: challenge, request object (GET), presentation, challenge with pdis, token, nonce, credential. */
const FLOW_BODIES = [40, 0, 2600, 120, 120, 0, 700];
const RESPONSE = JSON.stringify({ ok: true, pad: 'x'.repeat(600) });
const DPOP_HEADER = 'e'.repeat(640);

function serve(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(RESPONSE);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(Number(message))));
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Bare HTTP "flows" per second: seven keep-alive requests each, `concurrency` at a time. */
export async function httpFloor(concurrency: number, flows: number) {
  const { child, url } = await startServer();
  const fetch = keepAliveFetch();
  const bodies = FLOW_BODIES.map((size) => (size === 0 ? undefined : 'a='.padEnd(size, 'x')));
  const oneFlow = async () => {
    for (const body of bodies) {
      const response = await fetch(`${url}/step`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          DPoP: DPOP_HEADER,
          ...(body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
        },
        ...(body !== undefined && { body }),
      });
      JSON.parse(await response.text());
    }
  };
  try {
    for (let i = 0; i < 50; i++) await oneFlow();
    let next = 0;
    const start = performance.now();
    const { cpuMs } = await cpuPerUnit(
      { server: child.pid!, client: process.pid },
      () => flows,
      () =>
        Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < flows) {
              next += 1;
              await oneFlow();
            }
          }),
        ),
    );
    return { concurrency, flowsPerSecond: flows / ((performance.now() - start) / 1000), cpuMsPerFlow: cpuMs };
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--serve')) serve();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await httpFloor(numberArg('--concurrency', 32), numberArg('--flows', 3000));
  const { server, client } = result.cpuMsPerFlow;
  console.log(
    `HTTP floor: ${result.flowsPerSecond.toFixed(0)} flows/s of 7 bare requests with ${result.concurrency} concurrent loops; CPU ms per flow: server ${server.toFixed(2)}, client ${client.toFixed(2)}`,
  );
  console.log(`JSON ${JSON.stringify(result)}`);
}
