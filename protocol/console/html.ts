import type { ProtocolResponse } from '../messages.js';

/** Markup that is already escaped (built by `html`). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escaped = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Part = Html | string | number | boolean | undefined | null | readonly Part[];
const render = (part: Part): string =>
  part instanceof Html
    ? part.markup
    : Array.isArray(part)
      ? part.map(render).join('')
      : part === undefined || part === null || part === false
        ? ''
        : escaped(String(part));

/** A template whose every interpolated value is escaped (text and attribute values alike), unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  return new Html(strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]!) : ''), ''));
}

/**
 * Issue 15 §2: every console answer: no external resource, no inline script or style, never
 * framed, never cached (it shows sessions), no referrer leaving it.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** Where the console lives below the host: the issuer's base path and `/admin/console`. */
export interface ConsolePaths {
  root: string;
}

export interface PageOptions {
  title: string;
  paths: ConsolePaths;
  body: Html;
  /** The logged-in navigation, with the logout form's CSRF token; absent on the login page. */
  csrf?: string;
  status?: number;
  headers?: Record<string, string>;
}

/** A whole console page: the shared head (the console's own CSS and JS), navigation, `<main>`. */
export function page({ title, paths, body, csrf, status = 200, headers = {} }: PageOptions): ProtocolResponse {
  const nav =
    csrf === undefined
      ? ''
      : html`<nav><a href="${paths.root}/sessions">Sessions</a> <a href="${paths.root}/overview">Overview</a>
<form method="post" action="${paths.root}/logout" class="inline"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Log out</button></form></nav>`;
  const document = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · pdi-engine console</title>
<link rel="stylesheet" href="${paths.root}/console.css"><script src="${paths.root}/console.js" defer></script></head>
<body><header><strong>pdi-engine</strong> session console ${nav}</header>
${body}
</body></html>`;
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...CONSOLE_HEADERS, ...headers },
    body: document.markup,
  };
}

/** RFC 9110 §15.4.4: after a form, the page to show (303 See Other, so a reload repeats nothing). */
export function seeOther(location: string, headers: Record<string, string> = {}): ProtocolResponse {
  return { status: 303, headers: { ...CONSOLE_HEADERS, Location: location, ...headers }, body: '' };
}

/** A refusal or failure as a page of its own, in plain words. */
export function messagePage(paths: ConsolePaths, status: number, title: string, message: string): ProtocolResponse {
  return page({
    title,
    paths,
    status,
    body: html`<main><h1>${title}</h1><p class="refusal">${message}</p><p><a href="${paths.root}/sessions">Back to the sessions</a></p></main>`,
  });
}

/** Epoch ms as the console shows times: ISO 8601, UTC, to the millisecond. */
export const isoTime = (at: number) => new Date(at).toISOString();

/** A duration as people read it: 42 s, 3 min, 2 h, 5 d. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
