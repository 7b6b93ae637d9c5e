import { jsonResponse, type ProtocolResponse } from '../messages.js';

/**
 * The browser step's page script: follows the step's server-sent events (issue 15) and, once the
 * presentation is verified or refused, goes on to the completion URL, which redirects to the
 * client. Where the event stream fails it asks the status endpoint every second instead (polling);
 * without JavaScript the page's own Continue and Refresh links do the same.
 */
const PAGE_JS = `'use strict';
(function () {
  var body = document.body;
  var status = body.dataset.status;
  var events = body.dataset.events;
  var complete = body.dataset.complete;
  if (!status || !events || !complete) return;
  var line = document.getElementById('progress');
  function show(answer) {
    if (line && answer.message) line.textContent = answer.message;
    if (answer.done) window.location.assign(complete);
    return answer.done;
  }
  function poll() {
    fetch(status, { credentials: 'omit', cache: 'no-store' })
      .then(function (answer) { return answer.json(); })
      .then(function (answer) { if (!show(answer)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (!window.EventSource) return poll();
  var stream = new EventSource(events);
  var failures = 0;
  stream.addEventListener('phase', function (message) {
    failures = 0;
    if (show(JSON.parse(message.data))) stream.close();
  });
  stream.onerror = function () {
    failures += 1;
    if (failures > 3) { stream.close(); poll(); }
  };
})();
`;

const PAGE_CSS = `body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
main { max-width: 40rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 0.75rem; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.4rem; margin-top: 0; }
.qr svg { width: 16rem; height: 16rem; display: block; margin: 1rem auto; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 1.5rem; }
.button { display: inline-block; padding: 0.6rem 1rem; border-radius: 0.4rem; background: #1f5fd6; color: #fff; text-decoration: none; }
.button.secondary { background: #e3e7ef; color: #1d2330; }
#progress { font-weight: 600; }
.error { color: #a3162b; }
`;

const ASSETS: Record<string, { type: string; body: string }> = {
  'page.js': { type: 'text/javascript; charset=utf-8', body: PAGE_JS },
  'page.css': { type: 'text/css; charset=utf-8', body: PAGE_CSS },
};

/** GET /browser/assets/<name>: the page's script and stylesheet, from our own origin (the CSP allows nothing else). */
export function handleBrowserAsset(name: string): ProtocolResponse {
  const asset = ASSETS[name];
  if (!asset || !Object.hasOwn(ASSETS, name))
    return jsonResponse(404, { error: 'invalid_request', error_description: 'no such asset' });
  return {
    status: 200,
    headers: { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' },
    body: asset.body,
  };
}
