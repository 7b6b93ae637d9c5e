import type { NatsConnection } from '@nats-io/nats-core';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../../protocol/messages.js';
import { INSTANCE_HEADER } from './protocol-service.js';
import { decodeResponse, encodeRequest, operationOf } from './wire.js';

export interface GatewayOptions {
  prefix: string;
  timeoutMs?: number;
  /** Told which engine instance answered each operation (for logs or metrics; the HTTP client never sees it). */
  onAnswered?: (operation: string, instance: string | undefined) => void;
}

/**
 * A protocol handler that forwards each request over NATS to whichever engine instance
 * answers first in the queue group: put `createFetchHandler` around it for an HTTP front
 * that knows nothing of the protocol.
 */
export function forwardOverNats(nc: NatsConnection, options: GatewayOptions) {
  return async (request: ProtocolRequest): Promise<ProtocolResponse> => {
    const operation = operationOf(request.url.pathname);
    try {
      const reply = await nc.request(`${options.prefix}.rpc.${operation}`, encodeRequest(request), {
        timeout: options.timeoutMs ?? 10_000,
      });
      options.onAnswered?.(operation, reply.headers?.get(INSTANCE_HEADER));
      return decodeResponse(reply.string());
    } catch {
      return jsonResponse(
        503,
        { error: 'temporarily_unavailable', error_description: 'no engine instance answered' },
        { 'Retry-After': '1' },
      );
    }
  };
}
