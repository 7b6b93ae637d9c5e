import { audit, checkAdminToken } from '../endpoints/admin-auth.js';
import type { ProtocolResponse } from '../messages.js';
import type { ConsoleRequest } from './console-request.js';
import { csrfMatches, setCookie, type ConsoleSession } from './console-sessions.js';
import { html, page, seeOther } from './html.js';

const secure = (c: ConsoleRequest) => new URL(c.ctx.config.publicUrl).protocol === 'https:';

function form(c: ConsoleRequest, session: ConsoleSession, status: number, problem?: string): ProtocolResponse {
  return page({
    title: 'Log in',
    paths: c.paths,
    status,
    headers: { 'Set-Cookie': setCookie(session.id, c.paths.root, secure(c)) },
    body: html`<main><h1>Log in</h1>
${problem ? html`<p class="refusal" role="alert">${problem}</p>` : ''}
<form method="post" action="${c.paths.root}/login" class="login">
<input type="hidden" name="csrf" value="${session.csrf}">
<label>Admin token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button></form>
<p class="muted">The console shows sessions by ids, hashes and times only; it never shows claims, tokens or keys.</p></main>`,
  });
}

/** GET /admin/console/login: the form, with a CSRF token bound to a login session of its own. */
export function loginPage(c: ConsoleRequest, cookie: string | undefined): ProtocolResponse {
  return form(c, c.ctx.console!.sessions.loginForm(cookie, c.ctx.now()), 200);
}

/**
 * POST /admin/console/login (issue 15 §2): the form's CSRF token, then the admin token, compared
 * in constant time and throttled and audited exactly as the admin API's bearer token
 * (`checkAdminToken`). Success starts a new console session (a new id in the cookie).
 */
export function logIn(c: ConsoleRequest, cookie: string | undefined): ProtocolResponse {
  const { ctx } = c;
  const sessions = ctx.console!.sessions;
  const pending = sessions.formOf(cookie, ctx.now());
  if (!pending || !csrfMatches(pending, c.form.get('csrf') ?? undefined)) {
    audit(ctx, { action: 'refused', endpoint: 'console', reason: 'bad_csrf' });
    return form(
      c,
      sessions.loginForm(undefined, ctx.now()),
      403,
      'The form had expired or was not this console’s: try again.',
    );
  }
  const refusal = checkAdminToken(ctx, c.request, 'console', c.form.get('token'));
  if (refusal?.reason === 'throttled') {
    const answer = form(c, pending, 429, `Too many failed attempts: try again in ${refusal.retryAfter} s.`);
    return { ...answer, headers: { ...answer.headers, 'Retry-After': String(refusal.retryAfter) } };
  }
  if (refusal) return form(c, pending, 401, 'That is not the admin token.');
  const session = sessions.logIn(pending, ctx.now());
  audit(ctx, { action: 'console_login', endpoint: 'console' });
  return seeOther(`${c.paths.root}/sessions`, { 'Set-Cookie': setCookie(session.id, c.paths.root, secure(c)) });
}

/** POST /admin/console/logout (CSRF token checked by the caller): the session ends, the cookie is cleared. */
export function logOut(c: ConsoleRequest, session: ConsoleSession): ProtocolResponse {
  c.ctx.console!.sessions.logOut(session);
  audit(c.ctx, { action: 'console_logout', endpoint: 'console' });
  return seeOther(`${c.paths.root}/login`, { 'Set-Cookie': setCookie('', c.paths.root, secure(c), true) });
}
