import { audit } from '../endpoints/admin-auth.js';
import type { IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import type { ConsoleSession } from './console-sessions.js';
import { messagePage, type ConsolePaths } from './html.js';

/** What every console handler gets: the issuer's context, the console's paths, the request and its form (for POSTs). */
export interface ConsoleRequest {
  ctx: IssuerContext;
  paths: ConsolePaths;
  request: ProtocolRequest;
  form: URLSearchParams;
  /** The cookie's logged-in session, when it names one. */
  session: ConsoleSession | undefined;
}

/** A console refusal: audited (endpoint `console`, never a token or a form value) and answered as a page. */
export function refused(c: ConsoleRequest, status: number, reason: string, message: string): ProtocolResponse {
  audit(c.ctx, { action: 'refused', endpoint: 'console', reason });
  return messagePage(c.paths, status, status === 403 ? 'Refused' : 'Not possible', message);
}
