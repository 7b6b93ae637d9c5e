import { type Dialect, MissingInteractionType } from '../../engine/index.js';

/** The dialects of Interactive Authorization (issue 13): every one but the seed's flow. */
export type InteractiveDialect = Exclude<Dialect, 'L' | 'B'>;

/**
 * The presentation interaction type of each dialect, as the wallet offers it and as the answer
 * names it (protocol-ia.md §2.2): bare in S1, `urn:openid:dcp:iae:` in S2, `urn:openid:dcp:ia:` in S3.
 */
export const PRESENTATION_TYPE: Record<InteractiveDialect, string> = {
  S1: 'openid4vp_presentation',
  S2: 'urn:openid:dcp:iae:openid4vp_presentation',
  S3: 'urn:openid:dcp:ia:openid4vp_presentation',
};

/** The browser step of each dialect (protocol-ia.md §3, §5): `redirect_to_web` bare in S1 and URN in S2, `auth_via_web` in S3. */
export const BROWSER_TYPE: Record<InteractiveDialect, string> = {
  S1: 'redirect_to_web',
  S2: 'urn:openid:dcp:iae:redirect_to_web',
  S3: 'urn:openid:dcp:ia:auth_via_web',
};

const IA_PREFIX = 'urn:openid:dcp:ia:';
const MAX_TYPES = 16;

/** protocol-ia.md §2.2: `interaction_types_supported` is comma-separated and its order is not significant. */
export function offeredTypes(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean)
    .slice(0, MAX_TYPES);
}

/** protocol-ia.md §11: at the challenge endpoint, an initial request offering `urn:openid:dcp:ia:*` types starts S3; any other starts L. */
export function challengeDialect(params: Map<string, string>): 'L' | 'S3' {
  return offeredTypes(params.get('interaction_types_supported')).some((type) => type.startsWith(IA_PREFIX))
    ? 'S3'
    : 'L';
}

/**
 * protocol-ia.md §3, §5: the issuer needs a presentation, in-band when the wallet offers the
 * presentation type, else in the browser step when it offers that alone (issue 15); a wallet
 * offering neither gets `missing_interaction_type`.
 */
export function chosenInteraction(dialect: InteractiveDialect, offered: string[]): 'presentation' | 'browser' {
  if (offered.includes(PRESENTATION_TYPE[dialect])) return 'presentation';
  if (offered.includes(BROWSER_TYPE[dialect])) return 'browser';
  throw new MissingInteractionType(
    `interaction_types_supported must include ${PRESENTATION_TYPE[dialect]} or ${BROWSER_TYPE[dialect]}`,
    'OpenID4VCI 1.1 IA (protocol-ia.md §3.2)',
  );
}
