import { headers as natsHeaders, Match, type MsgHdrs } from '@nats-io/nats-core';
import type { ProtocolRequest, ProtocolResponse } from '../../protocol/messages.js';

/**
 * Issue 16 §1: the NATS-native message format, for backends that speak NATS rather than
 * imitate HTTP. A request to `<prefix>.rpc.<operation>` carries the body as it is (a form or
 * JSON, as the endpoint takes it) and, in NATS headers, the resource it is for (`Pdi-Path`,
 * below the public URL), optionally the method (`Pdi-Method`, POST when there is a body,
 * GET otherwise), and the protocol's own headers (`DPoP`, `Authorization`, `Content-Type`).
 * The reply carries the body as it is, the status in `Pdi-Status` and the protocol's headers
 * (`DPoP-Nonce`, `WWW-Authenticate`, `Cache-Control`…) as NATS headers. A DPoP proof's `htu`
 * is still the public URL of the resource (RFC 9449 §4.2): that is what it is by definition.
 * A message with a `Pdi-Path` header is native; one without is the gateway's envelope (wire.ts).
 */
export const PATH_HEADER = 'Pdi-Path';
export const METHOD_HEADER = 'Pdi-Method';
export const STATUS_HEADER = 'Pdi-Status';

/** Headers of the NATS layer and of this format: never handed to the protocol as the client's. */
const RESERVED = /^(?:pdi-|nats-)/i;
const METHOD = /^[A-Z]{1,16}$/;
const PATH = /^\/(?!\/)[\x21-\x7e]{0,2047}$/;
/** As many headers as the envelope allows (wire.ts). */
const MAX_HEADERS = 100;

export function isNativeRequest(headers: MsgHdrs | undefined): headers is MsgHdrs {
  return headers?.has(PATH_HEADER, Match.IgnoreCase) ?? false;
}

/**
 * The protocol request a native message stands for, or why it is none. The URL is the public
 * URL's, with the path below it: a path that leaves it (another origin, `..` above the base)
 * is refused, so a message can never name a resource the issuer does not serve.
 */
export function decodeNativeRequest(
  headers: MsgHdrs,
  body: string,
  publicUrl: URL,
): ProtocolRequest | { refused: string } {
  const path = headers.get(PATH_HEADER, Match.IgnoreCase);
  if (!PATH.test(path)) return { refused: `${PATH_HEADER} must be a path below the public URL` };
  const base = publicUrl.pathname.replace(/\/$/, '');
  const url = new URL(`${publicUrl.origin}${base}${path}`);
  if (url.origin !== publicUrl.origin || !`${url.pathname}/`.startsWith(`${base}/`))
    return { refused: `${PATH_HEADER} must be a path below the public URL` };
  const method = headers.get(METHOD_HEADER, Match.IgnoreCase) || (body === '' ? 'GET' : 'POST');
  if (!METHOD.test(method)) return { refused: `${METHOD_HEADER} must be an HTTP method in capitals` };
  const protocolHeaders = new Headers();
  const names = headers.keys().filter((name) => !RESERVED.test(name));
  if (names.length > MAX_HEADERS) return { refused: `at most ${MAX_HEADERS} headers` };
  try {
    for (const name of names) for (const value of headers.values(name)) protocolHeaders.append(name, value);
  } catch {
    return { refused: 'a header is not a valid HTTP header' };
  }
  return { method, url, headers: protocolHeaders, body };
}

/** A native reply's headers: the protocol's headers, the status, and whatever the service adds. */
export function nativeReplyHeaders(response: ProtocolResponse, reply: MsgHdrs = natsHeaders()): MsgHdrs {
  for (const [name, value] of Object.entries(response.headers)) reply.set(name, value);
  reply.set(STATUS_HEADER, String(response.status));
  return reply;
}
