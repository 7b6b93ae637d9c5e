import type { IssuerStores } from './ports.js';

/** The stores as one `IssuerStores`, whose `close` closes every one of them. */
export function closedTogether(parts: Omit<IssuerStores, 'close'>): IssuerStores {
  return { ...parts, close: async () => void (await Promise.all(Object.values(parts).map((part) => part.close()))) };
}
