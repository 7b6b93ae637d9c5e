import { randomUUID } from 'node:crypto';
import type { IssuerMetrics } from '../adapters/metrics/issuer-metrics.js';
import type { Config } from '../config/schema.js';
import { refuseNonAdmin } from '../protocol/endpoints/admin-auth.js';
import type { IssuerContext } from '../protocol/issuer-context.js';
import {
  jsonResponse,
  withSecurityHeaders,
  type ProtocolRequest,
  type ProtocolResponse,
} from '../protocol/messages.js';
import { basePathOf } from '../protocol/issuer-path.js';
import { routeOf } from '../protocol/router.js';
import type { ProtocolHandler } from '../transports/http/fetch-handler.js';
import { healthResponse, readinessResponse, type ReadinessChecks } from './readiness.js';

/** An incoming `X-Request-Id` is kept only when it is a plain token of sane length; anything else is replaced. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface Operations {
  config: Config;
  context: IssuerContext;
  metrics: IssuerMetrics | undefined;
  checks: ReadinessChecks;
}

function onlyGet(request: ProtocolRequest, answer: () => Promise<ProtocolResponse> | ProtocolResponse) {
  return request.method === 'GET' || request.method === 'HEAD'
    ? answer()
    : jsonResponse(405, { error: 'invalid_request', error_description: 'use GET' }, { Allow: 'GET' });
}

async function metricsResponse(metrics: IssuerMetrics): Promise<ProtocolResponse> {
  const { contentType, body } = await metrics.scrape();
  return { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' }, body };
}

/**
 * The operations paths, at the origin's root or under the issuer's base path (an orchestrator
 * probes the pod): `/healthz`, `/readyz` and, when `gated` is false, the metrics path. Undefined
 * for any other path. An issuer endpoint always wins over these.
 */
function operationsAnswer(ops: Operations, request: ProtocolRequest, gated: boolean) {
  // The transports give a path outside the base path the base path back (a host may strip it): both forms are the same probe.
  const basePath = basePathOf(ops.config.publicUrl);
  const pathname = request.url.pathname;
  const path = basePath !== '' && pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : pathname;
  if (path === '/healthz') return onlyGet(request, healthResponse);
  if (path === '/readyz') return onlyGet(request, () => readinessResponse(ops.checks, ops.context.logger));
  const { metrics, config } = ops;
  if (!metrics || path !== config.metrics.path) return undefined;
  return onlyGet(request, () => {
    // Issue 12 §4: metrics on the issuer's port are never public by default; the admin token gates them.
    const refusal = gated && config.metrics.requireAdminToken && refuseNonAdmin(ops.context, request, 'metrics');
    return refusal || metricsResponse(metrics);
  });
}

/** Just the operations paths (for a listener of their own, e.g. the loopback metrics port): no token, 404 otherwise. */
export function operationsHandler(ops: Operations): ProtocolHandler {
  return async (request) =>
    withSecurityHeaders(
      (await operationsAnswer(ops, request, false)) ??
        jsonResponse(404, { error: 'invalid_request', error_description: 'no such endpoint' }),
    );
}

/**
 * The protocol handler as operators see it (issue 12 §4): the operations paths, then every
 * other request answered by `handle` with one access-log line (request id, method, route
 * template, status, duration; never the path's identifiers, the query, the body or a header)
 * and its latency and refusal in the metrics. The request id (a sane incoming `X-Request-Id`,
 * else a new one) is echoed in the response.
 */
export function observedHandler(handle: ProtocolHandler, ops: Operations): ProtocolHandler {
  const { context, metrics, config } = ops;
  return async (request) => {
    const route = routeOf(request, config.publicUrl);
    if (!route) {
      const answer = operationsAnswer(ops, request, true);
      if (answer) return withSecurityHeaders(await answer);
    }
    const started = performance.now();
    const incoming = request.headers.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const response = await handle(request);
    const seconds = (performance.now() - started) / 1000;
    const { refusal, ...answered } = response;
    context.logger.info('request', {
      requestId,
      method: request.method,
      route: route ?? 'unmatched',
      status: response.status,
      durationMs: Math.round(seconds * 10_000) / 10,
      ...(refusal && { error: refusal.code, rule: refusal.rule }),
    });
    metrics?.observeRequest({
      route: route ?? 'unmatched',
      method: request.method,
      status: response.status,
      seconds,
      refusal,
    });
    return { ...answered, headers: { ...answered.headers, 'X-Request-Id': requestId } };
  };
}
