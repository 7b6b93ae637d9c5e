/**
 * An embedder's program, compiled by the embedder's strict tsc against the installed package's
 * .d.ts and then run with node: `node embedder.js <data directory>`. It creates the issuer on
 * the SQLite preset with its own logger and asks it for its metadata over the Fetch API.
 */
import {
  type ConfigInput,
  createIssuer,
  DEMO_CREDENTIALS,
  type LogFields,
  type Logger,
  sqlitePreset,
} from 'pdi-engine';
import type { SessionEvent } from 'pdi-engine/engine';
import { ReferenceWallet } from 'pdi-engine/wallet';
import { describeEventStoreContract } from 'pdi-engine/testing';

class CollectingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string, fields?: LogFields): void {
    this.lines.push(`info ${message} ${JSON.stringify(fields ?? {})}`);
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push(`warn ${message} ${JSON.stringify(fields ?? {})}`);
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push(`error ${message} ${JSON.stringify(fields ?? {})}`);
  }
}

const publicUrl = 'http://127.0.0.1:8080/embedded';
const config: ConfigInput = {
  publicUrl,
  dataDir: process.argv[2] ?? './data',
  credentialConfigurations: DEMO_CREDENTIALS,
};
const accepted: SessionEvent['type'][] = [];
const issuer = createIssuer({
  config,
  ...(await sqlitePreset(config)),
  logger: new CollectingLogger(),
  onAccepted: (event) => accepted.push(event.type),
});
const response: Response = await issuer.fetch(
  new Request('http://127.0.0.1:8080/.well-known/openid-credential-issuer/embedded'),
);
const metadata = (await response.json()) as { credential_issuer?: string };
await issuer.stop();
console.log(
  JSON.stringify({
    status: response.status,
    credentialIssuer: metadata.credential_issuer,
    walletApi: typeof ReferenceWallet.create,
    contractApi: typeof describeEventStoreContract,
  }),
);
