import { Match, headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import type { WalletFetch, WalletResponse } from '../../wallet/index.js';
import { METHOD_HEADER, PATH_HEADER, STATUS_HEADER } from './native-wire.js';
import { operationOf } from './wire.js';

/**
 * Issue 16 §1: the protocol's HTTP requests sent in the NATS-native format (native-wire.ts)
 * to `<prefix>.rpc.<operation>`, as a NATS-driven backend sends them: for the reference wallet
 * (`WalletFetch`) or any client that thinks in URLs of the public issuer. A URL outside the
 * public URL is refused here, before anything is sent.
 */
export function nativeNatsFetch(
  nc: NatsConnection,
  options: { prefix: string; publicUrl: string; timeoutMs?: number },
): WalletFetch {
  const base = options.publicUrl.replace(/\/$/, '');
  return async (url, init = {}) => {
    if (!url.startsWith(`${base}/`)) throw new Error(`${url} is not below ${base}`);
    const path = url.slice(base.length);
    const request = natsHeaders();
    request.set(PATH_HEADER, path);
    request.set(METHOD_HEADER, init.method ?? 'GET');
    for (const [name, value] of Object.entries(init.headers ?? {})) request.set(name, value);
    const reply = await nc.request(`${options.prefix}.rpc.${operationOf(new URL(url).pathname)}`, init.body ?? '', {
      timeout: options.timeoutMs ?? 10_000,
      headers: request,
    });
    const body = reply.string();
    const answer: WalletResponse = {
      status: Number(reply.headers?.get(STATUS_HEADER)),
      headers: {
        get: (name) => (reply.headers?.has(name, Match.IgnoreCase) ? reply.headers.get(name, Match.IgnoreCase) : null),
      },
      text: async () => body,
    };
    return answer;
  };
}
