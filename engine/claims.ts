import type { SessionContext } from './context.js';

/**
 * I-20: the new credential's claims come only from the verified presentation, through the
 * configuration's mapping (new claim name → presented claim name); OpenID4VCI §5.1.1 and seed
 * 002 §3.3 (data minimisation): only the claims the wallet asked for in authorization_details,
 * when it named any. A presented claim that is absent gives no claim.
 */
export function credentialClaims(
  session: SessionContext,
  configurationId: string,
  mapping: Readonly<Record<string, string>>,
  presented: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const requested = session.claimSubsets?.[configurationId];
  return Object.fromEntries(
    Object.entries(mapping)
      .filter(([target, source]) => presented[source] !== undefined && (!requested || requested.includes(target)))
      .map(([target, source]) => [target, presented[source]]),
  );
}
