import type { JWK } from 'jose';
import { X509Anchors } from './x509-anchors.js';
import { verifyIssuerChain } from './x509-chain.js';
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
 * sources decide); a chain that fails throws `X509ChainRefused`, naming the step.
 */
export class X509TrustedIssuers implements TrustedIssuers {
  private readonly anchors: X509Anchors;

  constructor(private readonly options: X509TrustOptions) {
    this.anchors = new X509Anchors(options.anchors);
  }

  async keysFor(issuer: string, jws?: IssuerJws): Promise<JWK[]> {
    const x5c = jws?.header.x5c;
    if (x5c === undefined || this.options.anchors.length === 0) return [];
    if (this.options.issuers.length > 0 && !this.options.issuers.includes(issuer)) return [];
    const leaf = await verifyIssuerChain(x5c, {
      issuer,
      anchors: this.anchors.current(),
      now: jws!.now,
      ...(this.options.requiredExtendedKeyUsage.length > 0 && {
        requiredExtendedKeyUsage: this.options.requiredExtendedKeyUsage,
      }),
    });
    return [leaf];
  }
}
