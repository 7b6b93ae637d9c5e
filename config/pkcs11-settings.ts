import { z } from 'zod';

/** Which key pair on a PKCS#11 token: by CKA_LABEL or by CKA_ID in hex (the private and public key objects share it). */
const TokenKey = z.union([
  z.strictObject({ label: z.string().min(1).describe('CKA_LABEL of the key pair') }),
  z.strictObject({
    id: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2})+$/, 'a CKA_ID is hex')
      .describe('CKA_ID of the key pair, in hex'),
  }),
]);

/** Signing keys on a PKCS#11 token (HSM); response decryption and derived secrets stay in the key file (docs/key-custody.md). */
export const Pkcs11Settings = z
  .strictObject({
    modulePath: z
      .string()
      .min(1)
      .describe('Path of the PKCS#11 module (shared library), e.g. /usr/lib/softhsm/libsofthsm2.so'),
    tokenLabel: z.string().min(1).describe('Label of the token holding the keys'),
    pinFile: z
      .string()
      .min(1)
      .describe('File whose first line is the user PIN (kept out of the configuration; owner-readable only)'),
    credentialKey: TokenKey.optional().describe('The key pair that signs credentials; its public key is published'),
    publishKeyFileKeys: z
      .boolean()
      .default(false)
      .describe(
        "Keep publishing the key file's credential keys before the token key, so credentials they signed stay verifiable (while moving to the token)",
      ),
    verifierKey: TokenKey.optional().describe('The key pair that signs request objects (OpenID4VP §5)'),
    verifierCertificateChainFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "PEM chain for verifierKey, leaf first, the leaf's dNSName SAN the public URL's host (OpenID4VP §5.9.3)",
      ),
  })
  .refine((pkcs11) => pkcs11.credentialKey || pkcs11.verifierKey, {
    message: 'set credentialKey, verifierKey or both: the token signs nothing otherwise',
  })
  .refine((pkcs11) => (pkcs11.verifierKey === undefined) === (pkcs11.verifierCertificateChainFile === undefined), {
    message: 'verifierKey and verifierCertificateChainFile go together',
    path: ['verifierCertificateChainFile'],
  })
  .refine((pkcs11) => pkcs11.credentialKey || !pkcs11.publishKeyFileKeys, {
    message: 'publishKeyFileKeys needs credentialKey',
    path: ['publishKeyFileKeys'],
  });
export type Pkcs11Settings = z.infer<typeof Pkcs11Settings>;
