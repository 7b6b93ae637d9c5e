import { z } from 'zod';
import { TrustedIssuer } from '../adapters/trust/trusted-issuers.js';

/** Attack potential resistance values (OpenID4VCI 1.0 App. D.2), e.g. `iso_18045_high`. */
const AttackResistanceLevels = z.array(z.string().min(1)).min(1);

/** OpenID4VCI 1.0 App. D, §12.2.4 `key_attestations_required`: what a key attestation must show for one configuration. */
export const KeyAttestationPolicy = z.strictObject({
  required: z
    .boolean()
    .default(false)
    .describe(
      'Seed I-50: every key the credential is bound to must be attested by a trusted key attester (`keyAttestation.trustedAttesters`), in a `jwt` proof’s `key_attestation` header or as the `attestation` proof type; advertised as `key_attestations_required`.',
    ),
  keyStorage: AttackResistanceLevels.optional().describe(
    'The `key_storage` levels accepted (App. D.2, e.g. `iso_18045_high`): an evaluated attestation must assert one of them.',
  ),
  userAuthentication: AttackResistanceLevels.optional().describe(
    'The `user_authentication` levels accepted (App. D.2): an evaluated attestation must assert one of them.',
  ),
});
export type KeyAttestationPolicy = z.infer<typeof KeyAttestationPolicy>;

/** I-50: whose key attestations are accepted. */
export const KeyAttestationSettings = z
  .strictObject({
    trustedAttesters: z
      .array(TrustedIssuer)
      .default([])
      .describe(
        'The wallet providers (or key storage components) whose key attestations (`key-attestation+jwt`, OpenID4VCI 1.0 App. D.1) are accepted, each with its public keys.',
      ),
  })
  .prefault({})
  .describe('Key attestations: whose are accepted (each credential configuration says whether one is required).');

/** P-10: credential request and response encryption. */
export const CredentialEncryptionSettings = z
  .strictObject({
    required: z
      .boolean()
      .default(false)
      .describe(
        'OpenID4VCI 1.0 §8.2, §12.2.4: refuse a credential request that does not ask for an encrypted response (`credential_response_encryption`), and so (§8.2) one that is not itself encrypted; advertised as `encryption_required` of both `credential_response_encryption` and `credential_request_encryption`.',
      ),
  })
  .prefault({})
  .describe(
    'Credential request and response encryption (OpenID4VCI 1.0 §10): always offered (ECDH-ES with A128GCM or A256GCM, no compression); whether required.',
  );
