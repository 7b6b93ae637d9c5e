import type { ProtocolResponse } from '../messages.js';
import { CONSOLE_HEADERS } from './html.js';

/** The console's one stylesheet (served by the console itself: the CSP allows nothing else). */
const CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { background: #1d2330; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; }
header nav { display: flex; gap: 1rem; align-items: center; margin-left: auto; }
header a { color: #cfe0ff; }
main { padding: 1rem 1.5rem; max-width: 1400px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; background: #fff; font-size: .85rem; }
th, td { border: 1px solid #d5d9e0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
code { font-size: .85em; }
.muted { color: #667; } .ok { color: #17612d; } .refusal { color: #9b1c1c; font-weight: 600; }
.notice { background: #e6f4ea; border: 1px solid #9ccfaa; padding: .5rem; }
form.inline { display: inline; } form.filters { display: flex; gap: 1rem; align-items: end; margin-bottom: .5rem; }
form.login { display: grid; gap: .6rem; max-width: 22rem; }
input[type=password] { padding: .4rem; }
button { padding: .3rem .7rem; cursor: pointer; } button.danger { background: #9b1c1c; color: #fff; border: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0 .6rem; margin: 0; }
dl.facts dt { color: #556; } dl.facts dd { margin: 0; font-family: monospace; word-break: break-all; }
td.type { font-weight: 600; }
.live-status.on::before { content: "● live"; color: #17612d; }
svg.machine { background: #fff; border: 1px solid #d5d9e0; max-width: 100%; height: auto; }
svg.machine .state rect { fill: #fff; stroke: #8a94a6; }
svg.machine .state text { font-size: 11px; text-anchor: middle; fill: #333; }
svg.machine .state.final rect { stroke-dasharray: 3 2; }
svg.machine .state.visited rect { fill: #dbe8ff; stroke: #2f5fb3; }
svg.machine .state.current rect { fill: #2f5fb3; stroke: #0f2f6b; stroke-width: 3; }
svg.machine .state.current text { fill: #fff; font-weight: 700; }
svg.machine .edge { fill: none; stroke: #9aa3b2; stroke-width: 1.2; }
svg.machine .edge.ending { stroke: #d8dce3; }
svg.machine .edge.visited { stroke: #2f5fb3; stroke-width: 3; }
svg.machine marker path { fill: #9aa3b2; }
svg.chart { background: #fff; border: 1px solid #d5d9e0; }
.bar.started, .key.started { fill: #2f5fb3; background: #2f5fb3; }
.bar.completed, .key.completed { fill: #17612d; background: #17612d; }
.bar.refused, .key.refused { fill: #c0392b; background: #c0392b; }
.key { display: inline-block; width: .8rem; height: .8rem; }
`;

/**
 * The console's one script: live updates (issue 15 §2). It follows the console's event stream
 * and, when an accepted event concerns what the page shows (any session on the list and the
 * overview, this session on a session page), fetches the page again and swaps its <main>.
 * Without JavaScript the page's refresh link does the same.
 */
const JS = `'use strict';
(() => {
  const main = document.querySelector('main[data-live]');
  if (!main || !window.EventSource) return;
  const session = main.getAttribute('data-session');
  const source = new EventSource(main.getAttribute('data-live'));
  let queued = false;
  const mark = () => document.querySelectorAll('.live-status').forEach((el) => el.classList.add('on'));
  source.addEventListener('open', mark);
  const refresh = async () => {
    queued = false;
    const answer = await fetch(location.href, { credentials: 'same-origin' });
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), 'text/html').querySelector('main');
    const current = document.querySelector('main');
    if (fresh && current) current.replaceChildren(...fresh.childNodes);
    document.body.dataset.updates = String(Number(document.body.dataset.updates || '0') + 1);
    mark();
  };
  source.addEventListener('accepted', (message) => {
    const event = JSON.parse(message.data);
    if (session && event.sessionId !== session) return;
    if (queued) return;
    queued = true;
    setTimeout(refresh, 100);
  });
})();
`;

const asset = (type: string, body: string): ProtocolResponse => ({
  status: 200,
  headers: { ...CONSOLE_HEADERS, 'Content-Type': `${type}; charset=utf-8` },
  body,
});

/** The console's static files by name; undefined for any other. */
export function staticAsset(name: string): ProtocolResponse | undefined {
  if (name === 'console.css') return asset('text/css', CSS);
  if (name === 'console.js') return asset('text/javascript', JS);
  return undefined;
}
