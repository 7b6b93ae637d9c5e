import { createHash } from 'node:crypto';
import { InvalidGrant, InvalidRequest, UnsupportedGrantType } from '../../engine/index.js';
import { sessionOfHandle } from '../handles.js';

/** The parameters of an authorization_code token request (RFC 6749 §4.1.3), the code already resolved to its session. */
export interface TokenRequest {
  code: string;
  sessionId: string;
  clientId: string | undefined;
  codeVerifier: string | undefined;
  redirectUri: string | undefined;
}

/**
 * RFC 6749 §4.1.3: grant_type authorization_code and a code naming a session are required;
 * client_id is checked by the caller once it knows whether the client authenticated.
 */
export function readTokenRequest(params: Map<string, string>): TokenRequest {
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw new InvalidRequest('grant_type is required', 'RFC 6749 §4.1.3');
  if (grantType !== 'authorization_code')
    throw new UnsupportedGrantType('only authorization_code is supported', 'RFC 6749 §5.2');
  const code = params.get('code');
  if (code === undefined) throw new InvalidRequest('code is required', 'RFC 6749 §4.1.3');
  const sessionId = sessionOfHandle(code);
  if (!sessionId) throw new InvalidGrant('unknown authorization code', 'RFC 6749 §5.2');
  return {
    code,
    sessionId,
    clientId: params.get('client_id'),
    codeVerifier: params.get('code_verifier'),
    redirectUri: params.get('redirect_uri'),
  };
}

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 §4.6: the S256 challenge a code_verifier stands for. */
export function s256(verifier: string): string {
  if (!CODE_VERIFIER.test(verifier)) throw new InvalidRequest('code_verifier is malformed', 'RFC 7636 §4.1');
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
