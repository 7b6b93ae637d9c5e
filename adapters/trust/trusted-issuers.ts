import { readFileSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { z } from 'zod';
import { assertFetchableUrl, fetchBoundedJson, type FetchLimits } from './bounded-fetch.js';

/** The JWS whose signing key is looked for: its protected header (`x5c`, `kid`) and the time of verification. */
export interface IssuerJws {
  header: { x5c?: string[]; kid?: string };
  now: number;
}

/**
 * The keys we accept credentials from, by issuer; an empty list means not trusted (seed 002 E-30).
 * Given the JWS, a source may take its key from the JWS itself (an `x5c` chain to an anchor).
 */
export interface TrustedIssuers {
  keysFor(issuer: string, jws?: IssuerJws): Promise<JWK[]>;
}

/** One trusted issuer and its public keys, as the configuration holds it (an unknown member is an error there). */
export const TrustedIssuer = z.strictObject({
  issuer: z.string().min(1).describe('The issuer identifier (`iss`) of the credentials signed with these keys.'),
  jwks: z
    .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).describe('The public keys, as JWKs.') })
    .describe('The issuer’s public keys, as a JWKS.'),
});
export type TrustedIssuer = z.infer<typeof TrustedIssuer>;

/** A published trust list (a JWKS file or URL): the same entries, their unknown members ignored. */
const TrustList = z.object({
  issuers: z.array(z.object({ ...TrustedIssuer.shape, jwks: z.object(TrustedIssuer.shape.jwks.shape) })),
});

/** A fixed list, from the configuration. */
export class StaticTrustedIssuers implements TrustedIssuers {
  constructor(private readonly list: readonly TrustedIssuer[]) {}

  async keysFor(issuer: string): Promise<JWK[]> {
    return this.list.filter((entry) => entry.issuer === issuer).flatMap((entry) => entry.jwks.keys as JWK[]);
  }
}

/**
 * A JWKS file `{ "issuers": [{ "issuer", "jwks": { "keys": [...] } }] }`, re-read whenever it
 * changes, so removing an issuer stops acceptance at once (seed 002 E-40). An unreadable
 * or invalid file trusts nobody.
 */
export class JwksFileTrustedIssuers implements TrustedIssuers {
  private loaded: { stamp: string; issuers: StaticTrustedIssuers } | undefined;

  constructor(private readonly path: string) {}

  private current(): StaticTrustedIssuers {
    let stamp: string;
    try {
      const stat = statSync(this.path);
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return new StaticTrustedIssuers([]);
    }
    if (this.loaded?.stamp !== stamp) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(this.path, 'utf8'));
      } catch {
        json = {};
      }
      const parsed = TrustList.safeParse(json);
      this.loaded = { stamp, issuers: new StaticTrustedIssuers(parsed.success ? parsed.data.issuers : []) };
    }
    return this.loaded.issuers;
  }

  async keysFor(issuer: string): Promise<JWK[]> {
    return this.current().keysFor(issuer);
  }
}

/** Issue 10 §4: a trust list is fetched over https only; plain http only from this machine (tests, a local sidecar). */
export function assertTrustListUrl(url: string): void {
  assertFetchableUrl(url, 'trustedIssuers.url');
}

export interface UrlSourceOptions extends FetchLimits {
  maxAgeMs: number;
  now: () => number;
}

/**
 * A JWKS document of the same shape served at a URL, fetched again once `maxAgeMs` has
 * passed (so removing an issuer there stops acceptance within that time; 0 = every
 * time). A failed or invalid fetch trusts nobody until the next successful one.
 * Issue 10 §4: https only, no redirects followed, one fetch in flight shared by every
 * presentation waiting for it, bounded in time and size.
 */
export class UrlTrustedIssuers implements TrustedIssuers {
  private loaded: { at: number; issuers: StaticTrustedIssuers } | undefined;
  private inFlight: Promise<StaticTrustedIssuers> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: UrlSourceOptions,
  ) {
    assertTrustListUrl(url);
  }

  private async fetchList(): Promise<TrustedIssuer[]> {
    try {
      const parsed = TrustList.safeParse(await fetchBoundedJson(this.url, this.options));
      return parsed.success ? parsed.data.issuers : [];
    } catch {
      return [];
    }
  }

  private current(): Promise<StaticTrustedIssuers> {
    if (this.loaded && this.options.now() - this.loaded.at < this.options.maxAgeMs)
      return Promise.resolve(this.loaded.issuers);
    this.inFlight ??= this.fetchList().then((list) => {
      this.loaded = { at: this.options.now(), issuers: new StaticTrustedIssuers(list) };
      this.inFlight = undefined;
      return this.loaded.issuers;
    });
    return this.inFlight;
  }

  async keysFor(issuer: string): Promise<JWK[]> {
    return (await this.current()).keysFor(issuer);
  }
}
