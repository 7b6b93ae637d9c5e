import {
  CLIENT_ATTESTATION_ALGORITHMS,
  CREDENTIAL_ENCRYPTION,
  CREDENTIAL_SIGNING_ALGORITHM,
  DPOP_ALGORITHMS,
} from '../capabilities.js';
import type { Config } from '../../config/schema.js';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { proofTypesSupported } from './proof-types-metadata.js';
import { credentialRequestEncryptionJwk } from './request-encryption.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolResponse } from '../messages.js';

/** OpenID4VCI 1.0 §12.2: the credential issuer metadata. */
export function credentialIssuerMetadata(config: Config, keys: Pick<IssuerKeys, 'responseEncryptionJwk'>) {
  const urls = endpoints(config);
  const encryptionRequired = config.credentialResponseEncryption.required;
  return {
    credential_issuer: urls.issuer,
    credential_endpoint: urls.credential,
    nonce_endpoint: urls.nonce,
    // §12.2.4, §10 (seed P-10): both directions offered; §8.2 requires an encrypted request with an encrypted response.
    credential_request_encryption: {
      jwks: { keys: [credentialRequestEncryptionJwk(keys)] },
      enc_values_supported: CREDENTIAL_ENCRYPTION.encodings,
      encryption_required: encryptionRequired,
    },
    credential_response_encryption: {
      alg_values_supported: CREDENTIAL_ENCRYPTION.algorithms,
      enc_values_supported: CREDENTIAL_ENCRYPTION.encodings,
      encryption_required: encryptionRequired,
    },
    // §12.2.4: advertised only when configured; without it a request carries exactly one key proof.
    ...(config.policy.batchSize !== undefined && {
      batch_credential_issuance: { batch_size: config.policy.batchSize },
    }),
    credential_configurations_supported: Object.fromEntries(
      Object.entries(config.credentialConfigurations).map(([id, c]) => [
        id,
        {
          format: 'dc+sd-jwt',
          vct: c.vct,
          scope: c.scope,
          cryptographic_binding_methods_supported: ['jwk'],
          credential_signing_alg_values_supported: [CREDENTIAL_SIGNING_ALGORITHM],
          proof_types_supported: proofTypesSupported(
            c.keyAttestation,
            config.keyAttestation.trustedAttesters.length > 0,
          ),
          credential_metadata: {
            display: [{ name: c.name, locale: 'en' }],
            claims: Object.keys(c.claimMapping).map((name) => ({ path: [name] })),
          },
        },
      ]),
    ),
  };
}

/**
 * RFC 8414 authorization server metadata. The authorization endpoint of the browser step (issue 15;
 * RFC 9207 `iss` in its responses). No `code_challenge_methods_supported` here: some L wallets then
 * send PKCE on the challenge, which the seed forbids (PKCE is still accepted when sent, and S3's
 * browser step needs it: the wallet that offers the step sends it); the second identifier has it.
 * No `interactive_authorization_endpoint`: it is advertised only under the second identifier (`iae-metadata.ts`).
 */
export function authorizationServerMetadata(config: Config) {
  const urls = endpoints(config);
  const attestation = config.walletAttestation.required || config.walletAttestation.trustedAttesters.length > 0;
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    // Issue 15, RFC 9126 §5: the authorization endpoint takes only pushed requests (a challenge's, an IAE's or PAR's).
    pushed_authorization_request_endpoint: urls.par,
    require_pushed_authorization_requests: true,
    authorization_response_iss_parameter_supported: true,
    token_endpoint: urls.token,
    authorization_challenge_endpoint: urls.challenge,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    token_endpoint_auth_methods_supported: attestation ? ['attest_jwt_client_auth', 'none'] : ['none'],
    ...(attestation && {
      client_attestation_signing_alg_values_supported: CLIENT_ATTESTATION_ALGORITHMS,
      client_attestation_pop_signing_alg_values_supported: CLIENT_ATTESTATION_ALGORITHMS,
    }),
    dpop_signing_alg_values_supported: DPOP_ALGORITHMS,
    authorization_details_types_supported: ['openid_credential'],
    scopes_supported: Object.values(config.credentialConfigurations).map((c) => c.scope),
  };
}

/** SD-JWT VC issuer metadata: where verifiers find the keys our credentials are signed with. */
export function jwtVcIssuerMetadata(ctx: IssuerContext) {
  return { issuer: ctx.config.publicUrl, jwks: ctx.keys.jwks() };
}

export function metadataResponse(body: unknown): ProtocolResponse {
  return jsonResponse(200, body, { 'Cache-Control': 'public, max-age=300' });
}
