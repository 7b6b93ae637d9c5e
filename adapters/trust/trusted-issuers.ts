import { readFileSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { z } from 'zod';

/** The keys we accept credentials from, by issuer; an empty list means not trusted (seed 002 E-30). */
export interface TrustedIssuers {
  keysFor(issuer: string): Promise<JWK[]>;
}

export const TrustedIssuerList = z.array(
  z.object({ issuer: z.string().min(1), jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) }),
);
export type TrustedIssuerList = z.infer<typeof TrustedIssuerList>;

/** A fixed list, from the configuration. */
export class StaticTrustedIssuers implements TrustedIssuers {
  constructor(private readonly list: TrustedIssuerList) {}

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
      const parsed = z.object({ issuers: TrustedIssuerList }).safeParse(json);
      this.loaded = { stamp, issuers: new StaticTrustedIssuers(parsed.success ? parsed.data.issuers : []) };
    }
    return this.loaded.issuers;
  }

  async keysFor(issuer: string): Promise<JWK[]> {
    return this.current().keysFor(issuer);
  }
}

/**
 * A JWKS document of the same shape served at a URL, fetched again once `maxAgeMs` has
 * passed (so removing an issuer there stops acceptance within that time; 0 = every
 * time). A failed or invalid fetch trusts nobody until the next successful one.
 */
export class UrlTrustedIssuers implements TrustedIssuers {
  private loaded: { at: number; issuers: StaticTrustedIssuers } | undefined;

  constructor(
    private readonly url: string,
    private readonly options: { maxAgeMs: number; now: () => number; fetch?: typeof fetch },
  ) {}

  private async current(): Promise<StaticTrustedIssuers> {
    const now = this.options.now();
    if (this.loaded && now - this.loaded.at < this.options.maxAgeMs) return this.loaded.issuers;
    let list: TrustedIssuerList = [];
    try {
      const response = await (this.options.fetch ?? fetch)(this.url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
      const parsed = z.object({ issuers: TrustedIssuerList }).safeParse(await response.json());
      if (response.ok && parsed.success) list = parsed.data.issuers;
    } catch {
      list = [];
    }
    this.loaded = { at: now, issuers: new StaticTrustedIssuers(list) };
    return this.loaded.issuers;
  }

  async keysFor(issuer: string): Promise<JWK[]> {
    return (await this.current()).keysFor(issuer);
  }
}
