/** The browser step's pages: plain HTML, no external resource, styled and scripted only from our own origin. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, escaped for HTML. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/**
 * Issue 15: a strict Content-Security-Policy (no inline script or style, nothing from elsewhere),
 * never framed, never cached, no referrer (the page's URL holds its handle).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** One page of the browser step: a heading, the body's HTML (already escaped by its builder), our stylesheet and script. */
export function page(input: {
  title: string;
  body: string;
  assets: string;
  /** The page follows its step: where its status, its events and its completion are. */
  live?: { status: string; events: string; complete: string };
}) {
  const live = input.live
    ? ` data-status="${escapeHtml(input.live.status)}" data-events="${escapeHtml(input.live.events)}" data-complete="${escapeHtml(input.live.complete)}"`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="${escapeHtml(input.assets)}/page.css">
<script src="${escapeHtml(input.assets)}/page.js" defer></script>
</head>
<body${live}>
<main>
<h1>${escapeHtml(input.title)}</h1>
${input.body}
</main>
</body>
</html>
`;
}
