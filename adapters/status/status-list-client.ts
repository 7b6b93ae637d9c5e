import { inflateSync } from 'node:zlib';
import { StatusList, type BitsPerStatus } from '@sd-jwt/jwt-status-list';
import { assertFetchableUrl, readCapped, ResponseTooLarge } from '../trust/bounded-fetch.js';

/*
 * The Relying Party's side of the IETF Token Status List (draft-ietf-oauth-status-list, editor's
 * copy of -20; sections cited as §n): a presented PID's `status.status_list` names a Status List
 * Token, fetched, verified and read here (E-50, V-20). The caller refuses INVALID (1) and
 * SUSPENDED (2), and applies its policy to a list it cannot read.
 */

/** The largest status list accepted once inflated: 2^24 entries of 8 bits (16 MiB), far beyond any list in use. */
const MAX_INFLATED_BYTES = 1 << 24;

/** §6.2: the reference a Referenced Token carries in `status.status_list`. */
export interface StatusReference {
  uri: string;
  idx: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * §6.2, §8.3 step 1: the credential's `status.status_list`, or `undefined` when it has no `status`.
 * A `status` that is not an object, lacks `status_list` (the only mechanism we can check) or whose
 * `idx` is not a non-negative integer or `uri` not a URI string throws.
 */
export function statusReferenceOf(payload: Record<string, unknown>): StatusReference | undefined {
  const { status } = payload;
  if (status === undefined) return undefined;
  if (!isRecord(status) || !isRecord(status.status_list))
    throw new TypeError('the credential’s status claim must be an object with a status_list object');
  const { idx, uri } = status.status_list;
  if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0)
    throw new TypeError('the credential’s status.status_list.idx must be a non-negative integer');
  if (typeof uri !== 'string' || !URL.canParse(uri))
    throw new TypeError('the credential’s status.status_list.uri must be a URI');
  return { uri, idx };
}

/** Why no statement about the status can be made (§8.3: the Referenced Token SHOULD then be rejected). */
export type StatusListFailure =
  | 'unreachable'
  | 'too-large'
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'subject'
  | 'index';

/** A status that cannot be read, with its reason, for the caller's policy (refuse by default). */
export class StatusListUnavailable extends Error {
  override readonly name = 'StatusListUnavailable';
  constructor(
    readonly reason: StatusListFailure,
    readonly uri: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`status list ${uri}: ${detail}`, { cause });
  }
}

export interface StatusListClientOptions {
  /** Epoch milliseconds: `exp` and every cache lifetime are read against it. */
  now: () => number;
  /**
   * Checks the token's signature with the PID issuer's trust (§5.1 rule 2, §11.3) and returns its
   * header and claims; a throw reads as 'signature'. The §5.1/§8.3 claim checks are this client's.
   */
  verify: (jwt: string) => Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }>;
  /** Issue 10 §4: the whole fetch, body included, within this time (default 5 s) and size (default 1 MiB). */
  timeoutMs?: number;
  maxBytes?: number;
  /** §11.5: an upper bound on how long a list is cached, whatever its `exp`, `ttl` or headers say (default 3600). */
  maxCacheSeconds?: number;
  /** How many lists are cached at most; the oldest is evicted first (default 16). */
  maxCachedLists?: number;
  fetch?: typeof fetch;
}

type VerifiedToken = Awaited<ReturnType<StatusListClientOptions['verify']>>;

interface CachedList {
  list: StatusList;
  /** Epoch ms after which the list is fetched again. */
  until: number;
}

const JWS_COMPACT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const BITS: readonly number[] = [1, 2, 4, 8];

/**
 * The response's `max-age` in seconds, 0 for `no-store`/`no-cache`. §8.2 puts the token's `exp` and
 * `ttl` before HTTP caching headers: here the headers can only shorten the caching, never extend it.
 */
function maxAgeOf(cacheControl: string | null): number | undefined {
  const directives = (cacheControl ?? '').split(',').map((directive) => directive.trim().toLowerCase());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  const maxAge = directives.find((directive) => /^max-age=\d+$/.test(directive));
  return maxAge === undefined ? undefined : Number(maxAge.slice('max-age='.length));
}

/**
 * Reads a status from its Status List Token (§8.3), caching each verified list until the earliest
 * of its `exp`, fetch time + `ttl` (§13.7, the RECOMMENDED method), the response's `max-age` and
 * `maxCacheSeconds`. Concurrent readers of one uri share one fetch in flight; a failure is shared
 * by those waiting for it but not cached, so the next reader fetches again.
 */
export class StatusListClient {
  private readonly cache = new Map<string, CachedList>();
  private readonly inFlight = new Map<string, Promise<StatusList>>();

  constructor(private readonly options: StatusListClientOptions) {}

