import type { KeyAttestationPolicy } from '../../config/schema.js';
import { KEY_PROOF_ALGORITHMS } from '../capabilities.js';

/** §12.2.4 `key_attestations_required`: present only when required, with the accepted levels (App. D.2). */
function keyAttestationsRequired(policy: KeyAttestationPolicy | undefined) {
  if (!policy?.required) return {};
  return {
    key_attestations_required: {
      ...(policy.keyStorage && { key_storage: policy.keyStorage }),
      ...(policy.userAuthentication && { user_authentication: policy.userAuthentication }),
    },
  };
}

/**
 * OpenID4VCI 1.0 §12.2.4 `proof_types_supported` of one configuration (seed I-50): `jwt` (App. F.1), and
 * `attestation` (App. F.3) where a key attester is trusted, each saying whether key attestations are required.
 */
export function proofTypesSupported(policy: KeyAttestationPolicy | undefined, keyAttestersTrusted: boolean) {
  const proofType = { proof_signing_alg_values_supported: KEY_PROOF_ALGORITHMS, ...keyAttestationsRequired(policy) };
  return { jwt: proofType, ...(keyAttestersTrusted && { attestation: proofType }) };
}
