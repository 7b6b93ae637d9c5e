import { EngineError, InvalidRequest } from '../engine/errors.js';

/**
 * A protocol request as any transport hands it over: what HTTP carried (method, the URL
 * the client used, headers, the raw body, already size-limited). NATS builds the same.
 */
export interface ProtocolRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  /** The peer's network address, when the transport knows it (rate limits per client address, issue 10 §4). */
  remoteAddress?: string;
}

export interface ProtocolResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ProtocolResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers }, body: JSON.stringify(body) };
}

/** The spec's error JSON (`error`, `error_description`, plus members such as auth_session) with the error's status. */
export function errorResponse(error: EngineError, members: Record<string, unknown> = {}, headers: Record<string, string> = {}): ProtocolResponse {
  const wwwAuthenticate: Record<string, string> =
    error.status === 401 && error.code !== 'invalid_client' ? { 'WWW-Authenticate': `DPoP error="${error.code}", algs="ES256"` } : {};
  return jsonResponse(error.status, { ...error.toJSON(), ...members }, { ...wwwAuthenticate, ...headers });
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * A form body: the right content type, and every parameter at most once
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once").
 */
export function readForm(request: ProtocolRequest): Map<string, string> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== FORM) throw new InvalidRequest(`content type must be ${FORM}`, 'RFC 6749 §3.2');
  const form = new URLSearchParams(request.body);
  const params = new Map<string, string>();
  for (const [name, value] of form) {
    if (params.has(name)) throw new InvalidRequest(`parameter ${name} is repeated`, 'RFC 6749 §3.1');
    params.set(name, value);
  }
  return params;
}

/** A JSON object body with the right content type. */
export function readJson(request: ProtocolRequest): unknown {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new InvalidRequest('content type must be application/json', 'OpenID4VCI §8.2');
  try {
    return JSON.parse(request.body);
  } catch {
    throw new InvalidRequest('body is not valid JSON', 'OpenID4VCI §8.2');
  }
}
