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
 * challenge endpoint. No `authorization_endpoint` and no `code_challenge_methods_supported` yet:
 * the browser step is not served, and 0.5 would send a PKCE verifier it then cannot return.
 */
export function iaeAuthorizationServerMetadata(config: Config) {
  const urls = endpoints(config);
  const { authorization_challenge_endpoint: _, ...rest } = authorizationServerMetadata(config);
  return { ...rest, issuer: urls.iaeIssuer, interactive_authorization_endpoint: urls.iae };
}
