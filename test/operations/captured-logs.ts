import { createPinoLogger } from '../../adapters/logging/pino-logger.js';
import type { LogLevel } from '../../adapters/logging/levels.js';
import type { WalletFetch } from '../../wallet/keep-alive-fetch.js';

/** The real pino logger writing into memory: every line it wrote, parsed. */
export function capturedLogs(level: LogLevel = 'info') {
  const text: string[] = [];
  const logger = createPinoLogger({ level, destination: { write: (line: string) => void text.push(line) } });
  return {
    logger,
    text,
    lines: () => text.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Every string of a JSON value, however deep. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

function parsedOrNothing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A wallet fetch that keeps every value that went over the wire and is worth stealing: the
 * Authorization and DPoP headers, every form parameter and JSON string sent, every JSON string
 * and the raw text (request objects, credentials) received, and the identifiers in the URLs.
 */
export function recordingFetch(inner: WalletFetch = fetch): { fetch: WalletFetch; secrets: Set<string> } {
  const secrets = new Set<string>();
  const keep = (value: string | null | undefined) => value && value.length >= 12 && secrets.add(value);
  return {
    secrets,
    fetch: async (url, init) => {
      const { pathname } = new URL(url);
      if (/\/(verifier\/\w+|offers|admin\/\w+)\/[^/]+$/.test(pathname)) keep(pathname.split('/').at(-1));
      keep(init?.headers?.Authorization);
      keep(init?.headers?.DPoP);
      for (const [, value] of new URLSearchParams(init?.body ?? '')) keep(value);
      for (const value of stringsOf(parsedOrNothing(init?.body ?? ''))) keep(value);
      const response = await inner(url, init);
      const text = await response.text();
      keep(text);
      for (const value of stringsOf(parsedOrNothing(text))) keep(value);
      return { status: response.status, headers: response.headers, text: async () => text };
    },
  };
}
