import type { JwsSigner } from '../../adapters/keys/ports.js';
import {
  CREDENTIAL_STATUS,
  type CredentialStatus,
  type StatusStore,
  type StatusTarget,
} from '../../adapters/stores/ports.js';
import { CredentialRequestDenied } from '../../engine/index.js';
import type { IssuedStatusSettings } from '../../config/status-settings.js';
import { allocateStatus, type StatusClaim } from './issued-status.js';
import { signStatusListToken } from './status-list-token.js';

const SECOND = 1000;

/** A list number as a path segment spells it (no sign, no leading zero), or undefined. */
export function listNumber(segment: string): number | undefined {
  return /^(0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : undefined;
}

/** The list a status list URI names below `baseUri` (`<publicUrl>/status`), or undefined for any other URI. */
export function listOfUri(uri: string, baseUri: string): number | undefined {
  return uri.startsWith(`${baseUri}/`) ? listNumber(uri.slice(baseUri.length + 1)) : undefined;
}

/**
 * The status lists of the credentials this issuer issues (I-30): entries allocated at random
 * indices, status list tokens built from the store and signed by the credential key, kept per
 * instance for at most ttl/2 so that a change is served within half the token's `ttl`.
 */
export class IssuedStatusLists {
  private readonly built = new Map<
    number,
    { served: Promise<{ token: string; until: number } | undefined>; until: number }
  >();

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
    return listOfUri(uri, this.options.baseUri);
  }

  /**
   * The `status` claim of one credential about to be issued for `sessionId`. I-30: a session whose
   * credentials the admin revoked or suspended gets no more (its new entry takes that status, unused).
   */
  async allocate(sessionId: string): Promise<StatusClaim> {
    const { store, settings, randomIndex } = this.options;
    const { list, idx, status } = await allocateStatus(store, { listSize: settings.listSize, randomIndex, sessionId });
    if (status !== CREDENTIAL_STATUS.valid)
      throw new CredentialRequestDenied('the credentials of this session are revoked or suspended', 'I-30');
    return { status_list: { idx, uri: this.uriOf(list) } };
  }

  /** Sets the target's status; answers the entries changed, by URI and index. */
  async setStatus(target: StatusTarget, status: CredentialStatus): Promise<Array<{ uri: string; idx: number }>> {
    const changed = await this.options.store.setStatus(target, status);
    for (const entry of changed) this.built.delete(entry.list);
    return changed.map((entry) => ({ uri: this.uriOf(entry.list), idx: entry.idx }));
  }

  /**
   * The status list token of `list` (draft-ietf-oauth-status-list §5.1) and until when this instance serves
   * it unchanged, or undefined for a list not opened yet. One build in flight per list, shared by every request.
   */
  token(list: number): Promise<{ token: string; until: number } | undefined> {
    const now = this.options.now();
    const kept = this.built.get(list);
    if (kept && kept.until > now) return kept.served;
    const until = now + (this.options.settings.ttlSeconds * SECOND) / 2;
    const served = this.build(list, now).then((token) => (token === undefined ? undefined : { token, until }));
    this.built.set(list, { served, until });
    // A list not opened yet, or a failed build, is asked again next time.
    served.then(
      (built) => built ?? this.built.delete(list),
      () => this.built.delete(list),
    );
    return served;
  }

  private async build(list: number, now: number): Promise<string | undefined> {
    const { store, settings, signer } = this.options;
    if (list > (await store.currentList())) return undefined;
    const statuses = new Array<number>(settings.listSize).fill(0);
    for (const { idx, status } of await store.changed(list)) statuses[idx] = status;
    return signStatusListToken({
      statuses,
      uri: this.uriOf(list),
      now,
      validitySeconds: settings.validitySeconds,
      ttlSeconds: settings.ttlSeconds,
      signer: signer(),
    });
  }
}
