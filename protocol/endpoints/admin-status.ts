import { z } from 'zod';
import { CREDENTIAL_STATUS, type StatusTarget } from '../../adapters/stores/ports.js';
import { InvalidRequest } from '../../engine/index.js';
import { audit, refuseNonAdmin } from './admin-auth.js';
import { adminSessionId } from './admin-session.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, readJson, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

const StatusChange = z
  .strictObject({
    session_id: z.string().optional(),
    status_list: z.strictObject({ uri: z.string().max(2048), idx: z.number().int().nonnegative() }).optional(),
    status: z.enum(['revoked', 'suspended', 'valid']),
  })
  .refine((body) => (body.session_id === undefined) !== (body.status_list === undefined), {
    message: 'exactly one of session_id and status_list',
  });

/** The entries a change is for: a session's credentials, or the one credential whose `status.status_list` is given. */
function targetOf(ctx: IssuerContext, body: z.infer<typeof StatusChange>): StatusTarget {
  if (body.session_id !== undefined) return { sessionId: adminSessionId(body.session_id) };
  const list = ctx.statusLists.listOf(body.status_list!.uri);
  if (list === undefined) throw new InvalidRequest('the status list is not one of this issuer', 'admin API');
  return { list, idx: body.status_list!.idx };
}

/**
 * I-30 (the issuer revokes on abuse): revoke, suspend or reinstate the credentials of a session,
 * or one entry; revoked is final (Token Status List §7.1). Audited under `endpoint` (the admin
 * API, the console). The entries that changed; the served list shows them within ttl/2.
 */
export async function changeStatus(
  ctx: IssuerContext,
  target: StatusTarget,
  status: keyof typeof CREDENTIAL_STATUS,
  endpoint: string,
): Promise<Array<{ uri: string; idx: number }>> {
  const changed = await ctx.statusLists.setStatus(target, CREDENTIAL_STATUS[status]);
  audit(ctx, {
    action: 'credential_status_changed',
    endpoint,
    status,
    changed: String(changed.length),
    ...('sessionId' in target
      ? { sessionId: target.sessionId }
      : { list: String(target.list), idx: String(target.idx) }),
  });
  return changed;
}

/**
 * POST /admin/status (admin bearer token): `changeStatus` for the credentials of a session, or
 * the one a `status_list` reference names. Answers the entries that changed.
 */
export async function handleStatusChange(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'status');
  if (refused) return refused;
  const parsed = StatusChange.safeParse(readJson(request, InvalidRequest, 'admin API'));
  if (!parsed.success)
    throw new InvalidRequest(`malformed status change: ${parsed.error.issues[0]?.message}`, 'admin API');
  const changed = await changeStatus(ctx, targetOf(ctx, parsed.data), parsed.data.status, 'status');
  return jsonResponse(200, { status: parsed.data.status, changed });
}
