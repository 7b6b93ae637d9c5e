import { listNumber } from '../status-list/issued-status-lists.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolResponse } from '../messages.js';

/**
 * A status list token as draft-ietf-oauth-status-list §8.1 serves it (cacheable for `maxAgeSeconds`, or,
 * without, for as long as its own `ttl` says), or 404 with error JSON for no such list.
 */
function statusListResponse(token: string | undefined, maxAgeSeconds?: number): ProtocolResponse {
  if (!token) return jsonResponse(404, { error: 'invalid_request', error_description: 'no such status list' });
  const caching: Record<string, string> =
    maxAgeSeconds === undefined ? {} : { 'Cache-Control': `public, max-age=${maxAgeSeconds}` };
  return { status: 200, headers: { 'Content-Type': 'application/statuslist+jwt', ...caching }, body: token };
}

/**
 * GET /status/<list> (I-30; draft-ietf-oauth-status-list §8.1): the signed status list token of one of
 * our lists, cacheable for the rest of the time this instance serves it unchanged (so a cache never
 * holds it past ttl/2 after it was built).
 */
export async function handleStatusList(ctx: IssuerContext, list: string): Promise<ProtocolResponse> {
  const number = listNumber(list);
  const built = number === undefined ? undefined : await ctx.statusLists.token(number);
  return statusListResponse(built?.token, built && Math.max(0, Math.ceil((built.until - ctx.now()) / 1000)));
}

/** GET /demo/pid-provider/status/<list>: in demo mode only, the demo PID provider's list, which its PIDs name (kept by its `ttl`). */
export async function handleDemoPidStatusList(ctx: IssuerContext, list: string): Promise<ProtocolResponse> {
  const number = listNumber(list);
  const token = ctx.demoPidStatus && number !== undefined ? await ctx.demoPidStatus(number) : undefined;
  return statusListResponse(token);
}
