/**
 * `pdi-engine/pkcs11`: signing keys on a PKCS#11 token (an HSM, a smart card, SoftHSM2) behind
 * the `IssuerKeys` port. `pkcs11js` is an optional peer dependency, imported only here.
 *
 * - `TokenSession.open({ modulePath, tokenLabel, pin })`: one logged-in session on the token.
 * - `tokenSigner(session, { label } | { id })`: an ES256 `JwsSigner` whose key stays on the token, with its public JWK.
 * - `certifiedTokenSigner(signer, chain, { subjectDns, now })`: the request-object signer with its CA-issued chain.
 * - `withTokenSigners(keys, { credential, previousCredentialKeys, verifier })`: the key file's other duties kept.
 * - `openConfiguredTokenKeys(config.pkcs11, keys, { subjectDns, now })`: the same from the configuration's `pkcs11` block.
 */
export { certifiedTokenSigner, chainToX5c } from './certified-signer.js';
export { openConfiguredTokenKeys, type ConfiguredTokenKeys } from './configured-token.js';
export { TokenSession, type TokenOptions, type TokenPin } from './token-session.js';
export { tokenSigner, type TokenKeySelector, type TokenSigner } from './token-signer.js';
export { withTokenSigners, type TokenSigners } from './with-token-signers.js';