  /** §7.1: the status value at `idx` (0 VALID, 1 INVALID, 2 SUSPENDED, others application specific). */
  async statusOf(reference: StatusReference): Promise<number> {
    const list = await this.listAt(reference.uri);
    // §8.3 step 6: an index out of bounds of the list makes no statement.
    const { idx } = reference;
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= list.statusList.length)
      throw new StatusListUnavailable('index', reference.uri, `index ${idx} outside the list`);
    return list.getStatus(idx);
  }

  private listAt(uri: string): Promise<StatusList> {
    const cached = this.cache.get(uri);
    if (cached && this.options.now() < cached.until) return Promise.resolve(cached.list);
    this.cache.delete(uri);
    let pending = this.inFlight.get(uri);
    if (!pending) {
      pending = this.fetchList(uri).finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    return pending;
  }

  private remember(uri: string, entry: CachedList): void {
    if (entry.until <= this.options.now()) return;
    this.cache.set(uri, entry);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= (this.options.maxCachedLists ?? 16)) break;
      this.cache.delete(oldest);
    }
  }

  /** §8.1, §8.2 and issue 10 §4: GET the token, https only, no redirect followed, bounded in time and size. */
  private async download(uri: string): Promise<{ jwt: string; maxAge: number | undefined }> {
    try {
      assertFetchableUrl(uri, 'a status list uri');
    } catch (cause) {
      throw new StatusListUnavailable(
        'unreachable',
        uri,
        'not fetched: a status list is fetched over https only',
        cause,
      );
    }
    try {
      const response = await (this.options.fetch ?? fetch)(uri, {
        headers: { Accept: 'application/statuslist+jwt' },
        // §11.4 warns of redirects; like the trust list (issue 10 §4), none is followed.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new StatusListUnavailable('unreachable', uri, `answered HTTP ${response.status}`);
      const jwt = (await readCapped(response, this.options.maxBytes ?? 1024 * 1024)).trim();
      return { jwt, maxAge: maxAgeOf(response.headers.get('cache-control')) };
    } catch (cause) {
      if (cause instanceof StatusListUnavailable) throw cause;
      if (cause instanceof ResponseTooLarge) throw new StatusListUnavailable('too-large', uri, cause.message, cause);
      throw new StatusListUnavailable('unreachable', uri, 'could not be fetched', cause);
    }
  }

  /** §8.3 steps 2–5: fetch, verify and read the token, and cache its list for as long as every bound allows. */
  private async fetchList(uri: string): Promise<StatusList> {
    const { jwt, maxAge } = await this.download(uri);
    if (!JWS_COMPACT.test(jwt)) throw new StatusListUnavailable('malformed', uri, 'not a compact JWS');
    let verified: VerifiedToken;
    try {
      verified = await this.options.verify(jwt);
    } catch (cause) {
      throw new StatusListUnavailable('signature', uri, 'does not verify with the issuer’s keys', cause);
    }
    const now = this.options.now();
    const { list, lifetime } = readToken(uri, verified, now);
    const bounds = [
      lifetime,
      (this.options.maxCacheSeconds ?? 3600) * 1000,
      (maxAge ?? Number.POSITIVE_INFINITY) * 1000,
    ];
    this.remember(uri, { list, until: now + Math.min(...bounds) });
    return list;
  }
}

/**
 * §5.1 and §8.3 steps 4–5: the verified token's claims checked against the uri that referenced it
 * and `now`, its list decompressed (by the library), and how long (ms) its `exp` and `ttl` let it be cached.
 */
function readToken(
  uri: string,
  { header, payload }: VerifiedToken,
  now: number,
): { list: StatusList; lifetime: number } {
  const refuse = (reason: StatusListFailure, detail: string, cause?: unknown) =>
    new StatusListUnavailable(reason, uri, detail, cause);
  // §5.1: the typ (RFC 7515 §4.1.9: `application/` may be written), and the required `sub`
  // (§8.3 step 4a: equal to the reference's uri) and `iat`.
  if (header.typ !== 'statuslist+jwt' && header.typ !== 'application/statuslist+jwt')
    throw refuse('malformed', 'typ is not statuslist+jwt');
  if (payload.sub !== uri) throw refuse('subject', 'its sub is not the uri that referenced it');
  if (typeof payload.iat !== 'number') throw refuse('malformed', 'iat missing');
  // §8.3 step 4c: an expired token is not relied upon; §5.1: a `ttl`, when present, is a positive number.
  const { exp = Number.POSITIVE_INFINITY, ttl = Number.POSITIVE_INFINITY } = payload;
  if (typeof exp !== 'number') throw refuse('malformed', 'exp is not a number');
  if (exp * 1000 <= now) throw refuse('expired', 'expired');
  if (typeof ttl !== 'number' || !(ttl > 0)) throw refuse('malformed', 'ttl is not a positive number');
  // §4.2, §8.3 step 5: bits of 1, 2, 4 or 8, and the list decompressed.
  const statusList = payload.status_list;
  if (!isRecord(statusList) || typeof statusList.lst !== 'string' || !BITS.includes(statusList.bits as number))
    throw refuse('malformed', 'status_list needs bits of 1, 2, 4 or 8 and an lst string');
  try {
    // A small signed body may inflate to gigabytes (a zip bomb): inflated here first, within a bound.
    inflateSync(Buffer.from(statusList.lst, 'base64url'), { maxOutputLength: MAX_INFLATED_BYTES });
    const list = StatusList.decompressStatusList(statusList.lst, statusList.bits as BitsPerStatus);
    // §13.7: cached from the time of fetching for `ttl`, never past `exp`.
    return { list, lifetime: Math.min(exp * 1000 - now, ttl * 1000) };
  } catch (cause) {
    throw refuse('malformed', 'lst does not decompress', cause);
  }
}
