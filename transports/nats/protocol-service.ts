import { headers, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { jsonResponse, type ProtocolResponse } from '../../protocol/messages.js';
import { BodyTooLarge, unreadableBody, type ProtocolHandler } from '../http/http-edge.js';
import { decodeRequest, encodeResponse } from './wire.js';

/** The NATS reply header naming the engine instance that answered (for the gateway's logs and metrics, never for HTTP clients). */
export const INSTANCE_HEADER = 'Pdi-Engine-Instance';

/** Room for the envelope around a body (method, URL, headers) on top of the body limit. */
const ENVELOPE_BYTES = 16 * 1024;

const NOT_A_REQUEST = jsonResponse(400, { error: 'invalid_request', error_description: 'not a protocol request' });

export interface NatsProtocolService {
  subscription: Subscription;
  /** Stop taking requests and answer those already taken (shutdown loses nothing). */
  close: () => Promise<void>;
}

/**
 * The engine's protocol over NATS request/reply: `<prefix>.rpc.<operation>` for every
 * operation, served in a queue group so load spreads over the instances. Replies carry
 * status, headers and body as HTTP would; the body limit applies as on HTTP (413).
 */
export function serveProtocolOverNats(
  nc: NatsConnection,
  handle: ProtocolHandler,
  options: { prefix: string; queue: string; instance: string; bodyLimitBytes: number },
): NatsProtocolService {
  const tooLarge = Promise.resolve(unreadableBody(new BodyTooLarge(), options.bodyLimitBytes));
  // Seed rule (size limit on bodies), as on HTTP: an oversized message is not even parsed.
  const answerTo = (data: Uint8Array, text: () => string): Promise<ProtocolResponse> => {
    if (data.length > options.bodyLimitBytes + ENVELOPE_BYTES) return tooLarge;
    const request = decodeRequest(text());
    if (!request) return Promise.resolve(NOT_A_REQUEST);
    return Buffer.byteLength(request.body) > options.bodyLimitBytes ? tooLarge : handle(request);
  };
  const replyHeaders = headers();
  replyHeaders.set(INSTANCE_HEADER, options.instance);
  const inFlight = new Set<Promise<unknown>>();
  const subscription = nc.subscribe(`${options.prefix}.rpc.*`, {
    queue: options.queue,
    callback: (error, message) => {
      if (error) return;
      const answered = answerTo(message.data, message.string.bind(message)).then((response) =>
        message.respond(encodeResponse(response), { headers: replyHeaders }),
      );
      inFlight.add(answered);
      void answered.finally(() => inFlight.delete(answered));
    },
  });
  return {
    subscription,
    close: async () => {
      await subscription.drain();
      await Promise.allSettled([...inFlight]);
    },
  };
}
