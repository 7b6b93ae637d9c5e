import { z } from 'zod';

const seconds = z.number().int().positive();

/** I-30: the Token Status Lists of the credentials this issuer issues (draft-ietf-oauth-status-list). */
export const IssuedStatusSettings = z
  .strictObject({
    listSize: z
      .number()
      .int()
      .min(1024)
      .max(1 << 24)
      .default(1 << 17)
      .describe(
        'Entries per status list; each credential gets a random free index of the current list (herd privacy: draft-ietf-oauth-status-list §13.2 suggests lists of at least 2^17 entries).',
      ),
    ttlSeconds: seconds
      .default(300)
      .describe(
        'The `ttl` of a served status list token: how long a relying party may use it. This issuer rebuilds it at most every ttl/2, so a revocation is served within half of it.',
      ),
    validitySeconds: seconds
      .default(24 * 3600)
      .describe('The `exp` of a served status list token, this long after its `iat` (at least `ttlSeconds`).'),
  })
  .refine((settings) => settings.validitySeconds >= settings.ttlSeconds, {
    message: 'validitySeconds must be at least ttlSeconds',
  })
  .prefault({})
  .describe('I-30: the status lists of the credentials issued here, served at `<publicUrl>/status/<list>`.');
export type IssuedStatusSettings = z.infer<typeof IssuedStatusSettings>;
