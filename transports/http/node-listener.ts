import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonResponse, type ProtocolResponse } from '../../protocol/messages.js';
import {
  BodyTooLarge,
  publicRequestUrl,
  unreadableBody,
  type HttpEdgeOptions,
  type ProtocolHandler,
} from './http-edge.js';
import { rebuiltBody } from './parsed-body.js';

const UNREADABLE = jsonResponse(400, { error: 'invalid_request', error_description: 'the request could not be read' });

/**
 * A Node request as the hosts hand it over: Node's own, or Express's (the same object, with
 * `originalUrl`, the URL before a mount path was stripped, and `body` when a parser consumed the stream).
 */
export type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

export interface NodeListenerOptions {
  /** The client's address, for the per-address rate limits: the socket's by default (behind a proxy, e.g. Express's `req.ip`). */
  remoteAddress?: (req: NodeRequest) => string | undefined;
}

/** The body as text, refusing more than `limit` bytes without buffering them (seed rule: size limit on bodies). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? '0') > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else reject(new BodyTooLarge());
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** The body from the stream or, when a host's parser already read the stream, from what it parsed. */
async function bodyOf(req: NodeRequest, limit: number): Promise<string> {
  return req.readableEnded ? rebuiltBody(req, limit) : readBody(req, limit);
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** RFC 9110 §8.6: the body's length (a HEAD answer brings its GET's), and none on a 204 or 304. */
function send(res: ServerResponse, response: ProtocolResponse): void {
  const body = Buffer.from(response.body, 'utf8');
  const length =
    response.status === 204 || response.status === 304
      ? {}
      : { 'Content-Length': response.headers['Content-Length'] ?? String(body.length) };
  res.writeHead(response.status, { ...response.headers, ...length });
  res.end(body);
}

/** Serves one Node request with a protocol handler: the body read within the limit, the URL mapped onto the public URL. */
export function nodeRequestServer(
  handle: ProtocolHandler,
  options: HttpEdgeOptions,
): (req: NodeRequest, res: ServerResponse, remoteAddress: string | undefined) => void {
  return (req, res, remoteAddress) => {
    bodyOf(req, options.bodyLimitBytes)
      .then(
        (body) =>
          handle({
            method: req.method ?? 'GET',
            url: publicRequestUrl(req.originalUrl ?? req.url ?? '/', options.publicUrl),
            headers: headersOf(req),
            body,
            ...(remoteAddress !== undefined && { remoteAddress }),
          }),
        (error: unknown) => {
          // The rest of an oversized body is not read: close the connection after answering.
          if (!req.readableEnded) res.setHeader('Connection', 'close');
          return unreadableBody(error, options.bodyLimitBytes);
        },
      )
      .catch(() => UNREADABLE)
      .then((response) => send(res, response));
  };
}

/** A Node request listener around a protocol handler, the client's address the socket's unless `remoteAddress` says otherwise. */
export function createNodeListener(
  handle: ProtocolHandler,
  options: HttpEdgeOptions & NodeListenerOptions,
): (req: NodeRequest, res: ServerResponse) => void {
  const serve = nodeRequestServer(handle, options);
  const remoteAddressOf = options.remoteAddress ?? ((req: NodeRequest) => req.socket.remoteAddress);
  return (req, res) => serve(req, res, remoteAddressOf(req));
}

/** What a Node host needs of an issuer: its handler and the public URL and body limit it is served under. */
export interface HttpServable {
  handle: ProtocolHandler;
  http: HttpEdgeOptions;
}

/**
 * The issuer as a Node request listener, for `http.createServer(nodeListener(issuer))` or Express
 * (`app.use('/oid4vci', nodeListener(issuer))`: Express's req and res are Node's). The URL is taken
 * before any mount path was stripped (`originalUrl`), and a body that a parser registered first
 * already read (`express.json()`, `express.urlencoded()`) is rebuilt from `req.body`.
 */
export function nodeListener(issuer: HttpServable, options: NodeListenerOptions = {}) {
  return createNodeListener(issuer.handle, { ...issuer.http, ...options });
}
