import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LruCache } from '../../engine/index.js';

/** The console's cookie: a random session id, nothing else. */
export const COOKIE = 'pdi_console';

/** One console session: its id (the cookie), its CSRF token (the synchronizer token of its forms) and when it was last used. */
export interface ConsoleSession {
  id: string;
  csrf: string;
  lastSeen: number;
}

const random = () => randomBytes(32).toString('base64url');
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** OWASP CSRF synchronizer token: the form's token must be the session's, compared in constant time. */
export function csrfMatches(session: ConsoleSession, presented: string | undefined): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(session.csrf));
}

/**
 * Issue 15 §2: the console's server-side sessions, in memory, per instance (a console user stays
 * on the instance that logged them in; a restart logs everyone out). Two pools, each bounded:
 * the login forms handed out (so the login form carries a CSRF token too) and the logged-in
 * sessions, which end after `idleMs` without use or at logout. Logging in issues a new id
 * (no session fixation).
 */
export class ConsoleSessions {
  private readonly forms = new LruCache<ConsoleSession>(256);
  private readonly active = new LruCache<ConsoleSession>(64);

  constructor(private readonly idleMs: number) {}

  private fresh(session: ConsoleSession | undefined, now: number): ConsoleSession | undefined {
    if (!session || now - session.lastSeen > this.idleMs) return undefined;
    session.lastSeen = now;
    return session;
  }

  /** A login form's session, new or (when the cookie names one still fresh) the same. */
  loginForm(cookie: string | undefined, now: number): ConsoleSession {
    const known = cookie === undefined ? undefined : this.fresh(this.forms.get(cookie), now);
    if (known) return known;
    const session = { id: random(), csrf: random(), lastSeen: now };
    this.forms.set(session.id, session);
    return session;
  }

  /** The login form the cookie names, if it was handed out here and is fresh. */
  formOf(cookie: string | undefined, now: number): ConsoleSession | undefined {
    return cookie === undefined ? undefined : this.fresh(this.forms.get(cookie), now);
  }

  /** A successful login: the form's session ends and a new one, with a new id and token, begins. */
  logIn(form: ConsoleSession, now: number): ConsoleSession {
    this.forms.delete(form.id);
    const session = { id: random(), csrf: random(), lastSeen: now };
    this.active.set(session.id, session);
    return session;
  }

  /** The logged-in session the cookie names, its idle time restarted; undefined when unknown or idle too long. */
  sessionOf(cookie: string | undefined, now: number): ConsoleSession | undefined {
    if (cookie === undefined) return undefined;
    const session = this.fresh(this.active.get(cookie), now);
    if (!session) this.active.delete(cookie);
    return session;
  }

  logOut(session: ConsoleSession): void {
    this.active.delete(session.id);
  }
}

/** RFC 6265 §5.4: the value of the console's cookie in a `Cookie` header. */
export function cookieOf(header: string | null): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const [name, ...value] = pair.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/** RFC 6265 §4.1, RFC 6265bis SameSite: HttpOnly, SameSite=Strict, only under the console's path, Secure over https. */
export function setCookie(value: string, path: string, secure: boolean, clear = false): string {
  return [
    `${COOKIE}=${clear ? '' : value}`,
    `Path=${path}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(clear ? ['Max-Age=0'] : []),
  ].join('; ');
}
