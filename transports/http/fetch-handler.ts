import type { ProtocolRequest, ProtocolResponse } from '../../protocol/messages.js';

export type ProtocolHandler = (request: ProtocolRequest) => Promise<ProtocolResponse>;

class BodyTooLarge extends Error {}

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

/**
 * The engine as a Fetch-API handler, `(Request) => Promise<Response>`, to mount in any
 * server (Node, Express, Fastify, Hono, Next.js). `publicUrl` is the issuer's public base
 * URL: requests are routed, and DPoP `htu` checked, against it, whatever host a proxy used.
 */
export function createFetchHandler(handle: ProtocolHandler, options: { publicUrl: string; bodyLimitBytes: number }) {
  const base = new URL(options.publicUrl);
  return async (request: Request): Promise<Response> => {
    const incoming = new URL(request.url);
    const url = new URL(`${incoming.pathname}${incoming.search}`, base.origin);
    let body: string;
    try {
      body = await readBody(request, options.bodyLimitBytes);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLarge;
      return Response.json(
        { error: 'invalid_request', error_description: tooLarge ? `body larger than ${options.bodyLimitBytes} bytes` : 'body could not be read' },
        { status: tooLarge ? 413 : 400, headers: { 'Cache-Control': 'no-store' } },
      );
    }
    const response = await handle({ method: request.method, url, headers: request.headers, body });
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}
