import type { IssuerContext } from '../issuer-context.js';
import { basePathOf } from '../issuer-path.js';
import { jsonResponse, mediaType, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { audit } from '../endpoints/admin-auth.js';
import { SESSION_ID } from '../handles.js';
import { consoleActions } from './console-actions.js';
import { cookieOf, csrfMatches, type ConsoleSession } from './console-sessions.js';
import { refused, type ConsoleRequest } from './console-request.js';
import { eventStream } from './event-stream.js';
import { messagePage, page, seeOther } from './html.js';
import { loginPage, logIn, logOut } from './login.js';
import { overviewBody } from './overview-page.js';
import { sessionBody } from './session-page.js';
import { isUnreadable, readSession } from './session-view.js';
import { sessionsBody } from './sessions-page.js';
import { staticAsset } from './static-assets.js';

async function sessionPage(c: ConsoleRequest, session: ConsoleSession): Promise<ProtocolResponse> {
  const id = c.request.url.searchParams.get('id') ?? '';
  if (!SESSION_ID.test(id)) return refused(c, 404, 'not_a_session_id', 'That is not a session id.');
  const since = c.ctx.console!.live.last;
  try {
    const view = await readSession(c.ctx, id);
    if (!view) return refused(c, 404, 'unknown_session', 'No such session.');
    const notice = c.request.url.searchParams.get('done') ?? undefined;
    return page({
      title: `Session ${id}`,
      paths: c.paths,
      csrf: session.csrf,
      body: sessionBody(c.paths.root, view, session.csrf, notice, since),
    });
  } catch (error) {
    if (!isUnreadable(error)) throw error;
    return refused(
      c,
      409,
      'unreadable_session',
      'This session’s log fails its authentication or cannot be explained by the machine: it is refused, never read around.',
    );
  }
}

type PageHandler = (c: ConsoleRequest, session: ConsoleSession) => Promise<ProtocolResponse> | ProtocolResponse;

/** The logged-in pages, by name and method. */
const PAGES: Record<string, { method: 'GET' | 'POST'; handle: PageHandler }> = {
  sessions: {
    method: 'GET',
    handle: async (c, session) =>
      page({
        title: 'Sessions',
        paths: c.paths,
        csrf: session.csrf,
        body: await sessionsBody(c.ctx, c.paths.root, c.request.url, c.ctx.console!.live.last),
      }),
  },
  session: { method: 'GET', handle: sessionPage },
  overview: {
    method: 'GET',
    handle: (c, session) =>
      page({
        title: 'Overview',
        paths: c.paths,
        csrf: session.csrf,
        body: overviewBody(c.paths.root, c.ctx.console!.counts, c.ctx.now(), c.ctx.console!.live.last),
      }),
  },
  events: { method: 'GET', handle: (c) => eventStream(c.ctx.console!.live, c.request) },
  logout: { method: 'POST', handle: logOut },
  ...consoleActions,
};

function formOf(request: ProtocolRequest): URLSearchParams | undefined {
  if (request.method !== 'POST') return new URLSearchParams();
  return mediaType(request) === 'application/x-www-form-urlencoded' ? new URLSearchParams(request.body) : undefined;
}

/**
 * Issue 15 §2: `/admin/console/<page>`, the session console (only with `adminToken` set and
 * `console.enabled`): the login form, then the pages, their forms and the live event stream,
 * each behind the console session's cookie; every form's CSRF token is checked first.
 */
export async function handleConsole(
  ctx: IssuerContext,
  request: ProtocolRequest,
  name: string,
): Promise<ProtocolResponse> {
  const console = ctx.console;
  if (!console) return jsonResponse(404, { error: 'invalid_request', error_description: 'no such endpoint' });
  const paths = { root: `${basePathOf(ctx.config.publicUrl)}/admin/console` };
  if (name === '') return seeOther(`${paths.root}/sessions`);
  const asset = staticAsset(name);
  if (asset) return asset;
  const form = formOf(request);
  const cookie = cookieOf(request.headers.get('cookie'));
  const c: ConsoleRequest = { ctx, paths, request, form: form ?? new URLSearchParams(), session: undefined };
  if (!form) return refused(c, 400, 'not_a_form', 'The console takes forms only.');
  if (name === 'login') return request.method === 'POST' ? logIn(c, cookie) : loginPage(c, cookie);
  const target = PAGES[name];
  if (!target) return refused(c, 404, 'no_such_page', 'No such page.');
  const session = console.sessions.sessionOf(cookie, ctx.now());
  if (!session) {
    audit(ctx, { action: 'refused', endpoint: 'console', reason: 'no_console_session' });
    return request.method === 'GET' && name !== 'events'
      ? seeOther(`${paths.root}/login`)
      : messagePage(paths, 401, 'Log in first', 'This needs a console session: log in with the admin token.');
  }
  if (request.method !== target.method) return messagePage(paths, 405, 'Not possible', `Use ${target.method}.`);
  if (target.method === 'POST' && !csrfMatches(session, c.form.get('csrf') ?? undefined))
    return refused(c, 403, 'bad_csrf', 'The form’s CSRF token is missing or wrong: reload the page and try again.');
  return target.handle({ ...c, session }, session);
}
