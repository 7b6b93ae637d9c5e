import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import type { JwsSigner } from '../../adapters/keys/ports.js';
import { signCompactJws } from '../jose/compact-jws.js';

/** Two bits per entry: VALID, INVALID, SUSPENDED (draft-ietf-oauth-status-list §4.1, §7.1). */
export const STATUS_BITS = 2;

/**
 * A signed status list token (draft-ietf-oauth-status-list §5.1): typ `statuslist+jwt`, `sub` the list's
 * URI, `iat`, `exp`, `ttl`, the statuses deflated; the signer's `kid`, or its chain in `x5c` when given.
 */
export function signStatusListToken(input: {
  statuses: readonly number[];
  uri: string;
  now: number;
  validitySeconds: number;
  ttlSeconds: number;
  signer: JwsSigner;
  x5c?: string[];
}): Promise<string> {
  const iat = Math.floor(input.now / 1000);
  const { header, payload } = createHeaderAndPayload(
    new StatusList([...input.statuses], STATUS_BITS),
    { sub: input.uri, iat, exp: iat + input.validitySeconds, ttl: input.ttlSeconds },
    { alg: input.signer.alg, typ: 'statuslist+jwt', ...(input.x5c ? { x5c: input.x5c } : { kid: input.signer.kid }) },
  );
  return signCompactJws(input.signer, header, payload);
}
