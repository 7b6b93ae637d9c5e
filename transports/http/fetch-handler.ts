import type { ProtocolResponse } from '../../protocol/messages.js';
import {
  BodyTooLarge,
  publicRequestUrl,
  unreadableBody,
  type HttpEdgeOptions,
  type ProtocolHandler,
} from './http-edge.js';

export type { ProtocolHandler } from './http-edge.js';

/** The body as text, refusing more than `limit` bytes without buffering them all (seed rule: size limit on bodies). */
async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLarge();
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

/** The Fetch API's Response of an answer: no body at all for a 204 or 304, or an empty one (a HEAD answer keeps its GET's length). */
function fetchResponse(response: ProtocolResponse): Response {
  return new Response(response.body === '' ? null : response.body, {
    status: response.status,
    headers: response.headers,
  });
}

/**
 * The engine as a Fetch-API handler, `(Request) => Promise<Response>`, to mount in any
 * server (Hono, Next.js, Deno, Bun, any Fetch-API host). Requests are routed against
 * `publicUrl`, whatever host a proxy used, whether the host stripped the mount path
 * (Hono's `app.mount('/oid4vci', issuer.fetch)`) or not (`app.all('/oid4vci/*', …)`). `remoteAddress` tells the issuer the client's
 * address (the Fetch API has none), for the per-address rate limits.
 */
export function createFetchHandler(
  handle: ProtocolHandler,
  options: HttpEdgeOptions & { remoteAddress?: (request: Request) => string | undefined },
) {
  return async (request: Request): Promise<Response> => {
    let body: string;
    try {
      body = await readBody(request, options.bodyLimitBytes);
    } catch (error) {
      const refusal = unreadableBody(error, options.bodyLimitBytes);
      return fetchResponse(refusal);
    }
    const remoteAddress = options.remoteAddress?.(request);
    const response = await handle({
      method: request.method,
      url: publicRequestUrl(request.url, options.publicUrl),
      headers: request.headers,
      body,
      ...(remoteAddress !== undefined && { remoteAddress }),
    });
    return fetchResponse(response);
  };
}
