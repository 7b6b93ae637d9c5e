import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { NatsSettings } from '../../config/schema.js';

/** The inbox prefix of the gateway's requests: the permission layout lets only the gateway user read it (docs/nats.md). */
export const GATEWAY_INBOX_PREFIX = '_INBOX_pdi_gateway';

export class NatsUnreachable extends Error {}

/** A secret file's bytes; a creds file is parsed by its framing lines (the last newline included), so only a bare seed is trimmed. */
function secretFile(path: string, what: string, trim: boolean): Uint8Array {
  try {
    const text = readFileSync(path, 'utf8');
    return new TextEncoder().encode(trim ? text.trim() : text);
  } catch (error) {
    throw new NatsUnreachable(
      `${path}: cannot read the NATS ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Connection options for the configured credentials and TLS (rule 3: authenticated unless explicitly allowed otherwise). */
export function connectionOptions(nats: NatsSettings, name: string): ConnectionOptions {
  return {
    servers: nats.url.split(',').map((url) => url.trim()),
    name,
    // One attempt waits at most 5 s (the client's default is 20 s), so the start-up deadline holds.
    timeout: Math.min(5000, nats.connectTimeoutSeconds * 1000),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(nats.user !== undefined && { user: nats.user, pass: nats.pass }),
    ...(nats.token !== undefined && { token: nats.token }),
    ...(nats.nkeySeedFile !== undefined && {
      authenticator: nkeyAuthenticator(secretFile(nats.nkeySeedFile, 'NKey seed', true)),
    }),
    ...(nats.credsFile !== undefined && {
      authenticator: credsAuthenticator(secretFile(nats.credsFile, 'creds file', false)),
    }),
    ...(nats.tls && {
      tls: {
        caFile: nats.tls.caFile,
        ...(nats.tls.certFile && { certFile: nats.tls.certFile, keyFile: nats.tls.keyFile }),
      },
    }),
  };
}

function unauthenticated(nats: NatsSettings): boolean {
  return [nats.user, nats.token, nats.nkeySeedFile, nats.credsFile, nats.tls?.certFile].every((x) => x === undefined);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connect, retrying an unreachable server with exponential backoff (250 ms doubling up to
 * 5 s) for `connectTimeoutSeconds`, then failing with one line. A refused authentication
 * or a TLS failure (certificate, handshake) fails at once: retrying cannot fix it.
 */
export async function connectToNats(
  nats: NatsSettings,
  name: string,
  warn: (line: string) => void = console.error,
  extra: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  if (unauthenticated(nats))
    warn(
      `WARNING: ${name} connects to NATS without credentials (allowUnauthenticated): anyone who reaches ${nats.url} can read and forge its messages`,
    );
  const options = { ...connectionOptions(nats, name), ...extra };
  const deadline = Date.now() + nats.connectTimeoutSeconds * 1000;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await connect(options);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (/authoriz|authenticat|permission/i.test(reason))
        throw new NatsUnreachable(`NATS ${nats.url} refused ${name}'s credentials: ${reason}`);
      if (/certificate|tls|ssl|handshake/i.test(reason))
        throw new NatsUnreachable(`NATS ${nats.url}: TLS failed for ${name}: ${reason}`);
      if (Date.now() + wait > deadline)
        throw new NatsUnreachable(`NATS ${nats.url} unreachable for ${nats.connectTimeoutSeconds} s: ${reason}`);
      await sleep(wait);
    }
  }
}
