import { listNumber } from '../status-list/issued-status-lists.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolResponse } from '../messages.js';

/**
 * GET /status/<list> (I-30; draft-ietf-oauth-status-list §8.1): the signed status list token of one of
 * our lists, as `application/statuslist+jwt`, cacheable for the time it is served unchanged.
 */
export async function handleStatusList(ctx: IssuerContext, list: string): Promise<ProtocolResponse> {
  const number = listNumber(list);
  const token = number === undefined ? undefined : await ctx.statusLists.token(number);
  if (!token) return jsonResponse(404, { error: 'invalid_request', error_description: 'no such status list' });
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/statuslist+jwt',
      'Cache-Control': `public, max-age=${ctx.statusLists.maxAgeSeconds()}`,
    },
    body: token,
  };
}
