import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { importJWK, type JWK } from 'jose';
import { webCryptoSigner } from '../adapters/keys/web-crypto-signer.js';
import { issueSdJwtVc } from '../protocol/openid4vci/sd-jwt-vc.js';
import { signStatusListToken } from '../protocol/status-list/status-list-token.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/index.js';
import { SetupError } from './discover.js';
import type { PidMinter, PidTrust } from './target.js';

/** A PID source for a run, and what to close after it (the status list the kit serves). */
export interface PidSource {
  mintPid: PidMinter;
  /** Whom the target trusts for these PIDs, so the model trusts the same (model-based fuzzing). */
  pidTrust: PidTrust;
  close: () => Promise<void>;
}

/** How long a minted PID lives: long enough for any run. */
const PID_LIFETIME_SECONDS = 24 * 3600;

/**
 * The demo PID provider of a demo-mode issuer's data directory (`npm start`: ./data), which the
 * issuer trusts through its anchor file; its PIDs carry the status entry the issuer serves.
 */
export async function demoPidSource(dataDir: string, issuerUrl: string): Promise<PidSource> {
  if (!existsSync(join(dataDir, 'demo-pid-provider.json')))
    throw new SetupError(`${dataDir} holds no demo PID provider: start the issuer in demo mode (npm start) first`);
  const provider = await openDemoPidIssuer(dataDir, issuerUrl);
  return {
    mintPid: (holderJwk, now) => provider.issuePid(holderJwk, DEMO_PERSON, now),
    pidTrust: { anchorFile: provider.anchorFile },
    close: async () => undefined,
  };
}

/** A status list of one list, all entries valid (draft-ietf-oauth-status-list §5), on loopback. */
async function serveStatusList(token: (uri: string) => Promise<string>): Promise<{ uri: string; server: Server }> {
  const server = createServer((request, response) => {
    const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${request.url}`;
    if (request.method !== 'GET' || request.url !== '/pid-status/0') return void response.writeHead(404).end();
    token(uri).then(
      (jwt) => response.writeHead(200, { 'Content-Type': 'application/statuslist+jwt' }).end(jwt),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pid-status/0`, server };
}

/** The public half of a private EC JWK, with its `kid`. */
function publicJwkOf({ d: _private, ...jwk }: JWK): JWK {
  return jwk;
}

function readKey(file: string): JWK & { x5c?: string[] } {
  let jwk: JWK & { x5c?: string[] };
  try {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK & { x5c?: string[] };
  } catch (error) {
    throw new SetupError(`--pid-key ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
    throw new SetupError(`--pid-key ${file}: not a private P-256 JWK (ES256)`);
  return jwk;
}

/**
 * PIDs signed with the operator's PID issuer key (a private P-256 JWK; its `kid`, or its chain
 * in `x5c`, names it as the target's trust expects). Unless `withStatus` is false, each PID has a
 * status entry in a list the kit serves on loopback, signed with the same key: a target that
 * requires PID status (our `verifier.pidStatus`) must then reach 127.0.0.1.
 */
export async function keyPidSource(input: {
  keyFile: string;
  issuer: string;
  vct: string;
  withStatus: boolean;
}): Promise<PidSource> {
  const { x5c, ...jwk } = readKey(input.keyFile);
  const key = await importJWK(jwk, 'ES256').catch((error: Error) => {
    throw new SetupError(`--pid-key ${input.keyFile}: ${error.message}`);
  });
  const signer = webCryptoSigner(jwk.kid ?? 'pid-issuer', key as CryptoKey);
  const status = input.withStatus
    ? await serveStatusList((uri) =>
        signStatusListToken({
          statuses: [0],
          uri,
          now: Date.now(),
          validitySeconds: 3600,
          ttlSeconds: 60,
          signer,
          ...(x5c && { x5c }),
        }),
      )
    : undefined;
  return {
    mintPid: (holderJwk, now) =>
      issueSdJwtVc({
        issuer: input.issuer,
        signingKey: signer,
        vct: input.vct,
        claims: DEMO_PERSON,
        disclosable: Object.keys(DEMO_PERSON),
        holderJwk,
        now,
        lifetimeSeconds: PID_LIFETIME_SECONDS,
        ...(x5c && { x5c }),
        ...(status && { status: { status_list: { idx: 0, uri: status.uri } } }),
      }),
    pidTrust: { jwks: { keys: [publicJwkOf(jwk)] } },
    close: async () => {
      if (status) await new Promise((resolve) => status.server.close(resolve));
    },
  };
}
