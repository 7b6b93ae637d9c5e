import { z } from 'zod';
import type { CredentialConfiguration } from '../../config/schema.js';
import {
  InvalidCredentialRequest,
  InvalidToken,
  UnknownCredentialConfiguration,
  UnknownCredentialIdentifier,
} from '../../engine/index.js';
import { sessionOfHandle } from '../handles.js';
import { readJson, type ProtocolRequest } from '../messages.js';

/** A compact JWT; room for a `key_attestation` header (App. F.1) within the body limit. */
const Jwt = z.string().min(1).max(16_384);

const CredentialRequest = z
  .object({
    credential_configuration_id: z.string().min(1).max(256).optional(),
    credential_identifier: z.string().min(1).max(256).optional(),
    // §8.2: exactly one proof type; App. F.3: the attestation proof type carries exactly one JWT.
    proofs: z.union([
      z.strictObject({ jwt: z.array(Jwt).min(1).max(16) }),
      z.strictObject({ attestation: z.tuple([Jwt]) }),
    ]),
    /** §8.2: checked by `response-encryption.ts` (its refusals are invalid_encryption_parameters). */
    credential_response_encryption: z.unknown().optional(),
  })
  .refine((r) => (r.credential_configuration_id === undefined) !== (r.credential_identifier === undefined), {
    message: 'exactly one of credential_configuration_id and credential_identifier',
  });
export type CredentialRequest = z.infer<typeof CredentialRequest>;

/**
 * RFC 9449 §7.1: `Authorization: DPoP <token>`; a DPoP-bound token is never accepted as a
 * bearer token. The token is a handle naming its session (RFC 6750 §3.1: else unknown).
 */
export function readAccessToken(request: ProtocolRequest): { token: string; sessionId: string } {
  const match = /^DPoP ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.get('authorization') ?? '');
  if (!match) throw new InvalidToken('a DPoP access token is required', 'RFC 9449 §7.1');
  const token = match[1]!;
  const sessionId = sessionOfHandle(token);
  if (!sessionId) throw new InvalidToken('unknown access token', 'RFC 6750 §3.1');
  return { token, sessionId };
}

/** OpenID4VCI §8.2: a plain JSON credential request's body. */
export function readCredentialRequestJson(request: ProtocolRequest): unknown {
  return readJson(request, InvalidCredentialRequest, 'OpenID4VCI §8.2');
}

/** OpenID4VCI §8.2: a credential request, from its JSON (plain, or decrypted by `request-encryption.ts`). */
export function parseCredentialRequest(json: unknown): CredentialRequest {
  const parsed = CredentialRequest.safeParse(json);
  if (!parsed.success)
    throw new InvalidCredentialRequest(
      `malformed credential request: ${parsed.error.issues[0]?.message}`,
      'OpenID4VCI §8.2',
    );
  return parsed.data;
}

/** The configuration asked for, which must be one this issuer has (OpenID4VCI §8.3.1.2). */
export function configurationOf(
  configurations: Readonly<Record<string, CredentialConfiguration>>,
  body: CredentialRequest,
): string {
  const id = body.credential_configuration_id ?? body.credential_identifier!;
  if (!configurations[id]) {
    if (body.credential_identifier !== undefined)
      throw new UnknownCredentialIdentifier('unknown credential_identifier', 'OpenID4VCI §8.3.1.2');
    throw new UnknownCredentialConfiguration('unknown credential_configuration_id', 'OpenID4VCI §8.3.1.2');
  }
  return id;
}
