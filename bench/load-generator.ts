/**
 * The load generator: N reference wallets, each holding a PID from the demo PID provider,
 * running whole flows of a dialect against an issuer in another process, over keep-alive
 * HTTP: L (challenge, request object, presentation, second challenge, token, nonce,
 * credential) or S1/S2/S3 (interaction, interaction with openid4vp_response, token, nonce,
 * credential). It records every flow's latency and every request's latency by endpoint.
 */
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { keepAliveFetch, type WalletFetch } from '../wallet/keep-alive-fetch.js';
import { generateWalletKey } from '../wallet/keys.js';
import { runInteractiveFlow } from '../wallet/interactive-flow.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';
import { percentile, sortedCopy } from './stats.js';

export const BENCH_FLOW = { scope: 'membership', configurationId: 'demo_membership' };

/** The dialects the reference wallet can load an issuer with (issue 13 §9). */
export const BENCH_DIALECTS = ['L', 'S1', 'S2', 'S3'] as const;
export type BenchDialect = (typeof BENCH_DIALECTS)[number];

/** One whole flow of `dialect` by `wallet`. */
export function runDialectFlow(wallet: ReferenceWallet, dialect: BenchDialect): Promise<string> {
  return dialect === 'L' ? wallet.runFlow(BENCH_FLOW) : runInteractiveFlow(wallet, { ...BENCH_FLOW, dialect });
}

/** Which protocol step a request is, from its path (and, for the challenge, whether it carries a pdis). */
function endpointOf(url: URL, body: string): string {
  const path = url.pathname;
  if (path.endsWith('/authorize-challenge') || path.endsWith('/interactive-authorization')) {
    if (body.includes('presentation_during_issuance_session=')) return 'challenge with pdis';
    return body.includes('openid4vp_response=') ? 'challenge with openid4vp_response' : 'challenge';
  }
  if (path.includes('/verifier/request/')) return 'request object';
  if (path.includes('/verifier/response/')) return 'presentation';
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A keep-alive fetch that records each request's latency (it resolves once the whole body is in) under its endpoint. */
function timedFetch(latencies: Map<string, number[]>): WalletFetch {
  const inner = keepAliveFetch();
  return async (input, init) => {
    const name = endpointOf(new URL(input), init?.body ?? '');
    const start = performance.now();
    const response = await inner(input, init);
    const list = latencies.get(name) ?? [];
    list.push(performance.now() - start);
    latencies.set(name, list);
    return response;
  };
}

export interface Wallets {
  wallets: ReferenceWallet[];
  endpointLatencies: Map<string, number[]>;
}

/** `count` wallets for `issuerUrl`, each with its own keys and PID, sharing one keep-alive connection pool. */
export async function createWallets(
  issuerUrl: string,
  pidIssuerDir: string,
  count: number,
  urls: string[] = [issuerUrl],
): Promise<Wallets> {
  const pidIssuer = await openDemoPidIssuer(pidIssuerDir, issuerUrl);
  const endpointLatencies = new Map<string, number[]>();
  const fetch = timedFetch(endpointLatencies);
  const wallets = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
      return ReferenceWallet.create({ issuerUrl: urls[i % urls.length]!, fetch, holderKey, pid });
    }),
  );
  return { wallets, endpointLatencies };
}

export interface LoadResult {
  concurrency: number;
  flows: number;
  flowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  endpoints: Record<string, { p50Ms: number; p99Ms: number }>;
}

/** The wallets share `flows` flows of `dialect`, each running one flow after another; failures throw. */
export async function runLoad(
  { wallets, endpointLatencies }: Wallets,
  flows: number,
  dialect: BenchDialect = 'L',
): Promise<LoadResult> {
  endpointLatencies.clear();
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    wallets.map(async (wallet) => {
      while (next < flows) {
        next += 1;
        const start = performance.now();
        await runDialectFlow(wallet, dialect);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = sortedCopy(latencies);
  const endpoints = Object.fromEntries(
    [...endpointLatencies].map(([name, values]) => {
      const ordered = sortedCopy(values);
      return [name, { p50Ms: percentile(ordered, 0.5), p99Ms: percentile(ordered, 0.99) }];
    }),
  );
  return {
    concurrency: wallets.length,
    flows: latencies.length,
    flowsPerSecond: latencies.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    endpoints,
  };
}
