import { compactDecrypt } from 'jose';
import { z } from 'zod';
import { InvalidRequest } from '../../engine/errors.js';
import type { KeyRing } from '../jose/keyring.js';

export type AuthorizationResponse =
  | { kind: 'presentation'; state: string | undefined; presentations: Record<string, string[]> }
  | { kind: 'error'; state: string | undefined; error: string; errorDescription?: string };

const MAX_VALUE = 65_536;
const VpToken = z.record(z.string(), z.array(z.string().min(1).max(MAX_VALUE)).min(1).max(8));
const Payload = z.object({
  vp_token: z.union([z.string(), VpToken]).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
});

function fail(description: string): never {
  throw new InvalidRequest(description, 'OpenID4VP §8.2');
}

function vpTokenOf(raw: string | Record<string, string[]>, expectedQueryIds: string[]): Record<string, string[]> {
  let json: unknown = raw;
  if (typeof raw === 'string') {
    try {
      json = JSON.parse(raw);
    } catch {
      fail('vp_token is not JSON');
    }
  }
  const parsed = VpToken.safeParse(json);
  if (!parsed.success) fail('vp_token must map query ids to presentations');
  if (Object.keys(parsed.data).some((id) => !expectedQueryIds.includes(id))) fail('vp_token answers a query that was not asked');
  return parsed.data;
}

function interpret(fields: z.infer<typeof Payload>, expectedQueryIds: string[]): AuthorizationResponse {
  if (fields.error !== undefined)
    return { kind: 'error', state: fields.state, error: fields.error, ...(fields.error_description !== undefined && { errorDescription: fields.error_description }) };
  if (fields.vp_token === undefined) fail('neither vp_token nor error was sent');
  return { kind: 'presentation', state: fields.state, presentations: vpTokenOf(fields.vp_token, expectedQueryIds) };
}

/**
 * What the wallet posted to the response_uri (OpenID4VP §8.2, §8.3): vp_token and state
 * (direct_post), one JWE `response` encrypted to this request's key (direct_post.jwt), or
 * an error. Anything malformed is invalid_request.
 */
export async function parseAuthorizationResponse(
  form: URLSearchParams,
  options: { keyRing: KeyRing; requestId: string; expectedQueryIds: string[] },
): Promise<AuthorizationResponse> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form) {
    if (name in fields) fail(`parameter ${name} is repeated`);
    if (value.length > MAX_VALUE) fail(`parameter ${name} is too large`);
    fields[name] = value;
  }
  if (fields.response === undefined) {
    const parsed = Payload.safeParse(fields);
    if (!parsed.success) fail('malformed authorization response');
    return interpret(parsed.data, options.expectedQueryIds);
  }
  let plaintext: Uint8Array;
  try {
    const { privateKey } = await options.keyRing.responseEncryptionKey(options.requestId);
    ({ plaintext } = await compactDecrypt(fields.response, privateKey, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A128GCM', 'A256GCM'] }));
  } catch {
    fail('the encrypted response cannot be decrypted with this request\'s key');
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(plaintext));
  } catch {
    fail('the decrypted response is not JSON');
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) fail('malformed encrypted authorization response');
  return interpret(parsed.data, options.expectedQueryIds);
}
