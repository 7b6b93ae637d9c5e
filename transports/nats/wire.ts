import { z } from 'zod';
import type { ProtocolRequest, ProtocolResponse } from '../../protocol/messages.js';

/** A protocol request as it travels over NATS: what HTTP carried, so a gateway can forward blindly. */
const WireRequest = z.object({
  method: z.string().max(16),
  url: z.url(),
  headers: z.array(z.tuple([z.string(), z.string()])).max(100),
  body: z.string(),
  /** The HTTP client's address as the gateway saw it (rate limits, admin throttling); only gateways may publish here (docs/nats.md). */
  remoteAddress: z.string().max(64).optional(),
});
const WireResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});

/**
 * Issue 16 §1: what every endpoint of the NATS service takes and answers in the envelope, as
 * JSON Schema (its INFO lists them); the native format (native-wire.ts) is described beside them.
 */
export const ENVELOPE_SCHEMAS = {
  request: JSON.stringify(z.toJSONSchema(WireRequest)),
  response: JSON.stringify(z.toJSONSchema(WireResponse)),
};

/** The first path segments that are an operation of their own (the rest of the path is below it). */
const NAMED = [
  'authorize-challenge',
  'iae',
  'token',
  'nonce',
  'credential',
  'offers',
  'status',
  'authorize',
  'par',
  'browser',
  'admin',
];

/** Every operation, each a request subject `<prefix>.rpc.<operation>` (and an endpoint of the NATS service). */
export const OPERATIONS = ['metadata', 'request-object', 'wallet-response', ...NAMED, 'other'] as const;

/** The paths an operation serves (below the public URL), as a native request's `Pdi-Path` names them. */
export function pathsOf(operation: (typeof OPERATIONS)[number]): string {
  if (operation === 'metadata') return '/.well-known/…';
  if (operation === 'request-object') return '/verifier/…';
  if (operation === 'wallet-response') return '/verifier/response/…';
  if (operation === 'other') return 'any other path';
  return `/${operation}, /${operation}/…`;
}

/** The operation a path stands for, which names the request subject `<prefix>.rpc.<operation>`. */
export function operationOf(pathname: string): string {
  const segments = pathname.split('/').filter(Boolean);
  if (segments[0] === '.well-known' || segments[1] === '.well-known') return 'metadata';
  if (segments[0] === 'verifier') return segments[1] === 'response' ? 'wallet-response' : 'request-object';
  return NAMED.includes(segments[0] ?? '') ? segments[0]! : 'other';
}

export function encodeRequest(request: ProtocolRequest): string {
  return JSON.stringify({
    method: request.method,
    url: request.url.href,
    headers: [...request.headers],
    body: request.body,
    remoteAddress: request.remoteAddress,
  });
}

export function decodeRequest(data: string): ProtocolRequest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = WireRequest.safeParse(json);
  if (!parsed.success) return undefined;
  const { method, url, headers, body, remoteAddress } = parsed.data;
  return {
    method,
    url: new URL(url),
    headers: new Headers(headers),
    body,
    ...(remoteAddress !== undefined && { remoteAddress }),
  };
}

export function encodeResponse({ status, headers, body }: ProtocolResponse): string {
  return JSON.stringify({ status, headers, body });
}

export function decodeResponse(data: string): ProtocolResponse {
  return WireResponse.parse(JSON.parse(data));
}
