import { audit as auditLog, type SessionEvent } from '../../engine/index.js';
import { domainEventOf } from '../domain-event.js';
import { html, type Html, isoTime } from './html.js';
import { machineSvg } from './machine-svg.js';
import type { SessionView } from './session-view.js';

/** The facts of an event as the timeline lists them: its domain event's data (nothing sealed), as path = value. */
function facts(value: unknown, key = ''): Array<[string, string]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value).flatMap(([name, inner]) => facts(inner, key ? `${key}.${name}` : name));
  if (Array.isArray(value))
    return [[key, value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')]];
  return [[key, typeof value === 'number' && /(At|^at)$/.test(key) ? isoTime(value) : String(value)]];
}

function timeline(events: SessionEvent[], path: string[]): Html {
  const rows = events.map((event, i) => {
    const shown = facts(domainEventOf(event).data);
    return html`<tr data-event-type="${event.type}"><td>${i + 1}</td><td><time>${isoTime(event.meta.at)}</time></td><td class="type">${event.type}</td><td>${path[i + 1]}</td>
<td><dl class="facts">${shown.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl></td></tr>`;
  });
  return html`<table class="timeline"><thead><tr><th>#</th><th>time</th><th>event</th><th>state after</th><th>facts (hashes, ids, times)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function findings(events: SessionEvent[]): Html {
  const found = auditLog(events);
  if (found.length === 0)
    return html`<p class="ok" data-findings="0">No findings: today's rules accept every event of this log.</p>`;
  return html`<table class="findings" data-findings="${found.length}"><thead><tr><th>event #</th><th>type</th><th>error</th><th>rule</th></tr></thead><tbody>
${found.map((f) => html`<tr><td>${f.version}</td><td>${f.type}</td><td>${f.error.code}</td><td>${f.error.rule}</td></tr>`)}</tbody></table>`;
}

/** What the last action on this page did, named by the redirect after it. */
const NOTICES: Record<string, string> = {
  erased: 'The session was erased: it has ended and its sealing key is destroyed.',
  revoked: 'Its issued credentials are revoked.',
  suspended: 'Its issued credentials are suspended.',
  valid: 'Its issued credentials are valid again (a revoked one stays revoked).',
};

function actions(root: string, view: SessionView, csrf: string): Html {
  const hidden = html`<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="session_id" value="${view.sessionId}">`;
  const erase =
    view.state === 'erased'
      ? html`<p>Erased.</p>`
      : html`<form method="post" action="${root}/erase" class="inline">${hidden}<button type="submit" class="danger" data-action="erase">Erase this session</button></form>`;
  const issued = view.events.some((event) => event.type === 'CredentialIssued');
  const status = issued
    ? (['revoked', 'suspended', 'valid'] as const).map(
        (s) =>
          html`<form method="post" action="${root}/status" class="inline">${hidden}<input type="hidden" name="status" value="${s}"><button type="submit" data-action="${s}">${s === 'revoked' ? 'Revoke' : s === 'suspended' ? 'Suspend' : 'Reinstate'} its credentials</button></form>`,
      )
    : html`<span class="muted">No credential issued: nothing to revoke.</span>`;
  return html`<section class="actions"><h2>Actions</h2>${erase} ${status}</section>`;
}

/** Issue 15 §2: one session: summary, the machine with its path, the timeline, the audit findings, the actions. */
export function sessionBody(root: string, view: SessionView, csrf: string, notice: string | undefined, since: number) {
  const refresh = `${root}/session?id=${encodeURIComponent(view.sessionId)}`;
  return html`<main data-live="${root}/events?since=${since}" data-session="${view.sessionId}">
<h1>Session <code>${view.sessionId}</code></h1>
${notice && NOTICES[notice] ? html`<p class="notice">${NOTICES[notice]}</p>` : ''}
<p>State <strong class="state-name" data-state="${view.state}">${view.state}</strong> · dialect ${view.dialect} · ${view.events.length} events · configurations ${view.configurationIds.join(', ')}
 · <a href="${refresh}">refresh</a> <span class="live-status"></span></p>
<section><h2>Machine</h2><p class="muted">Generated from engine/machine.ts: this session's path is marked, its current state outlined.</p>${machineSvg({ states: view.path, current: view.state })}</section>
<section><h2>Timeline</h2>${timeline(view.events, view.path)}</section>
<section><h2>Audit</h2>${findings(view.events)}</section>
${actions(root, view, csrf)}
</main>`;
}
