import type { X509Certificate } from '@peculiar/x509';
import type { JWK } from 'jose';
import { LruCache } from '../../engine/index.js';
import { X509Anchors } from './x509-anchors.js';
import { type ValidatedChain, validateIssuerChain } from './x509-chain.js';
import type { IssuerJws, TrustedIssuers } from './trusted-issuers.js';

export interface X509TrustOptions {
  /** PEM files or directories of the trust anchors. */
  anchors: readonly string[];
  /** The issuers that may use X.509; empty: any issuer an anchor certifies. */
  issuers: readonly string[];
  requiredExtendedKeyUsage: readonly string[];
}

/**
 * E-30: the key of a PID signed with an `x5c` chain (SD-JWT VC §3.5): its leaf, once the chain is
 * validated to a configured anchor (read again on every change: E-40) and bound to the `iss`.
 * A JWS without `x5c`, or from an issuer not allowed to use X.509, gets no key here (its JWKS
 * sources decide); a chain that fails throws `X509ChainRefused`, naming the step. A validated chain
 * is kept while the anchors are unchanged and every certificate of its path is valid, so a wallet
 * presenting PIDs of the same issuer costs one validation, not one per presentation.
 */
export class X509TrustedIssuers implements TrustedIssuers {
  private readonly anchors: X509Anchors;
  private readonly validated = new LruCache<{ chain: ValidatedChain; anchors: readonly X509Certificate[] }>(1024);

  constructor(private readonly options: X509TrustOptions) {
    this.anchors = new X509Anchors(options.anchors);
  }

  async keysFor(issuer: string, jws?: IssuerJws): Promise<JWK[]> {
    const x5c = jws?.header.x5c;
    if (x5c === undefined || this.options.anchors.length === 0) return [];
    if (this.options.issuers.length > 0 && !this.options.issuers.includes(issuer)) return [];
    const anchors = this.anchors.current();
    const now = jws!.now;
    const id = `${issuer}\n${Array.isArray(x5c) ? x5c.join('\n') : ''}`;
    const kept = this.validated.get(id);
    // E-40: an anchor file changed (a new array of anchors) means validating again.
    if (kept?.anchors === anchors && now >= kept.chain.validFrom && now <= kept.chain.validUntil)
      return [kept.chain.key];
    const chain = await validateIssuerChain(x5c, {
      issuer,
      anchors,
      now,
      ...(this.options.requiredExtendedKeyUsage.length > 0 && {
        requiredExtendedKeyUsage: this.options.requiredExtendedKeyUsage,
      }),
    });
    this.validated.set(id, { chain, anchors });
    return [chain.key];
  }
}
