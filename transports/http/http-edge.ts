import { basePathOf, publicPath } from '../../protocol/issuer-path.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../../protocol/messages.js';

/** What both HTTP front ends (Fetch API, Node server) hand a request to. */
export type ProtocolHandler = (request: ProtocolRequest) => Promise<ProtocolResponse>;

/** What an HTTP front end needs to know of the issuer: its public URL and the body limit. */
export interface HttpEdgeOptions {
  /** The issuer's public base URL: requests are routed, and DPoP `htu` checked, against it, whatever host a proxy used. */
  publicUrl: string;
  /** Seed rule: bodies above this size are refused (413) without being buffered. */
  bodyLimitBytes: number;
}

export class BodyTooLarge extends Error {}

/**
 * The URL a client used, on the public origin: the path and query of `target` (a request-target
 * or an absolute URL, dot segments resolved) as sent, with the base path of `publicUrl` put back
 * when the host stripped it (`publicPath`).
 */
export function publicRequestUrl(target: string, publicUrl: string): URL {
  const incoming = new URL(target, 'http://localhost');
  // Set on the public URL, not resolved against it: a path such as `//other-host/x` stays a path.
  const url = new URL(new URL(publicUrl).origin);
  url.pathname = publicPath(incoming.pathname, basePathOf(publicUrl));
  url.search = incoming.search;
  return url;
}

/** The answer to a body that could not be read: 413 when over the limit, else 400, as the spec's error JSON. */
export function unreadableBody(error: unknown, limit: number): ProtocolResponse {
  const tooLarge = error instanceof BodyTooLarge;
  return jsonResponse(tooLarge ? 413 : 400, {
    error: 'invalid_request',
    error_description: tooLarge ? `body larger than ${limit} bytes` : 'body could not be read',
  });
}
