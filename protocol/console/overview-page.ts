import { html, isoTime } from './html.js';
import type { FlowCounts } from './flow-counts.js';

const BAR = 6;
const GAP = 3;
const HEIGHT = 120;

/** Issue 15 §2: flows started, completed and refused per minute (last 30 minutes), and the refusals by error code. */
export function overviewBody(root: string, counts: FlowCounts, now: number, since: number) {
  const minutes = counts.window(now);
  const max = Math.max(1, ...minutes.flatMap((m) => [m.started, m.completed, m.refused]));
  const series = ['started', 'completed', 'refused'] as const;
  const bars = minutes.flatMap((m, i) =>
    series.map((name, s) => {
      const h = Math.round((m[name] / max) * HEIGHT);
      const x = i * (3 * BAR + 2 * GAP) + s * BAR;
      return html`<rect class="bar ${name}" x="${x}" y="${HEIGHT - h}" width="${BAR - 1}" height="${h}"><title>${isoTime(m.minute)}: ${m[name]} ${name}</title></rect>`;
    }),
  );
  const width = minutes.length * (3 * BAR + 2 * GAP);
  const totals = Object.fromEntries(series.map((name) => [name, minutes.reduce((n, m) => n + m[name], 0)]));
  const codes = counts.refusalsByCode(now);
  return html`<main data-live="${root}/events?since=${since}"><h1>Overview</h1>
<p class="muted">The last 30 minutes, kept in memory by this instance: flows started and completed as its event feed tells them, the requests it refused. <a href="${root}/overview">refresh</a> <span class="live-status"></span></p>
<table class="totals"><tr>${series.map((name) => html`<th>${name}</th>`)}</tr><tr>${series.map((name) => html`<td data-total="${name}">${totals[name]}</td>`)}</tr></table>
<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${HEIGHT}" width="${width * 2}" height="${HEIGHT}" role="img" aria-label="flows per minute">${bars}</svg>
<p class="legend"><span class="key started"></span> started <span class="key completed"></span> completed <span class="key refused"></span> refused (one group of bars per minute, oldest left)</p>
<h2>Refusals by error code</h2>
${
  codes.length === 0
    ? html`<p class="muted">No refusals.</p>`
    : html`<table class="codes"><thead><tr><th>error</th><th>count</th></tr></thead><tbody>${codes.map(([code, n]) => html`<tr data-code="${code}"><td>${code}</td><td>${n}</td></tr>`)}</tbody></table>`
}
</main>`;
}
