import type { JWK } from 'jose';
import { z } from 'zod';
import { assertFetchableUrl, fetchBoundedJson, type FetchLimits } from './bounded-fetch.js';
import type { TrustedIssuers } from './trusted-issuers.js';

const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
/** SD-JWT VC §5.2: the issuer's metadata names its keys by value (`jwks`) or by reference (`jwks_uri`), not both. */
const Metadata = z
  .object({ issuer: z.string(), jwks: Jwks.optional(), jwks_uri: z.string().optional() })
  .refine((metadata) => (metadata.jwks === undefined) !== (metadata.jwks_uri === undefined));

/** SD-JWT VC §5.1: `/.well-known/jwt-vc-issuer` inserted between the host and the path of the `iss`. */
export function metadataUrlOf(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/jwt-vc-issuer${path}`;
}

export interface MetadataSourceOptions extends FetchLimits {
  /** The issuers whose keys are resolved this way; any other issuer gets none from here. */
  issuers: readonly string[];
  maxAgeMs: number;
  now: () => number;
}

/**
 * E-30: the keys of a configured PID issuer from its SD-JWT VC issuer metadata (SD-JWT VC §5),
 * for issuers that publish no trust list entry: https only (loopback http for tests), no redirects,
 * bounded in time and size (issue 10 §4), the metadata's `issuer` equal to the `iss` (§5.2), kept
 * `maxAgeMs`, one fetch in flight per issuer. A failed or invalid fetch trusts nobody until the next.
 */
export class MetadataTrustedIssuers implements TrustedIssuers {
  private readonly loaded = new Map<string, { at: number; keys: JWK[] }>();
  private readonly inFlight = new Map<string, Promise<JWK[]>>();

  constructor(private readonly options: MetadataSourceOptions) {
    for (const issuer of options.issuers) assertFetchableUrl(issuer, 'trustedIssuers.metadata');
  }

  private async resolve(issuer: string): Promise<JWK[]> {
    try {
      const metadata = Metadata.parse(await fetchBoundedJson(metadataUrlOf(issuer), this.options));
      if (metadata.issuer !== issuer) return [];
      if (metadata.jwks) return metadata.jwks.keys as JWK[];
      assertFetchableUrl(metadata.jwks_uri!, 'jwks_uri');
      return Jwks.parse(await fetchBoundedJson(metadata.jwks_uri!, this.options)).keys as JWK[];
    } catch {
      return [];
    }
  }

  async keysFor(issuer: string): Promise<JWK[]> {
    if (!this.options.issuers.includes(issuer)) return [];
    const kept = this.loaded.get(issuer);
    if (kept && this.options.now() - kept.at < this.options.maxAgeMs) return kept.keys;
    let pending = this.inFlight.get(issuer);
    if (!pending) {
      pending = this.resolve(issuer).then((keys) => {
        this.loaded.set(issuer, { at: this.options.now(), keys });
        this.inFlight.delete(issuer);
        return keys;
      });
      this.inFlight.set(issuer, pending);
    }
    return pending;
  }
}
