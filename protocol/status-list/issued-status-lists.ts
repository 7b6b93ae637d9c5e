import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import type { JwsSigner } from '../../adapters/keys/ports.js';
import type { CredentialStatus, StatusStore, StatusTarget } from '../../adapters/stores/ports.js';
import type { IssuedStatusSettings } from '../../config/status-settings.js';
import { signCompactJws } from '../jose/compact-jws.js';
import { allocateStatus, type StatusClaim } from './issued-status.js';

/** Two bits per entry: VALID, INVALID, SUSPENDED (draft-ietf-oauth-status-list §4.1, §7.1). */
const BITS = 2;
const SECOND = 1000;

/** A list number as a path segment spells it (no sign, no leading zero), or undefined. */
export function listNumber(segment: string): number | undefined {
  return /^(0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : undefined;
}

/**
 * The status lists of the credentials this issuer issues (I-30): entries allocated at random
 * indices, status list tokens built from the store and signed by the credential key, kept per
 * instance for at most ttl/2 so that a change is served within half the token's `ttl`.
 */
export class IssuedStatusLists {
  private readonly built = new Map<number, { token: string; until: number }>();

  constructor(
    private readonly options: {
      store: StatusStore;
      settings: IssuedStatusSettings;
      /** `<publicUrl>/status`: a list's URI is this, a slash and its number. */
      baseUri: string;
      signer: () => JwsSigner;
      randomIndex: (bound: number) => number;
      now: () => number;
    },
  ) {}

  uriOf(list: number): string {
    return `${this.options.baseUri}/${list}`;
  }

  /** The list a URI of ours names, or undefined. */
  listOf(uri: string): number | undefined {
    const prefix = `${this.options.baseUri}/`;
    return uri.startsWith(prefix) ? listNumber(uri.slice(prefix.length)) : undefined;
  }

  /** The `status` claim of one credential about to be issued for `sessionId`. */
  async allocate(sessionId: string): Promise<StatusClaim> {
    const { store, settings, randomIndex } = this.options;
    const { list, idx } = await allocateStatus(store, { listSize: settings.listSize, randomIndex, sessionId });
    return { status_list: { idx, uri: this.uriOf(list) } };
  }

  /** Sets the target's status; answers the entries changed, by URI and index. */
  async setStatus(target: StatusTarget, status: CredentialStatus): Promise<Array<{ uri: string; idx: number }>> {
    const changed = await this.options.store.setStatus(target, status);
    for (const entry of changed) this.built.delete(entry.list);
    return changed.map((entry) => ({ uri: this.uriOf(entry.list), idx: entry.idx }));
  }

  /** The status list token of `list` (draft-ietf-oauth-status-list §5.1), or undefined for a list not opened yet. */
  async token(list: number): Promise<string | undefined> {
    const now = this.options.now();
    const kept = this.built.get(list);
    if (kept && kept.until > now) return kept.token;
    const { store, settings, signer } = this.options;
    if (list > (await store.currentList())) return undefined;
    const statuses = new StatusList(new Array<number>(settings.listSize).fill(0), BITS);
    for (const { idx, status } of await store.changed(list)) statuses.setStatus(idx, status);
    const key = signer();
    const iat = Math.floor(now / SECOND);
    // §5.1: typ statuslist+jwt, sub the list's URI, iat, exp, ttl.
    const { header, payload } = createHeaderAndPayload(
      statuses,
      { sub: this.uriOf(list), iat, exp: iat + settings.validitySeconds, ttl: settings.ttlSeconds },
      { alg: key.alg, kid: key.kid, typ: 'statuslist+jwt' },
    );
    const token = await signCompactJws(key, header, payload);
    this.built.set(list, { token, until: now + (settings.ttlSeconds * SECOND) / 2 });
    return token;
  }

  /** How long a served token may be kept by caches (RFC 9111 max-age): the rest of the time it is served as is. */
  maxAgeSeconds(): number {
    return Math.floor(this.options.settings.ttlSeconds / 2);
  }
}
