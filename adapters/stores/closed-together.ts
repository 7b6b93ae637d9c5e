import type { EventStore } from '../../engine/index.js';
import type { IssuerStores, ReadinessProbe } from './ports.js';

/** The stores as one `IssuerStores`: `close` closes every one of them, `ready` probes every one of them. */
export function closedTogether(
  parts: Omit<IssuerStores, 'close' | 'ready' | 'events'> & { events: EventStore & ReadinessProbe },
): IssuerStores {
  const all = Object.values(parts);
  return {
    ...parts,
    close: async () => void (await Promise.all(all.map((part) => part.close()))),
    ready: async () => void (await Promise.all(all.map((part) => part.ready()))),
  };
}
