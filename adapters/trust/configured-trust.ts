import type { Config } from '../../config/schema.js';
import type { Clock } from '../../protocol/ports.js';
import {
  JwksFileTrustedIssuers,
  StaticTrustedIssuers,
  UrlTrustedIssuers,
  type TrustedIssuers,
} from './trusted-issuers.js';
import { X509TrustedIssuers } from './x509-trusted-issuers.js';
import { MetadataTrustedIssuers } from './jwt-vc-issuer-metadata.js';

/** Whom the issuer trusts: the PID issuers whose credentials it accepts (E-30) and the wallet providers whose attestations it accepts (ABCA). */
export interface IssuerTrust {
  pidIssuers: TrustedIssuers;
  walletAttesters: TrustedIssuers;
}

const SECOND = 1000;

/**
 * The PID issuers trusted by any of the configured sources: the inline list, the JWKS file, the JWKS URL,
 * the issuers' own metadata, X.509 anchors. Each source answers only for the issuers it lists (or certifies).
 */
function configuredPidIssuers(config: Config, now: Clock): TrustedIssuers {
  const { issuers, file, url, urlMaxAgeSeconds, urlTimeoutMs, urlMaxBytes, metadata, x509 } = config.trustedIssuers;
  const fetched = {
    maxAgeMs: urlMaxAgeSeconds * SECOND,
    now,
    ...(urlTimeoutMs && { timeoutMs: urlTimeoutMs }),
    ...(urlMaxBytes && { maxBytes: urlMaxBytes }),
  };
  const sources: TrustedIssuers[] = [new StaticTrustedIssuers(issuers), new X509TrustedIssuers(x509)];
  if (file) sources.push(new JwksFileTrustedIssuers(file));
  if (url) sources.push(new UrlTrustedIssuers(url, fetched));
  if (metadata.length > 0) sources.push(new MetadataTrustedIssuers({ issuers: metadata, ...fetched }));
  return {
    keysFor: async (issuer, jws) => (await Promise.all(sources.map((source) => source.keysFor(issuer, jws)))).flat(),
  };
}

/** The trust the configuration describes (`trustedIssuers`, `walletAttestation.trustedAttesters`); `now` ages the JWKS URL's copy. */
export function configuredTrust(config: Config, now: Clock): IssuerTrust {
  return {
    pidIssuers: configuredPidIssuers(config, now),
    walletAttesters: new StaticTrustedIssuers(config.walletAttestation.trustedAttesters),
  };
}
