import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { CONSOLE_HEADERS } from './html.js';
import type { LiveFeed } from './live-feed.js';

/** How long one response waits for an event before it ends (the browser reconnects at once). */
const HOLD_MS = 8_000;
/** The reconnection delay the browser is told (HTML §9.2 `retry`). */
const RETRY_MS = 250;

/** Where the stream resumes: the browser's `Last-Event-ID` (HTML §9.2.4), else the page's `since`, else now. */
function resumeAt(feed: LiveFeed, request: ProtocolRequest): number {
  const named = request.headers.get('last-event-id') ?? request.url.searchParams.get('since');
  const seq = named !== null && /^\d{1,15}$/.test(named) ? Number(named) : feed.last;
  // A number from before this instance started (a restart) resumes from now.
  return Math.min(seq, feed.last);
}

/**
 * GET /admin/console/events (issue 15 §2): the accepted events as server-sent events (HTML
 * §9.2), only their type, session id and time. Each response carries what arrived after the
 * browser's last event id, waiting up to `HOLD_MS` for something, then ends; the browser
 * reconnects after `retry` with `Last-Event-ID`, so nothing kept is missed. The first request
 * (no `Last-Event-ID` yet) is answered at once, so the page knows soon that it is live. A response that
 * ends needs no streaming from the transport, so the stream works over every transport the
 * issuer has (Node, Fetch API, NATS request/reply).
 */
export async function eventStream(feed: LiveFeed, request: ProtocolRequest): Promise<ProtocolResponse> {
  const from = resumeAt(feed, request);
  const entries = await feed.wait(from, request.headers.has('last-event-id') ? HOLD_MS : 0);
  const lines = [`retry: ${RETRY_MS}`, ''];
  for (const { seq, type, sessionId, at } of entries)
    lines.push(`id: ${seq}`, 'event: accepted', `data: ${JSON.stringify({ type, sessionId, at })}`, '');
  // No event: the id still moves the browser's Last-Event-ID on (an empty dispatch changes nothing else).
  if (entries.length === 0) lines.push(`id: ${from}`, '');
  return {
    status: 200,
    headers: { ...CONSOLE_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8' },
    body: `${lines.join('\n')}\n`,
  };
}
