import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { InvalidRequest } from '../../engine/index.js';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { RESPONSE_ENCRYPTION } from '../capabilities.js';
import type { ResponseMode } from './request-object.js';

export type AuthorizationResponse =
  | { kind: 'presentation'; state: string | undefined; presentations: Record<string, string[]> }
  | { kind: 'error'; state: string | undefined; error: string; errorDescription?: string };

/** The parameters this parser reads; any other form parameter is ignored (RFC 6749 §3.1). */
const FIELDS = ['response', 'vp_token', 'state', 'error', 'error_description'] as const;
type Fields = Partial<Record<(typeof FIELDS)[number], string>>;

const MAX_PARAMETERS = 16;
/** Room for an SD-JWT VC with its disclosures, issuer x5c chain and KB-JWT, encrypted and base64url-encoded. */
const MAX_VALUE = 262_144;
const MAX_PRESENTATIONS_PER_QUERY = 16;

const Presentations = z.array(z.string().min(1).max(MAX_VALUE)).min(1).max(MAX_PRESENTATIONS_PER_QUERY);
const Payload = z.object({
  vp_token: z.unknown().optional(),
  state: z.string().min(1).max(512).optional(),
  // RFC 6749 §4.1.2.1: an error code is printable ASCII without '"' and '\'.
  error: z
    .string()
    .regex(/^[\x20\x21\x23-\x5B\x5D-\x7E]{1,256}$/)
    .optional(),
  error_description: z.string().max(1024).optional(),
});

function fail(description: string): never {
  throw new InvalidRequest(description, 'OpenID4VP §8.2');
}

/** Each parameter the parser reads, present at most once and of bounded size. */
function singleValued(form: URLSearchParams): Fields {
  if ([...form.keys()].length > MAX_PARAMETERS) fail('too many parameters');
  const fields: Fields = {};
  for (const name of FIELDS) {
    const values = form.getAll(name);
    // RFC 6749 §3.1: a parameter must not be included more than once.
    if (values.length > 1) fail(`parameter ${name} is repeated`);
    if (values[0] === undefined) continue;
    if (values[0].length > MAX_VALUE) fail(`parameter ${name} is too large`);
    fields[name] = values[0];
  }
  return fields;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail(`${what} is not JSON`);
  }
}

/** OpenID4VP §8.1: vp_token maps each DCQL credential query id to its presentations. */
function presentationsOf(vpToken: unknown, expectedQueryIds: string[]): Record<string, string[]> {
  // direct_post carries vp_token as a JSON string; inside a direct_post.jwt payload 1.0 makes it an object, older wallets a string.
  const json = typeof vpToken === 'string' ? parseJson(vpToken, 'vp_token') : vpToken;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail('vp_token must be a JSON object keyed by query id');
  // Own keys of the parsed JSON, so a "__proto__" member is checked like any other.
  const entries = Object.entries(json);
  if (entries.length === 0) fail('vp_token holds no presentation');
  return Object.fromEntries(
    entries.map(([queryId, value]) => {
      // OpenID4VP §8.1: only the credential queries of the request may be answered.
      if (!expectedQueryIds.includes(queryId)) fail('vp_token answers a query that was not asked');
      const presentations = Presentations.safeParse(value);
      if (!presentations.success) fail(`vp_token.${queryId} must be a non-empty array of presentation strings`);
      return [queryId, presentations.data];
    }),
  );
}

function interpret(payload: unknown, expectedQueryIds: string[]): AuthorizationResponse {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.map(String).join('.');
    fail(
      path ? `malformed authorization response parameter ${path}` : 'the authorization response is not a JSON object',
    );
  }
  const { vp_token: vpToken, state, error, error_description: errorDescription } = parsed.data;
  if (error !== undefined && vpToken !== undefined)
    fail('an authorization response carries either vp_token or error, not both');
  if (error !== undefined)
    return { kind: 'error', state, error, ...(errorDescription !== undefined && { errorDescription }) };
  if (vpToken === undefined) fail('neither vp_token nor error was sent');
  return { kind: 'presentation', state, presentations: presentationsOf(vpToken, expectedQueryIds) };
}

/** OpenID4VP §8.3: the JWE encrypted to this request's ECDH-ES key (HAIP §5.1: A128GCM or A256GCM). */
async function decrypt(jwe: string, keys: IssuerKeys, requestId: string): Promise<unknown> {
  // RFC 7516 §4.1.3: no compression. Neither OpenID4VP nor HAIP uses it, and inflating an attacker's payload is a decompression bomb.
  let zip: unknown;
  try {
    ({ zip } = decodeProtectedHeader(jwe));
  } catch {
    fail('the encrypted response is not a JWE');
  }
  if (zip !== undefined)
    throw new InvalidRequest('a compressed (zip) response is not accepted', 'RFC 7516 §4.1.3; HAIP §5.1');
  let plaintext: Uint8Array;
  try {
    plaintext = await keys.decryptResponse(jwe, requestId, {
      keyManagementAlgorithms: [...RESPONSE_ENCRYPTION.algorithms],
      contentEncryptionAlgorithms: [...RESPONSE_ENCRYPTION.encodings],
    });
  } catch {
    fail("the encrypted response cannot be decrypted with this request's key");
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    fail('the decrypted response is not UTF-8');
  }
  return parseJson(text, 'the decrypted response');
}

/**
 * What a wallet posted to the response_uri (OpenID4VP §8.2, §8.3): `vp_token` and `state`
 * (direct_post), a single `response` JWE encrypted to this request's key (direct_post.jwt), or a
 * wallet error. Given the `responseMode` of the request, the other mode is refused, except a plain
 * error, which a wallet unable to encrypt may send. Anything malformed is an InvalidRequest.
 */
export async function parseAuthorizationResponse(
  form: URLSearchParams,
  options: { keys: IssuerKeys; requestId: string; expectedQueryIds: string[]; responseMode?: ResponseMode },
): Promise<AuthorizationResponse> {
  const { response, ...plain } = singleValued(form);
  if (response === undefined) {
    // HAIP §5.1, OpenID4VP §8.3: a request for an encrypted response is not answered in the clear.
    if (options.responseMode === 'direct_post.jwt' && plain.error === undefined)
      fail('this request requires an encrypted response (direct_post.jwt)');
    return interpret(plain, options.expectedQueryIds);
  }
  if (options.responseMode === 'direct_post') fail('this request did not ask for an encrypted response');
  // OpenID4VP §8.3: with direct_post.jwt every response parameter is inside the JWE.
  if (Object.keys(plain).length > 0) fail('an encrypted response must be the only response parameter');
  return interpret(await decrypt(response, options.keys, options.requestId), options.expectedQueryIds);
}
