import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../../protocol/messages.js';
import { BodyTooLarge, unreadableBody, type ProtocolHandler } from '../http/http-edge.js';
import { type EndpointStats, serveDiscovery } from './service-discovery.js';
import { decodeNativeRequest, isNativeRequest, nativeReplyHeaders } from './native-wire.js';
import { decodeRequest, ENVELOPE_SCHEMAS, encodeResponse, OPERATIONS, pathsOf } from './wire.js';

/** The NATS reply header naming the engine instance that answered (for the gateway's logs and metrics, never for HTTP clients). */
export const INSTANCE_HEADER = 'Pdi-Engine-Instance';

/** Room for the envelope around a body (method, URL, headers) on top of the body limit. */
const ENVELOPE_BYTES = 16 * 1024;

const refused = (description: string) =>
  jsonResponse(400, { error: 'invalid_request', error_description: description });
const NOT_A_REQUEST = refused('not a protocol request');

/** The request a message carries, in the native format (native-wire.ts) or the gateway's envelope (wire.ts). */
function requestOf(message: Msg, publicUrl: URL): ProtocolRequest | ProtocolResponse {
  if (!isNativeRequest(message.headers)) return decodeRequest(message.string()) ?? NOT_A_REQUEST;
  const request = decodeNativeRequest(message.headers, message.string(), publicUrl);
  return 'refused' in request ? refused(request.refused) : request;
}

export interface NatsProtocolService {
  subscription: Subscription;
  /** Stop taking requests and answer those already taken (shutdown loses nothing). */
  close: () => Promise<void>;
}

/** Issue 16 §1: an endpoint's message formats, as its INFO metadata (ADR-32 metadata values are strings). */
function endpointMetadata(operation: (typeof OPERATIONS)[number]): Record<string, string> {
  return {
    request_schema: ENVELOPE_SCHEMAS.request,
    response_schema: ENVELOPE_SCHEMAS.response,
    native_paths: pathsOf(operation),
    native_format:
      'the body as is; Pdi-Path (required), Pdi-Method and the protocol headers (DPoP, Authorization, Content-Type) as NATS headers; the reply: the body as is, Pdi-Status and the protocol headers (docs/nats.md)',
  };
}

/** ADR-32: an error reply says so in its headers too, so NATS tools see it without reading the body. */
function replyHeaders(instance: string, response: ProtocolResponse) {
  const reply = headers();
  reply.set(INSTANCE_HEADER, instance);
  if (response.status >= 400) {
    reply.set('Nats-Service-Error', response.refusal?.code ?? `HTTP ${response.status}`);
    reply.set('Nats-Service-Error-Code', String(response.status));
  }
  return reply;
}

/**
 * The engine's protocol over NATS request/reply: `<prefix>.rpc.<operation>` for every
 * operation, served in a queue group so load spreads over the instances. Replies carry
 * status, headers and body as HTTP would; the body limit applies as on HTTP (413). Issue 16 §1:
 * it is a NATS micro service (`$SRV.PING|INFO|STATS`, one endpoint per operation with its counters).
 */
export function serveProtocolOverNats(
  nc: NatsConnection,
  handle: ProtocolHandler,
  options: {
    prefix: string;
    queue: string;
    instance: string;
    bodyLimitBytes: number;
    /** The issuer's public URL: a native request's `Pdi-Path` is below it. */
    publicUrl: string;
    version?: string;
  },
): NatsProtocolService {
  const publicUrl = new URL(options.publicUrl);
  const tooLarge = Promise.resolve(unreadableBody(new BodyTooLarge(), options.bodyLimitBytes));
  // Seed rule (size limit on bodies), as on HTTP: an oversized message is not even parsed.
  const answerTo = (message: Msg): Promise<ProtocolResponse> => {
    if (message.data.length > options.bodyLimitBytes + ENVELOPE_BYTES) return tooLarge;
    const request = requestOf(message, publicUrl);
    if ('status' in request) return Promise.resolve(request);
    return Buffer.byteLength(request.body) > options.bodyLimitBytes ? tooLarge : handle(request);
  };
  const root = `${options.prefix}.rpc.`;
  const stats = new Map<string, EndpointStats>(
    OPERATIONS.map((name) => [
      name,
      {
        name,
        subject: `${root}${name}`,
        queue_group: options.queue,
        num_requests: 0,
        num_errors: 0,
        last_error: '',
        processing_time: 0,
        average_processing_time: 0,
      },
    ]),
  );
  const count = (subject: string, response: ProtocolResponse, nanoseconds: number) => {
    const endpoint = stats.get(subject.slice(root.length)) ?? stats.get('other')!;
    endpoint.num_requests += 1;
    endpoint.processing_time += nanoseconds;
    endpoint.average_processing_time = Math.round(endpoint.processing_time / endpoint.num_requests);
    if (response.status >= 400) {
      endpoint.num_errors += 1;
      endpoint.last_error = `${response.status} ${response.refusal?.code ?? ''}`.trim();
    }
  };
  const inFlight = new Set<Promise<unknown>>();
  const subscription = nc.subscribe(`${root}*`, {
    queue: options.queue,
    callback: (error, message) => {
      if (error) return;
      const start = process.hrtime.bigint();
      const native = isNativeRequest(message.headers);
      const answered = answerTo(message).then((response) => {
        count(message.subject, response, Number(process.hrtime.bigint() - start));
        const reply = replyHeaders(options.instance, response);
        if (native) message.respond(response.body, { headers: nativeReplyHeaders(response, reply) });
        else message.respond(encodeResponse(response), { headers: reply });
      });
      inFlight.add(answered);
      void answered.finally(() => inFlight.delete(answered));
    },
  });
  const discovery = serveDiscovery(nc, {
    id: options.instance,
    version: options.version ?? '0.0.0',
    description: 'Presentation during Issuance: an OpenID4VCI issuer over NATS request/reply (docs/nats.md)',
    endpoints: () => [...stats.values()].map((endpoint) => ({ ...endpoint })),
    endpointMetadata: (name) => endpointMetadata(name as (typeof OPERATIONS)[number]),
  });
  return {
    subscription,
    close: async () => {
      await discovery.close();
      await subscription.drain();
      await Promise.allSettled([...inFlight]);
    },
  };
}
