/**
 * The physical limit of a flow: the same ES256 signatures (8) and verifications (8) one
 * full flow needs, wallet and server side together, with nothing else — no HTTP, no
 * engine, no store. Run on every core (one process each, several flows in flight in each)
 * for the given time.
 *
 *   npm run bench:crypto [-- --seconds 5]
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

const SIGNATURES = 8;
const VERIFICATIONS = 8;
/** Signing inputs of the sizes a flow signs: DPoP proofs, KB-JWT, key proof, request object, credential. */
const PAYLOAD_BYTES = [420, 420, 420, 420, 300, 320, 1400, 900];
const IN_FLIGHT = 8;

async function cryptoFlowsPerSecond(seconds: number): Promise<number> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const sign = { name: 'ECDSA', hash: 'SHA-256' } as const;
  const payloads = PAYLOAD_BYTES.map((size) => crypto.getRandomValues(new Uint8Array(size)));
  const signatures = await Promise.all(payloads.map((payload) => crypto.subtle.sign(sign, keys.privateKey, payload)));
  let flows = 0;
  const end = performance.now() + seconds * 1000;
  // Several flows in flight, as on a loaded server: WebCrypto runs in libuv's thread pool, so one loop would leave cores idle.
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        for (let i = 0; i < SIGNATURES; i++) await crypto.subtle.sign(sign, keys.privateKey, payloads[i]!);
        for (let i = 0; i < VERIFICATIONS; i++)
          await crypto.subtle.verify(sign, keys.publicKey, signatures[i]!, payloads[i]!);
        flows += 1;
      }
    }),
  );
  return flows / seconds;
}

/** Flows per second of crypto alone, summed over one process per core. */
export async function cryptoBaseline(
  seconds: number,
  processes = availableParallelism(),
): Promise<{ processes: number; flowsPerSecond: number }> {
  const rates = await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', 'bench/crypto-baseline.ts', '--child', String(seconds)],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let output = '';
          child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.once('exit', (code) =>
            code === 0 ? resolve(Number(output.trim())) : reject(new Error(`crypto worker exited with ${code}`)),
          );
        }),
    ),
  );
  return { processes, flowsPerSecond: rates.reduce((sum, rate) => sum + rate, 0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = process.argv.indexOf('--child');
  if (child > 0) console.log(await cryptoFlowsPerSecond(Number(process.argv[child + 1])));
  else {
    const arg = process.argv.indexOf('--seconds');
    const result = await cryptoBaseline(arg > 0 ? Number(process.argv[arg + 1]) : 5);
    console.log(
      `crypto-only baseline: ${result.flowsPerSecond.toFixed(1)} flows/s (${SIGNATURES} ES256 signatures + ${VERIFICATIONS} verifications per flow, ${result.processes} processes)`,
    );
    console.log(`JSON ${JSON.stringify(result)}`);
  }
}
