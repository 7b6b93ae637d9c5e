import type { EventType, StreamSummary } from '../../engine/index.js';
import type { IssuerContext } from '../issuer-context.js';
import { age, html, isoTime } from './html.js';
import { machineGraph } from './machine-svg.js';
import { isUnreadable, readSession, type SessionView } from './session-view.js';

const PAGE = 25;
/** How many sessions one page reads at most while filtering by state. */
const SCANNED = 200;
/** The time filters: the last so many minutes (0: any time). */
export const RANGES: Record<string, number> = { '15m': 15, '1h': 60, '24h': 1440, '7d': 10_080, all: 0 };

export interface ListQuery {
  state?: string;
  range: string;
  after?: { at: number; streamId: string };
}

/** The list's filters from the query string; anything unknown is ignored (the whole list). */
export function listQueryOf(url: URL): ListQuery {
  const state = url.searchParams.get('state') ?? '';
  const range = url.searchParams.get('range') ?? '24h';
  const after = /^(\d{1,15})\.([A-Za-z0-9_-]{16,64})$/.exec(url.searchParams.get('after') ?? '');
  return {
    ...(machineGraph().states.includes(state) && { state }),
    range: range in RANGES ? range : '24h',
    ...(after && { after: { at: Number(after[1]), streamId: after[2]! } }),
  };
}

/** The event types that lead into `state` (read from the machine): a session in it has one of them last. */
function leadingInto(state: string): EventType[] {
  return [
    ...new Set(
      machineGraph()
        .transitions.filter((t) => t.to === state)
        .map((t) => t.event as EventType),
    ),
  ];
}

interface Row {
  summary: StreamSummary;
  view: SessionView | undefined;
}

/** One page of sessions: most recently active first, the state filter checked on each session's folded log. */
async function rows(ctx: IssuerContext, query: ListQuery): Promise<{ rows: Row[]; next?: ListQuery['after'] }> {
  const console = ctx.console!;
  const minutes = RANGES[query.range]!;
  const found: Row[] = [];
  let after = query.after;
  for (let scanned = 0; found.length < PAGE && scanned < SCANNED; ) {
    const batch = await console.recentStreams({
      ...(minutes > 0 && { since: ctx.now() - minutes * 60_000 }),
      ...(query.state && { lastTypes: leadingInto(query.state) }),
      ...(after && { after }),
      limit: PAGE,
    });
    for (const summary of batch) {
      const view = await readSession(ctx, summary.streamId).catch((error: unknown) => {
        if (isUnreadable(error)) return undefined;
        throw error;
      });
      after = { at: summary.lastAt, streamId: summary.streamId };
      if (!query.state || view?.state === query.state) found.push({ summary, view });
      if (found.length === PAGE) return { rows: found, next: after };
    }
    scanned += batch.length;
    if (batch.length < PAGE) return { rows: found };
  }
  return { rows: found, ...(after && { next: after }) };
}

function filters(root: string, query: ListQuery) {
  const states = machineGraph().states.filter((s) => s !== 'idle');
  return html`<form method="get" action="${root}/sessions" class="filters">
<label>State <select name="state"><option value="">any</option>${states.map((s) => html`<option value="${s}"${s === query.state ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>Last active <select name="range">${Object.keys(RANGES).map((r) => html`<option value="${r}"${r === query.range ? html` selected` : ''}>${r === 'all' ? 'any time' : `last ${r}`}</option>`)}</select></label>
<button type="submit">Filter</button></form>`;
}

/** Issue 15 §2: the recent sessions: state, dialect, age, last event, configurations; filters and paging. */
export async function sessionsBody(ctx: IssuerContext, root: string, url: URL, since: number) {
  const query = listQueryOf(url);
  const page = await rows(ctx, query);
  const now = ctx.now();
  const link = (params: Record<string, string>) =>
    `${root}/sessions?${new URLSearchParams({ ...(query.state && { state: query.state }), range: query.range, ...params })}`;
  const body = page.rows.map(
    ({ summary, view }) =>
      html`<tr data-session="${summary.streamId}" data-state="${view?.state ?? 'unreadable'}"><td><a href="${root}/session?id=${encodeURIComponent(summary.streamId)}"><code>${summary.streamId}</code></a></td>
<td class="state-name">${view?.state ?? 'unreadable (refused)'}</td><td>${view?.dialect}</td><td>${age(now - summary.startedAt)}</td>
<td>${summary.lastType}</td><td><time>${isoTime(summary.lastAt)}</time></td><td>${view?.events.length}</td><td>${view?.configurationIds.join(', ')}</td></tr>`,
  );
  const source = ctx.console!.listedFromFeed
    ? html`<p class="muted">Listed from the events this instance has seen since it started (the event store keeps no index by time).</p>`
    : '';
  return html`<main data-live="${root}/events?since=${since}"><h1>Sessions</h1>${filters(root, query)}${source}
<p><a href="${link({})}">refresh</a> <span class="live-status"></span></p>
<table class="sessions"><thead><tr><th>session</th><th>state</th><th>dialect</th><th>age</th><th>last event</th><th>at</th><th>events</th><th>configurations</th></tr></thead>
<tbody>${body.length > 0 ? body : html`<tr><td colspan="8" class="muted">No sessions match.</td></tr>`}</tbody></table>
${page.next ? html`<p><a rel="next" href="${link({ after: `${page.next.at}.${page.next.streamId}` })}">Older sessions →</a></p>` : ''}
</main>`;
}
