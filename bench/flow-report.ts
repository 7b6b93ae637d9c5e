/** What `npm run bench:flow` prints: a table per measurement and one `JSON {…}` line (`bench/flow.ts`). */
import type { runOpsOverhead } from './ops-overhead.js';
import type { perRequestCost } from './ops-per-request.js';

interface Figure {
  median: number;
  min: number;
  max: number;
}

/** What `runFlowBench` measured, as far as it is printed. */
interface FlowBench {
  perFlow: Partial<Record<string, { requests: number; signatures: number; verifications: number }>>;
  cryptoBaseline: Figure;
  httpFloor: Figure;
  httpFloorCpuMsPerFlow: { server: number; client: number };
  cryptoPlusHttpCeiling: number;
  rows: Array<{
    dialect: string;
    concurrency: number;
    flowsPerSecond: Figure;
    p50Ms: number;
    p99Ms: number;
    ratioToCrypto: number;
    ratioToCryptoPlusHttp: number;
    cpuMsPerFlow: { server: number; wallets: number };
    endpoints: Record<string, { p50Ms: number; p99Ms: number }>;
  }>;
}
type OpsOverhead = Awaited<ReturnType<typeof runOpsOverhead>> & {
  perRequest: Awaited<ReturnType<typeof perRequestCost>>;
  perFlowRequests: number;
};

const range = (s: { median: number; min: number; max: number }) =>
  `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

export function printOpsOverhead(result: OpsOverhead, runs: number): void {
  console.log(
    `metrics and access log on vs off (issue 12 §4: cost under 5 %), median of ${runs} runs (min–max); log written: on ${result.logBytes.on} bytes, off ${result.logBytes.off} bytes`,
  );
  console.log('wallets  flows/s on              flows/s off             on / off  server CPU ms/flow: on   off');
  for (const row of result.rows) {
    const { on, off } = row.serverCpuMsPerFlow;
    console.log(
      `${String(row.concurrency).padStart(7)}  ${range(row.on).padEnd(22)}  ${range(row.off).padEnd(22)}  ${(row.ratio * 100).toFixed(1).padStart(6)} %  ${on.toFixed(2).padStart(22)}  ${off.toFixed(2).padStart(5)}`,
    );
  }
  const { perRequest, perFlowRequests } = result;
  const perFlow = (perRequest.observationMicros * perFlowRequests) / 1000;
  console.log(
    `in process, CPU per request (issuer metadata): on ${perRequest.onMicros.toFixed(1)} µs, off ${perRequest.offMicros.toFixed(1)} µs; the observation costs ${perRequest.observationMicros.toFixed(1)} µs a request, ${perFlow.toFixed(3)} ms a flow of ${perFlowRequests} requests`,
  );
  console.log(`JSON ${JSON.stringify(result)}`);
}

export function printFlowBench(result: FlowBench, runs: number): void {
  for (const [dialect, perFlow] of Object.entries(result.perFlow))
    if (perFlow)
      console.log(
        `per ${dialect} flow: ${perFlow.requests} HTTP requests, ${perFlow.signatures} signatures, ${perFlow.verifications} verifications (wallet and server)`,
      );
  console.log(`median of ${runs} runs (min–max)`);
  console.log(
    `crypto-only baseline: ${range(result.cryptoBaseline)} flows/s; HTTP floor (7 bare requests, 32 loops): ${range(result.httpFloor)} flows/s; both together: ${result.cryptoPlusHttpCeiling.toFixed(1)} flows/s`,
  );
  console.log(
    `HTTP floor CPU ms per flow: server ${result.httpFloorCpuMsPerFlow.server.toFixed(2)}, client ${result.httpFloorCpuMsPerFlow.client.toFixed(2)}`,
  );
  console.log(
    'dialect  wallets  flows/s                 p50 ms  p99 ms  of crypto  of crypto+HTTP  CPU ms/flow: server  wallets',
  );
  for (const row of result.rows)
    console.log(
      `${row.dialect.padEnd(7)}  ${String(row.concurrency).padStart(7)}  ${range(row.flowsPerSecond).padEnd(22)}  ${row.p50Ms.toFixed(0).padStart(6)}  ${row.p99Ms.toFixed(0).padStart(6)}  ${(row.ratioToCrypto * 100).toFixed(1).padStart(7)} %  ${(row.ratioToCryptoPlusHttp * 100).toFixed(1).padStart(11)} %  ${row.cpuMsPerFlow.server.toFixed(2).padStart(18)}  ${row.cpuMsPerFlow.wallets.toFixed(2).padStart(7)}`,
    );
  for (const dialect of new Set(result.rows.map((row) => row.dialect))) {
    const rows = result.rows.filter((row) => row.dialect === dialect);
    const names = Object.keys(rows[0]!.endpoints);
    const width = Math.max(20, ...names.map((name) => name.length + 2));
    console.log(`${dialect} per endpoint, p50 / p99 ms: ${names.map((name) => name.padStart(width)).join('')}`);
    for (const row of rows)
      console.log(
        `${String(row.concurrency).padStart(7)} wallets${''.padEnd(20)}${names.map((name) => `${row.endpoints[name]!.p50Ms.toFixed(1)} / ${row.endpoints[name]!.p99Ms.toFixed(1)}`.padStart(width)).join('')}`,
      );
  }
  console.log(`JSON ${JSON.stringify(result)}`);
}
