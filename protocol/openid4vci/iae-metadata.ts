import type { Config } from '../../config/schema.js';
import { endpoints } from '../issuer-context.js';
import { authorizationServerMetadata, credentialIssuerMetadata } from './metadata.js';

/**
 * Issue 13 §2, protocol-ia.md §9, §11: the second issuer identifier `<publicUrl>/iae`. Every
 * `@openid4vc/openid4vci` 0.5 wallet (Credo 0.7 included) switches to the IAE wherever an AS
 * advertises it, and Credo then fails; so the IAE is advertised only here, and the main
 * identifier keeps serving L. Same credentials, same token, nonce and credential endpoints.
 */
export function iaeCredentialIssuerMetadata(config: Config, keys: Parameters<typeof credentialIssuerMetadata>[1]) {
  const urls = endpoints(config);
  return {
    ...credentialIssuerMetadata(config, keys),
    credential_issuer: urls.iaeIssuer,
    authorization_servers: [urls.iaeIssuer],
  };
}

/**
 * RFC 8414 metadata of the second identifier's AS: `interactive_authorization_endpoint` and no
 * challenge endpoint; the authorization endpoint of the browser step (issue 15). No
 * `code_challenge_methods_supported`: 0.5 then sends a code_challenge to the IAE but never hands the
 * app its verifier for the token request (docs/interop.md), so its flows would fail at the token
 * endpoint. A wallet that wants the browser step sends PKCE anyway (protocol-ia.md §5); PKCE is accepted.
 */
export function iaeAuthorizationServerMetadata(config: Config) {
  const urls = endpoints(config);
  const { authorization_challenge_endpoint: _, ...rest } = authorizationServerMetadata(config);
  return { ...rest, issuer: urls.iaeIssuer, interactive_authorization_endpoint: urls.iae };
}
