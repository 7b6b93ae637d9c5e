import { DPOP_ALGORITHMS } from './capabilities.js';
import { type EngineError, InvalidRequest } from '../engine/index.js';

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
  /** The refusal this answer carries (its error code and the rule that refused), for the issuer's metrics; never sent. */
  refusal?: Pick<EngineError, 'code' | 'rule'>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };
/** Sent with every response, JSON or not (issue 10 §5): no content sniffing of tokens, credentials or request objects. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = { 'X-Content-Type-Options': 'nosniff' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ProtocolResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** OpenID4VCI 1.0 §10: an encrypted message, a compact JWE, typed `application/jwt`. */
export function jwtResponse(status: number, jwt: string): ProtocolResponse {
  return { status, headers: { 'Content-Type': 'application/jwt', ...NO_STORE, ...SECURITY_HEADERS }, body: jwt };
}

/** Every response leaves with the security headers, whichever handler built it. */
export function withSecurityHeaders(response: ProtocolResponse): ProtocolResponse {
  return { ...response, headers: { ...SECURITY_HEADERS, ...response.headers } };
}

/** RFC 9449 §7.1: the DPoP challenge, with an error code or (RFC 6750 §3.1, no credentials sent) without, and every algorithm accepted. */
export function dpopChallenge(error?: string): string {
  return `DPoP ${error ? `error="${error}", ` : ''}algs="${DPOP_ALGORITHMS.join(' ')}"`;
}

/** The spec's error JSON (`error`, `error_description`, plus members such as auth_session) with the error's status. */
export function errorResponse(
  error: EngineError,
  members: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ProtocolResponse {
  const wwwAuthenticate: Record<string, string> =
    error.status === 401 && error.code !== 'invalid_client' ? { 'WWW-Authenticate': dpopChallenge(error.code) } : {};
  return {
    ...jsonResponse(error.status, { ...error.toJSON(), ...members }, { ...wwwAuthenticate, ...headers }),
    refusal: { code: error.code, rule: error.rule },
  };
}

/**
 * At a protected resource (the credential endpoint), RFC 9449 §7.1 and RFC 6750 §3.1: an unusable
 * access token or DPoP proof is 401 with a DPoP challenge naming the error; every other refusal as usual.
 */
export function resourceErrorResponse(error: EngineError): ProtocolResponse {
  if (error.code !== 'invalid_token' && error.code !== 'invalid_dpop_proof') return errorResponse(error);
  return {
    ...jsonResponse(401, error.toJSON(), { 'WWW-Authenticate': dpopChallenge(error.code) }),
    refusal: { code: error.code, rule: error.rule },
  };
}

/** RFC 6750 §3.1: a request with no credentials at all gets the challenge alone, with no error code or error information. */
export function authenticationRequired(): ProtocolResponse {
  return { status: 401, headers: { ...NO_STORE, ...SECURITY_HEADERS, 'WWW-Authenticate': dpopChallenge() }, body: '' };
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** RFC 9110 §8.3.1: the body's media type, without its parameters, in lower case. */
export function mediaType(request: ProtocolRequest): string | undefined {
  return request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}

/**
 * A form body: the right content type, and every parameter at most once
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once").
 */
export function readForm(request: ProtocolRequest): Map<string, string> {
  if (mediaType(request) !== FORM) throw new InvalidRequest(`content type must be ${FORM}`, 'RFC 6749 §3.2');
  const form = new URLSearchParams(request.body);
  const params = new Map<string, string>();
  for (const [name, value] of form) {
    if (params.has(name)) throw new InvalidRequest(`parameter ${name} is repeated`, 'RFC 6749 §3.1');
    params.set(name, value);
  }
  return params;
}

/** A JSON body with the right content type, parsed; refused with the endpoint's own error class and requirement. */
export function readJson(
  request: ProtocolRequest,
  Refusal: new (description: string, rule: string) => EngineError,
  rule: string,
): unknown {
  if (mediaType(request) !== JSON_TYPE) throw new Refusal(`content type must be ${JSON_TYPE}`, rule);
  try {
    return JSON.parse(request.body);
  } catch {
    throw new Refusal('body is not valid JSON', rule);
  }
}
