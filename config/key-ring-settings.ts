import { z } from 'zod';

/**
 * Issue 16 §4: where the key ring (signing keys, verifier certificate, master secret) lives with
 * NATS. `dataDir`: `keys.json` in the data directory, shared by copying it. `nats`: one KV entry
 * (`<prefix>-key-ring`), sealed under a key-encryption key the operator supplies through an
 * environment variable or an owner-only file; the KEK itself is never stored in NATS.
 */
export const KeyRingSettings = z
  .strictObject({
    source: z
      .enum(['dataDir', 'nats'])
      .default('dataDir')
      .describe(
        '`dataDir`: `keys.json` in the data directory (copied to every machine); `nats`: one KV entry encrypted under a key-encryption key, shared by every engine (docs/nats.md, "Key ring in NATS").',
      ),
    kekEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe(
        'With `source: nats`: the name of the environment variable holding the key-encryption key (32 bytes, base64: `openssl rand -base64 32`).',
      ),
    kekFile: z
      .string()
      .min(1)
      .optional()
      .describe('With `source: nats`: a file (owner-only, mode 0600) whose first line is the key-encryption key.'),
  })
  // Fail closed: a key ring in NATS is never stored or read without the operator's key-encryption key.
  .refine((ring) => ring.source !== 'nats' || (ring.kekEnv === undefined) !== (ring.kekFile === undefined), {
    message: 'source nats needs exactly one key-encryption key: kekEnv or kekFile',
  })
  .refine((ring) => ring.source === 'nats' || (ring.kekEnv === undefined && ring.kekFile === undefined), {
    message: 'kekEnv and kekFile are for source nats only',
  });
export type KeyRingSettings = z.infer<typeof KeyRingSettings>;
