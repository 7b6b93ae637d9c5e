import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/nats-core';

/** Issue 16 §2: how many copies a stream or bucket has and how much it may keep (`config/jetstream-settings.ts`). */
export interface StoreLimits {
  replicas: number;
  /** null: kept until deleted; for a bucket, the TTL of its entries. */
  maxAgeSeconds: number | null;
  /** null: no limit beyond the server's. */
  maxBytes: number | null;
}

/** One copy, nothing limited: what a store opened without settings gets (one nats-server, tests). */
export const UNLIMITED: StoreLimits = { replicas: 1, maxAgeSeconds: null, maxBytes: null };

const LIMITED = ['num_replicas', 'max_age', 'max_bytes', 'discard'] as const;
type Limited = Pick<StreamConfig, (typeof LIMITED)[number]>;

/** The stream settings the limits stand for. Discard is always `new`: a full store refuses the write, it never drops the oldest record silently. */
function limitedConfig(limits: StoreLimits): Limited {
  return {
    num_replicas: limits.replicas,
    max_age: limits.maxAgeSeconds === null ? 0 : nanos(limits.maxAgeSeconds * 1000),
    max_bytes: limits.maxBytes ?? -1,
    discard: DiscardPolicy.New,
  };
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Make an existing stream's replicas and limits the configured ones: nothing when they match,
 * else a stream update (the server scales replicas up or down and applies new limits in place).
 * An update the server refuses is a start-up error naming the stream, what differs and why.
 */
async function reconcile(jsm: JetStreamManager, info: StreamInfo, limits: StoreLimits): Promise<void> {
  const wanted = limitedConfig(limits);
  const differs = LIMITED.filter((field) => info.config[field] !== wanted[field]);
  if (differs.length === 0) return;
  const changes = differs.map((field) => `${field} ${info.config[field]} → ${wanted[field]}`).join(', ');
  // nats-server 2.9 accepts more replicas on a server outside a cluster (and keeps one): refused here instead.
  if (wanted.num_replicas > 1 && !info.cluster)
    throw new Error(`JetStream: stream ${info.config.name}: cannot change ${changes}: the server is not in a cluster`);
  try {
    await jsm.streams.update(info.config.name, { ...info.config, ...wanted });
  } catch (error) {
    throw new Error(`JetStream: stream ${info.config.name}: cannot change ${changes}: ${reason(error)}`);
  }
}

async function infoOf(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

/**
 * What a store asks for: `limits` are applied to a stream or bucket that exists already
 * (reconciled); without them (a tool or a test opening the data as it is) an existing one is
 * left as it is, and a missing one is created with `created`.
 */
export interface Wanted {
  limits?: StoreLimits;
  created: StoreLimits;
}

/** The stream's replicas once it is there: created when absent, reconciled when it exists and limits are given. */
async function ensure(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
  { limits, created }: Wanted,
  create: (limits: StoreLimits) => Promise<unknown>,
): Promise<number> {
  const info = await infoOf(jsm, config.name);
  if (info && !limits) return info.config.num_replicas;
  if (info) await reconcile(jsm, info, limits!);
  else
    await create(limits ?? created).catch((error: unknown) => {
      throw new Error(`JetStream: stream ${config.name} cannot be created: ${reason(error)}`);
    });
  return (limits ?? created).replicas;
}

/** The stream `config.name`, as `wanted`, and how many replicas it has. */
export async function ensureStream(
  nc: NatsConnection,
  config: Partial<StreamConfig> & { name: string },
  wanted: Wanted,
): Promise<{ jsm: JetStreamManager; replicas: number }> {
  const jsm = await jetstreamManager(nc);
  const replicas = await ensure(jsm, config, wanted, (limits) =>
    jsm.streams.add({ ...config, ...limitedConfig(limits) }),
  );
  return { jsm, replicas };
}

/** A KV bucket keeping one value per key (its stream `KV_<bucket>`), as `wanted`. */
export async function openBucket(nc: NatsConnection, bucket: string, wanted: Wanted): Promise<KV> {
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(nc);
  const options = (limits: StoreLimits) => ({
    history: 1,
    replicas: limits.replicas,
    // A replicated bucket is read from its leader: a follower's direct get may not have the latest write yet.
    allow_direct: limits.replicas === 1,
    ...(limits.maxAgeSeconds !== null && { ttl: limits.maxAgeSeconds * 1000 }),
    ...(limits.maxBytes !== null && { max_bytes: limits.maxBytes }),
  });
  const replicas = await ensure(jsm, { name: `KV_${bucket}` }, wanted, (limits) => kvm.create(bucket, options(limits)));
  // Bound to the bucket that is there now (Kvm.create leaves an existing bucket's settings as they are).
  return kvm.create(bucket, options({ ...wanted.created, replicas }));
}
