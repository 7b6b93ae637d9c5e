import { JetStreamApiError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/nats-core';
import { TemporarilyUnavailable } from '../../../engine/index.js';

const TRANSIENT = [
  TimeoutError,
  NoRespondersError,
  RequestError,
  ConnectionError,
  ClosedConnectionError,
  DrainingConnectionError,
];
const FULL = /maximum (bytes|messages)[a-z ]* exceeded|insufficient resources/i;

/** A failure that says nothing of the request: JetStream failing over (no stream leader yet, a server gone), or a store full. */
function transient(error: unknown): boolean {
  // The client's answer to "no responders" on a JetStream publish while the stream has no leader (not exported as a class).
  if (TRANSIENT.some((type) => error instanceof type) || (error as Error)?.name === 'JetStreamNotEnabled') return true;
  return error instanceof JetStreamApiError && (error.status === 503 || FULL.test(error.message));
}

/**
 * Issue 16 §2 (fail clearly): `store` with every async method's transient JetStream failure
 * turned into `TemporarilyUnavailable` (503 `temporarily_unavailable`, "retry later"), which the
 * protocol answers as such instead of a 500: while a cluster elects a new stream leader after
 * losing a server (seconds), or when a store with discard `new` is full. Any other failure stays
 * what it is. What a failed write did is settled by the store's own checks on the retry (event
 * ids, expected versions, create-if-absent), never by this.
 */
export function failClearly<Store extends object>(store: Store): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (!transient(error)) throw error;
          throw new TemporarilyUnavailable(
            'the store is unavailable for a moment (NATS failover) or full; retry later',
            'issue 16 §2: fail clearly',
          );
        });
      };
    },
  });
}
