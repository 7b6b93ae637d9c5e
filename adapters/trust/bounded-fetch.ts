/** A body past the size limit, refused (and cancelled) while it is read. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
  constructor(maxBytes: number) {
    super(`response larger than ${maxBytes} bytes`);
  }
}

/**
 * Issue 10 §4: what we fetch from a configured or presented URL is fetched over https only; plain
 * http only from this machine (tests, a local sidecar). `what` names the setting in the message.
 */
export function assertFetchableUrl(url: string, what: string): void {
  const parsed = new URL(url);
  const loopback = ['localhost', '[::1]'].includes(parsed.hostname) || /^127(\.\d{1,3}){3}$/.test(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    throw new Error(`${what} must be https (plain http only on loopback): ${parsed.origin}`);
}

/** Issue 10 §4: the body as text, refusing (and cancelling) it past `maxBytes`, announced or streamed. */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? '0') > maxBytes) throw new ResponseTooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ResponseTooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface FetchLimits {
  /** The whole fetch, body included (default 5 s). */
  timeoutMs?: number;
  /** The body (default 1 MiB). */
  maxBytes?: number;
  fetch?: typeof fetch;
}

/** Issue 10 §4: a JSON document fetched without following redirects, within the time and size limits; throws otherwise. */
export async function fetchBoundedJson(url: string, limits: FetchLimits): Promise<unknown> {
  const response = await (limits.fetch ?? fetch)(url, {
    headers: { Accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(limits.timeoutMs ?? 5000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return JSON.parse(await readCapped(response, limits.maxBytes ?? 1024 * 1024));
}
