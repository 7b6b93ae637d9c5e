import { changeStatus } from '../endpoints/admin-status.js';
import { SESSION_ID } from '../handles.js';
import { eraseSession } from '../endpoints/erasure.js';
import type { ProtocolResponse } from '../messages.js';
import { refused, type ConsoleRequest } from './console-request.js';
import type { ConsoleSession } from './console-sessions.js';
import { seeOther } from './html.js';

const STATUSES = ['revoked', 'suspended', 'valid'] as const;

const back = (c: ConsoleRequest, sessionId: string, done: string) =>
  seeOther(`${c.paths.root}/session?${new URLSearchParams({ id: sessionId, done })}`);

/** The session a form names, or undefined when it names none. */
const sessionIdOf = (c: ConsoleRequest) => {
  const id = c.form.get('session_id') ?? '';
  return SESSION_ID.test(id) ? id : undefined;
};

/** POST /admin/console/erase (seed 002 §3.3): the admin API's erasure, `eraseSession`, audited as the console's. */
async function erase(c: ConsoleRequest): Promise<ProtocolResponse> {
  const sessionId = sessionIdOf(c);
  if (!sessionId || !(await eraseSession(c.ctx, sessionId, 'console')))
    return refused(c, 404, 'unknown_session', 'No such session.');
  return back(c, sessionId, 'erased');
}

/** POST /admin/console/status (I-30): revoke, suspend or reinstate the session's issued credentials, `changeStatus`. */
async function status(c: ConsoleRequest): Promise<ProtocolResponse> {
  const sessionId = sessionIdOf(c);
  const wanted = STATUSES.find((s) => s === c.form.get('status'));
  if (!sessionId || !wanted)
    return refused(c, 400, 'bad_status_change', 'That status change names no session or status.');
  await changeStatus(c.ctx, { sessionId }, wanted, 'console');
  return back(c, sessionId, wanted);
}

/** The console's state-changing forms beside logout (their CSRF token is checked before they run). */
export const consoleActions: Record<
  string,
  { method: 'POST'; handle: (c: ConsoleRequest, session: ConsoleSession) => Promise<ProtocolResponse> }
> = {
  erase: { method: 'POST', handle: erase },
  status: { method: 'POST', handle: status },
};
