import { z } from 'zod';
import { TrustedIssuer } from '../adapters/trust/trusted-issuers.js';

const positiveInt = z.number().int().positive();

/** E-30: X.509 trust for PIDs whose issuer-signed JWT carries `x5c` (SD-JWT VC §3.5). */
const X509Trust = z
  .strictObject({
    anchors: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Trust anchors: PEM files (one or more certificates each) or directories of `*.pem`/`*.crt`, re-read when they change (E-40: removing one stops acceptance at once). Empty: no PID is accepted through `x5c`.',
      ),
    issuers: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'The `iss` values that may be verified through `x5c`; empty: any issuer whose leaf certificate chains to an anchor, names the issuer and carries one of `requiredExtendedKeyUsage` (one of the two must be set with anchors). An issuer not allowed here is verified by its JWKS sources only.',
      ),
    requiredExtendedKeyUsage: z
      .array(z.string().regex(/^\d+(\.\d+)+$/, 'an OID such as 1.3.6.1.5.5.7.3.2'))
      .default([])
      .describe('OIDs of which the leaf certificate must carry one (extended key usage), as the PID profile requires.'),
  })
  // E-30, fail closed: anchors alone (a CA bundle, say) would make any certified host a PID issuer.
  .refine((x509) => x509.anchors.length === 0 || x509.issuers.length > 0 || x509.requiredExtendedKeyUsage.length > 0, {
    message:
      'x509.anchors need x509.issuers or x509.requiredExtendedKeyUsage: anchors alone would trust any certified host',
  });

/** Whom the verifier trusts to sign PIDs (E-30): JWKS sources and X.509 anchors. */
export const TrustSettings = z
  .strictObject({
    file: z.string().optional().describe('A JWKS file `{"issuers": [{"issuer", "jwks"}]}`, re-read when it changes.'),
    url: z.url().optional().describe('An https URL serving the same JSON, re-fetched after `urlMaxAgeSeconds`.'),
    urlMaxAgeSeconds: z
      .number()
      .int()
      .nonnegative()
      .default(60)
      .describe('How long a fetched trust list is used before it is fetched again.'),
    urlTimeoutMs: positiveInt
      .optional()
      .describe(
        'Issue 10 §4: the URL’s fetch, body included, is given up past this time (default 5 s; then it trusts nobody).',
      ),
    urlMaxBytes: positiveInt
      .optional()
      .describe('Issue 10 §4: a trust list larger than this is refused (default 1 MiB; then it trusts nobody).'),
    issuers: z.array(TrustedIssuer).default([]).describe('Inline trusted issuers, each with its public keys.'),
    metadata: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Issuers whose keys are resolved from their `/.well-known/jwt-vc-issuer` metadata (SD-JWT VC §5): https only, with the URL’s limits and `urlMaxAgeSeconds`.',
      ),
    x509: X509Trust.prefault({}).describe(
      'X.509 trust for PIDs signed with an `x5c` chain: the anchors and which issuers may use them.',
    ),
  })
  .prefault({})
  .describe(
    'Issuers whose credentials (PIDs) the verifier accepts: a JWKS file, a URL, inline entries, X.509 anchors.',
  );

/** E-50, V-20: what a presented PID's Token Status List entry must say, and what to do without one. */
export const PidStatusSettings = z
  .strictObject({
    withoutStatus: z
      .enum(['refuse', 'accept'])
      .default('refuse')
      .describe('A PID without a `status.status_list` entry: refused by default (its revocation could not be seen).'),
    unavailable: z
      .enum(['refuse', 'accept'])
      .default('refuse')
      .describe(
        'A PID whose status list cannot be fetched or verified: refused by default (fail closed), the reason in the error.',
      ),
    timeoutMs: positiveInt.default(5000).describe('A status list fetch, body included, is given up past this time.'),
    maxBytes: positiveInt.default(1024 * 1024).describe('A status list token larger than this is refused.'),
    maxCacheSeconds: positiveInt
      .default(3600)
      .describe('The longest a fetched status list is used, whatever its `ttl`, `exp` or Cache-Control say.'),
  })
  .prefault({})
  .describe('E-50, V-20: the presented PID’s status (IETF Token Status List); INVALID and SUSPENDED are refused.');
export type PidStatusSettings = z.infer<typeof PidStatusSettings>;
