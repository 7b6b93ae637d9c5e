import { z } from 'zod';

/** The two forms of a key-binding audience the texts allow (protocol-ia.md §4): the endpoint's origin, or its full URL. */
const AudienceForms = z
  .array(z.enum(['origin', 'url']))
  .min(1)
  .max(2)
  .default(['origin', 'url']);

/** Issue 13: Interactive Authorization beside the seed's flow (protocol-ia.md). */
export const InteractiveSettings = z
  .strictObject({
    challengeEndpoint: z
      .boolean()
      .default(true)
      .describe(
        'Serve S3 (Interactive Authorization on First-Party Apps) at the challenge endpoint: an initial request offering `urn:openid:dcp:ia:*` interaction types. L wallets never offer them, so this changes nothing for them.',
      ),
    iae: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'Serve S1 and S2 at the Interactive Authorization Endpoint `<publicUrl>/iae/interactive-authorization`, advertised only under the second issuer identifier `<publicUrl>/iae` (its own OpenID4VCI and RFC 8414 metadata): wallets on `@openid4vc/openid4vci` 0.5 use it wherever it is advertised, and Credo 0.7 then fails, so the main identifier keeps serving L.',
          ),
      })
      .prefault({})
      .describe('The Interactive Authorization Endpoint (S1, S2).'),
    keyBindingAudiences: z
      .strictObject({
        s1: AudienceForms.describe(
          'The key-binding JWT audiences an S1 session accepts: `iae:` + the IAE’s origin and/or full URL (PR #695 says the URL).',
        ),
        s2: AudienceForms.describe(
          'The key-binding JWT audiences an S2 session accepts: `iae:` + the IAE’s origin (the text) and/or full URL.',
        ),
        s3: AudienceForms.describe(
          'The key-binding JWT audiences an S3 session accepts: `ia:` + the challenge endpoint’s origin and/or full URL (the text says origin, its example the URL). Never the legacy verifier client_id.',
        ),
      })
      .prefault({})
      .describe('Per dialect, which audience forms a presented key-binding JWT may carry (protocol-ia.md §11).'),
  })
  .prefault({})
  .describe('Interactive Authorization (OpenID4VCI 1.1): the dialects served beside the seed’s flow.');
export type InteractiveSettings = z.infer<typeof InteractiveSettings>;
