import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_FLOW } from '../../bench/load-generator.js';
import { untilCode, untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { startNodeServer } from '../../transports/http/node-server.js';
import { capturedLogs } from './captured-logs.js';

const adminToken = 'operations-admin-token-0123456789';
const bearer = { Authorization: `Bearer ${adminToken}` };

/** One sample of the exposition text: the value of `name{labels}` (labels in prom-client's order), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('health, readiness, metrics and the access log (issue 12 §4)', () => {
  const logs = capturedLogs();
  let server: RunningIssuer;
  let other: RunningIssuer;
  beforeAll(async () => {
    [server, other] = await Promise.all([
      startIssuer({ adminToken }, { logger: logs.logger }),
      startIssuer({ metrics: { requireAdminToken: false } }),
    ]);
  });
  afterAll(() => Promise.all([server.stop(), other.stop()]));

  it('issue 12 §4: /healthz answers 200 {"status":"ok"}; /readyz 200 while the stores write and the keys are loaded', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${server.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('issue 12 §4: /readyz answers 503 naming the failed check (stores) while another process holds the write lock, and 200 again after', async () => {
    const holder = new Database(join(server.dataDir, 'state.sqlite'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const blocked = await fetch(`${server.url}/readyz`);
      expect(blocked.status).toBe(503);
      expect(await blocked.json()).toEqual({ status: 'not_ready', failed: ['stores'] });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const warning = logs.lines().find((line) => line.msg === 'readiness check failed');
    expect(warning).toMatchObject({ level: 'warn', check: 'stores' });
  });

  it('issue 12 §4: metrics on the issuer port are never public by default: 401 without the admin token, 200 with it', async () => {
    const refused = await fetch(`${server.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('pdi_');
    const allowed = await fetch(`${server.url}/metrics`, { headers: bearer });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toContain('text/plain');
    expect(await allowed.text()).toContain('# TYPE pdi_flows_started_total counter');
  });

  it('issue 12 §4: flows started and completed by dialect and configuration, refusals by code and rule, latency by route template, append latency, in a registry per issuer', async () => {
    const wallet = await server.wallet();
    await wallet.runFlow(BENCH_FLOW);
    const { code } = await untilCode(await server.wallet());
    expect((await wallet.token(code)).status).toBe(400);
    const text = await (await fetch(`${server.url}/metrics`, { headers: bearer })).text();
    const config = 'dialect="L",credential_configuration="demo_membership"';
    expect(sample(text, 'pdi_flows_started_total', config)).toBe(2);
    expect(sample(text, 'pdi_flows_completed_total', config)).toBe(1);
    expect(text).toMatch(/pdi_refusals_total\{route="\/token",code="invalid_dpop_proof",rule="[^"]+"\} 1/);
    expect(
      sample(
        text,
        'pdi_http_request_duration_seconds_count',
        'route="/verifier/response/:requestId",method="POST",status_class="2xx"',
      ),
    ).toBe(2);
    expect(sample(text, 'pdi_event_store_append_duration_seconds_count')).toBeGreaterThanOrEqual(8);
    expect(text).not.toMatch(/route="\/verifier\/response\/[A-Za-z0-9_-]{8,}"/);
    // Two issuers in one process share nothing.
    const elsewhere = await (await fetch(`${other.url}/metrics`)).text();
    expect(sample(elsewhere, 'pdi_flows_started_total', config)).toBeUndefined();
  });

  it('issue 12 §4: the expiry backlog: sessions the last run expired and those still due', async () => {
    await untilPresentation(await other.wallet());
    other.clock.now += 3600_000;
    expect(await other.issuer.expireDue()).toBe(1);
    const text = await (await fetch(`${other.url}/metrics`)).text();
    expect(sample(text, 'pdi_expiry_last_run_expired')).toBe(1);
    expect(sample(text, 'pdi_expiry_still_due')).toBe(0);
    expect(sample(text, 'pdi_flows_refused_total', 'dialect="L",outcome="expired"')).toBe(1);
  });

  it('issue 12 §4: one access-log line per request with the route template, never the identifiers; a sane X-Request-Id is echoed, any other replaced', async () => {
    logs.text.length = 0;
    const wallet = await server.wallet();
    const { presentation } = await untilPresentation(wallet);
    const requestUri = new URL(presentation).searchParams.get('request_uri')!;
    const requestId = new URL(requestUri).pathname.split('/').at(-1)!;
    expect(requestId.length).toBeGreaterThan(8);
    const sane = await fetch(`${server.url}/.well-known/openid-credential-issuer`, {
      headers: { 'X-Request-Id': 'probe-42.a:b' },
    });
    expect(sane.headers.get('x-request-id')).toBe('probe-42.a:b');
    const insane = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'X-Request-Id': `${'x'.repeat(200)}` },
    });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const access = logs.lines().filter((line) => line.msg === 'request');
    expect(access.map((line) => line.route)).toEqual([
      '/authorize-challenge',
      '/verifier/request/:requestId',
      '/.well-known/openid-credential-issuer',
      '/token',
    ]);
    expect(access[2]).toMatchObject({
      requestId: 'probe-42.a:b',
      method: 'GET',
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(access[3]).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(logs.text.join('')).not.toContain(requestId);
  });

  it('issue 12 §4: the operations handler alone (a listener of its own) serves metrics, /healthz and /readyz without a token, nothing else', async () => {
    const ops = await startNodeServer(server.issuer.operations, {
      port: 0,
      host: '127.0.0.1',
      publicUrl: server.url,
      bodyLimitBytes: 1024,
      limits: server.internals.config.http,
    });
    try {
      const { port } = ops.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/.well-known/openid-credential-issuer`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => ops.close(resolve));
    }
  });
});
