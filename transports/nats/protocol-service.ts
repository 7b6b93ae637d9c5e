import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { jsonResponse } from '../../protocol/messages.js';
import type { ProtocolHandler } from '../http/fetch-handler.js';
import { decodeRequest, encodeResponse } from './wire.js';

/**
 * The engine's protocol over NATS request/reply: `<prefix>.rpc.<operation>` for every
 * operation, served in a queue group so load spreads over the instances. Replies carry
 * status, headers and body as HTTP would, and name the instance that answered.
 */
export function serveProtocolOverNats(nc: NatsConnection, handle: ProtocolHandler, options: { prefix: string; queue: string; instance: string }): Subscription {
  return nc.subscribe(`${options.prefix}.rpc.*`, {
    queue: options.queue,
    callback: (error, message) => {
      if (error) return;
      const request = decodeRequest(message.string());
      const answer = request
        ? handle(request)
        : Promise.resolve(jsonResponse(400, { error: 'invalid_request', error_description: 'not a protocol request' }));
      void answer.then((response) => message.respond(encodeResponse({ ...response, headers: { ...response.headers, 'X-Engine-Instance': options.instance } })));
    },
  });
}
