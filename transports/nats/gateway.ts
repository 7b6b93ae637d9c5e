import type { NatsConnection } from '@nats-io/nats-core';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../../protocol/messages.js';
import { decodeResponse, encodeRequest, operationOf } from './wire.js';

/**
 * A protocol handler that forwards each request over NATS to whichever engine instance
 * answers first in the queue group: put `createFetchHandler` around it for an HTTP front
 * that knows nothing of the protocol.
 */
export function forwardOverNats(nc: NatsConnection, options: { prefix: string; timeoutMs?: number }) {
  return async (request: ProtocolRequest): Promise<ProtocolResponse> => {
    try {
      const reply = await nc.request(`${options.prefix}.rpc.${operationOf(request.url.pathname)}`, encodeRequest(request), { timeout: options.timeoutMs ?? 10_000 });
      return decodeResponse(reply.string());
    } catch {
      return jsonResponse(503, { error: 'temporarily_unavailable', error_description: 'no engine instance answered' }, { 'Retry-After': '1' });
    }
  };
}
