import { z } from 'zod';

const maxBytes = z
  .number()
  .int()
  .positive()
  .nullable()
  .default(null)
  .describe('The most bytes it may hold (null: no limit beyond the server’s); when full, writes are refused.');

/**
 * The limits of a store whose records stay until deleted (or `maxAgeSeconds`). Discard is
 * always `new`, for every store: a full store refuses a write with an error the request reports,
 * never silently drops its oldest record (an accepted event, a replay entry that would reopen a
 * value, a session key, a revocation).
 */
const kept = (store: string, record: string) =>
  z
    .strictObject({
      maxAgeSeconds: z
        .number()
        .int()
        .positive()
        .nullable()
        .default(null)
        .describe(
          `How long ${record} is kept, in seconds (null: until deleted); at least the longest lifetime (checked at start-up).`,
        ),
      maxBytes,
    })
    .prefault({})
    .describe(`The ${store}.`);

/** The limits of a bucket whose entries age out: `maxAgeSeconds` is its TTL (the bucket's `max_age`), at least an hour. */
const aging = (store: string, entry: string, seconds: number) =>
  z
    .strictObject({
      maxAgeSeconds: z
        .number()
        .int()
        .min(3600)
        .default(seconds)
        .describe(`TTL of ${entry}, in seconds: the server removes an entry this long after it was written.`),
      maxBytes,
    })
    .prefault({})
    .describe(`The ${store}.`);

/**
 * Issue 16 §2: the replicas and limits of the event stream and every KV bucket, applied when a
 * store opens them, and reconciled with a stream or bucket that exists already (updated, or a
 * start-up error naming what cannot be changed).
 */
export const JetStreamSettings = z
  .strictObject({
    replicas: z
      .union([z.literal('auto'), z.number().int().min(1).max(5)])
      .default('auto')
      .describe(
        'Copies of every stream and bucket: 1 to 5, or `auto`: 3 when the server the engine connects to advertises a cluster of three or more servers, else 1.',
      ),
    events: kept('event stream (every session’s events)', 'an event'),
    deadlines: kept('deadline bucket (each session’s next deadline)', 'a deadline'),
    replay: aging(
      'replay bucket (single-use values); its TTL must outlast the longest-lived value it guards (checked at start-up)',
      'a replay entry',
      24 * 3600,
    ),
    sessionKeys: kept('session key bucket (wrapped sealing keys)', 'a session key'),
    offers: aging(
      'offer bucket (credential offers); its TTL must outlast `lifetimes.offer` (checked at start-up)',
      'an offer',
      24 * 3600,
    ),
    status: kept('status bucket (issued credentials’ statuses)', 'a status entry'),
  })
  .prefault({})
  .describe('Issue 16 §2: replicas and limits of the JetStream stream and buckets.');
export type JetStreamSettings = z.infer<typeof JetStreamSettings>;

/** What a NATS connection tells of its cluster: the client URLs its server advertises (its own included). */
export interface AdvertisedServers {
  info?: { connect_urls?: string[] };
}

/**
 * The replicas every stream and bucket gets on this connection: the configured number, or for
 * `auto` 3 when the connected cluster advertises three or more servers, else 1. Exported for
 * every store that creates a stream of its own.
 */
export function replicasFor(replicas: JetStreamSettings['replicas'], connection: AdvertisedServers): number {
  if (replicas !== 'auto') return replicas;
  return (connection.info?.connect_urls?.length ?? 1) >= 3 ? 3 : 1;
}

/**
 * A TTL shorter than what its entries guard would let the server remove an entry while it still
 * counts (a used DPoP proof or c_nonce accepted again, an offer lost, a live session's events or
 * deadline gone): the start-up error for the first such store, or undefined. `longestLifetime`:
 * the longest any bearer value or session lives, in seconds.
 */
export function shortTtl(
  settings: JetStreamSettings,
  longestLifetime: number,
  offerLifetime: number,
): string | undefined {
  const guarded = {
    replay: longestLifetime,
    offers: offerLifetime,
    events: longestLifetime,
    deadlines: longestLifetime,
  };
  for (const [store, seconds] of Object.entries(guarded)) {
    const ttl = settings[store as keyof typeof guarded].maxAgeSeconds;
    if (ttl !== null && ttl < seconds)
      return `nats.jetstream.${store}.maxAgeSeconds: ${ttl} s is shorter than the ${seconds} s its entries must stay`;
  }
  return undefined;
}
