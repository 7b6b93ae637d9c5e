import type { ConfigInput } from '../../config/schema.js';
import { startCluster } from '../../testing/cluster.js';
import { startIssuer } from '../../testing/issuer-server.js';
import { DEMO_PERSON, type DemoPidIssuer, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';
import type { Sent } from './wallet-callbacks.js';

/** An issuer the independent clients talk to: its URL, the PID provider it trusts, and how to stop it. */
export interface InteropServer {
  url: string;
  pidIssuer: DemoPidIssuer;
  stop: () => Promise<void>;
}

/** Issue 13, "done when": the independent clients run against SQLite and against JetStream behind the NATS transport. */
export const INTEROP_BACKENDS: Record<string, (config?: Partial<ConfigInput>) => Promise<InteropServer>> = {
  SQLite: async (config) => {
    const server = await startIssuer(config);
    return { url: server.url, pidIssuer: server.pidIssuer, stop: () => server.stop() };
  },
  'JetStream behind the NATS transport': async (config) => {
    const cluster = await startCluster(2, 10_000, config);
    return {
      url: cluster.publicUrl,
      pidIssuer: await openDemoPidIssuer(cluster.dataDir, cluster.publicUrl),
      stop: () => cluster.stop(),
    };
  },
};

/** A wallet app's own part: its DPoP and holder keys, a fresh PID from the server's provider (presented by `present`), and the record of what the library sends. */
export async function interopWallet(server: InteropServer) {
  const [dpopKey, holderKey] = [await generateWalletKey(), await generateWalletKey()];
  const pid = await server.pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
  /** The key-binding JWT the library leaves to the app (protocol-ia.md §8.2), over the PID's requested claims. */
  const present = (nonce: string, audience: string) =>
    presentSdJwtVc(pid, holderKey, {
      nonce,
      audience,
      claims: ['given_name', 'family_name', 'birthdate'],
      now: Date.now(),
    });
  return { dpopKey, holderKey, present, sent: [] as Sent[] };
}
