import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { JetStreamSettings } from './jetstream-settings.js';
import { KeyRingSettings } from './key-ring-settings.js';

/**
 * NATS: with `url` set, the event log, replay cache, session keys and offers live in
 * JetStream (several engine processes serve one flow); with `serveRequests` the engine
 * also answers protocol requests over NATS request/reply in a queue group. A connection
 * must authenticate (token, user/pass, NKey seed file or creds file) unless
 * `allowUnauthenticated` says otherwise; `tls` adds a CA and an optional client certificate.
 */
export const NatsSettings = z
  .strictObject({
    url: z.string().min(1).describe('One server URL, or several separated by commas.'),
    user: z.string().min(1).optional().describe('User name (with `pass`).'),
    pass: z.string().min(1).optional().describe('Password (with `user`).'),
    token: z.string().min(1).optional().describe('An authentication token.'),
    nkeySeedFile: z.string().min(1).optional().describe('A file holding an NKey seed (`SU…`).'),
    credsFile: z.string().min(1).optional().describe('A `.creds` file (user JWT and NKey seed, decentralised auth).'),
    tls: z
      .strictObject({
        caFile: z.string().min(1).describe('The CA certificate (PEM) the server certificate must chain to.'),
        certFile: z.string().min(1).optional().describe('A client certificate (PEM), with `keyFile`.'),
        keyFile: z.string().min(1).optional().describe('The client certificate’s private key (PEM), with `certFile`.'),
      })
      .optional()
      .describe('TLS to the server: a CA and an optional client certificate.'),
    allowUnauthenticated: z
      .boolean()
      .default(false)
      .describe('Connect without credentials (a closed test network only; a warning is printed).'),
    connectTimeoutSeconds: z
      .number()
      .positive()
      .max(3600)
      .default(30)
      .describe('How long start-up keeps retrying an unreachable server (with backoff) before it fails.'),
    subjectPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('pdi')
      .describe('Prefix of every subject (`<prefix>.rpc.>`, `<prefix>.events.>`, `<prefix>.domain.>`) and KV bucket.'),
    queue: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('pdi-engine')
      .describe('The queue group the engines answer protocol requests in.'),
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('PDI_EVENTS')
      .describe('The JetStream stream holding the event log (created when absent).'),
    jetstream: JetStreamSettings,
    domainEvents: z
      .strictObject({
        stream: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .default('PDI_DOMAIN_EVENTS')
          .describe(
            'The JetStream stream the relay publishes every accepted event to (`<prefix>.domain-events.<sessionId>.<EventType>`, created when absent).',
          ),
        relay: z
          .boolean()
          .default(true)
          .describe(
            'Relay every accepted event to the durable stream. `false` where no backend consumes it: the core subjects stay, and each event saves a JetStream publish and a consumer delivery.',
          ),
        leaseSeconds: z
          .number()
          .min(1)
          .max(300)
          .default(10)
          .describe(
            'How long the active relay’s lease lasts without renewal: how soon another instance takes over when it dies.',
          ),
      })
      .prefault({})
      .describe(
        'Issue 16 §3: the durable domain events, relayed from the event log by one instance at a time (docs/nats.md).',
      ),
    serveRequests: z
      .boolean()
      .default(true)
      .describe('Also answer protocol requests over NATS request/reply (what the gateway forwards).'),
    instance: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/)
      // Issue 16 §5: unique by default, also for containers that all run as PID 1 on one host name pattern.
      .default(`${hostname()}-${randomBytes(4).toString('hex')}`)
      // The default is computed per process: the reference names it instead of printing this machine's.
      .meta({
        description: 'This process’s name in NATS replies (the `Pdi-Engine-Instance` header).',
        defaultText: '<host name>-<8 random hex digits>',
      }),
    keyRing: KeyRingSettings.default({ source: 'dataDir' }).describe(
      'Where the key ring lives: `keys.json` in the data directory (default) or a KV entry in NATS sealed under a key-encryption key.',
    ),
  })
  .refine((nats) => (nats.user === undefined) === (nats.pass === undefined), {
    message: 'user and pass go together',
    path: ['pass'],
  })
  .refine((nats) => (nats.tls?.certFile === undefined) === (nats.tls?.keyFile === undefined), {
    message: 'certFile and keyFile go together',
    path: ['tls', 'keyFile'],
  })
  .refine(
    (nats) => [nats.user, nats.token, nats.nkeySeedFile, nats.credsFile].filter((x) => x !== undefined).length <= 1,
    { message: 'use one of user/pass, token, nkeySeedFile, credsFile' },
  )
  .refine(
    (nats) =>
      nats.allowUnauthenticated ||
      [nats.user, nats.token, nats.nkeySeedFile, nats.credsFile, nats.tls?.certFile].some((x) => x !== undefined),
    {
      message:
        'no NATS credentials: set user/pass, token, nkeySeedFile, credsFile or a TLS client certificate (or allowUnauthenticated: true for a closed test network)',
    },
  );
export type NatsSettings = z.infer<typeof NatsSettings>;
