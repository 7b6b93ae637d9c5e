import type { CredentialConfiguration } from '../../config/schema.js';
import { pidDcqlQuery, type DcqlQuery } from './request-object.js';

/** What a PID presentation must show: one of the accepted vct values and every listed claim. */
export interface PidRequirements {
  vctValues: string[];
  claims: string[];
}

/** What the session's credential configurations require to be presented (union of their requirements). */
export function pidRequirements(
  configurations: Readonly<Record<string, CredentialConfiguration>>,
  configurationIds: readonly string[],
): PidRequirements {
  const configs = configurationIds.map((id) => configurations[id]!);
  return {
    vctValues: [...new Set(configs.flatMap((c) => c.requires.vctValues))],
    claims: [...new Set(configs.flatMap((c) => c.requires.claims))],
  };
}

/** The DCQL query of the request object that asks for them (OpenID4VP §6). */
export function pidQuery(needed: PidRequirements): DcqlQuery {
  return pidDcqlQuery(needed.vctValues, needed.claims);
}

/** Of the claims a verified presentation showed, the required ones only (data minimisation): nothing else is kept. */
export function requiredClaims(needed: PidRequirements, shown: Readonly<Record<string, unknown>>) {
  return Object.fromEntries(needed.claims.map((name) => [name, shown[name]]));
}
