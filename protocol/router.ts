import { TamperedRecord } from '../adapters/keys/record-mac.js';
import { CorruptStream, EngineError } from '../engine/index.js';
import { handleChallenge } from './endpoints/challenge.js';
import { handleConsole } from './console/console-endpoint.js';
import { handleCredential } from './endpoints/credential.js';
import { handleErase } from './endpoints/erasure.js';
import { handleSessionAudit } from './endpoints/session-audit.js';
import { handleStatusChange } from './endpoints/admin-status.js';
import { handleBrowserAsset } from './browser/assets.js';
import { handleAuthorize } from './browser/authorize.js';
import { handlePushedAuthorization } from './browser/par.js';
import {
  handleBrowserComplete,
  handleBrowserEvents,
  handleBrowserPage,
  handleBrowserStatus,
} from './browser/browser-pages.js';
import { handleDemoPidStatusList, handleStatusList } from './endpoints/status-list.js';
import { corsHeaders, preflightHeaders, type CorsPolicy, type CorsRules } from './cors.js';
import type { IssuerContext } from './issuer-context.js';
import { basePathOf, IAE_ISSUER_PATH, siteRootWellKnown } from './issuer-path.js';
import { handleInteractiveAuthorization } from './interactive/iae-endpoint.js';
import { iaeAuthorizationServerMetadata, iaeCredentialIssuerMetadata } from './openid4vci/iae-metadata.js';
import {
  errorResponse,
  jsonResponse,
  withSecurityHeaders,
  type ProtocolRequest,
  type ProtocolResponse,
} from './messages.js';
import {
  authorizationServerMetadata,
  credentialIssuerMetadata,
  jwtVcIssuerMetadata,
  metadataResponse,
} from './openid4vci/metadata.js';
import { handleNonce } from './endpoints/nonce.js';
import { handleOfferCreate, handleOfferFetch } from './endpoints/offers.js';
import { handleToken } from './endpoints/token.js';
import { handleAuthorizationResponse, handleRequestObject } from './endpoints/verifier.js';

type Handler = (
  ctx: IssuerContext,
  request: ProtocolRequest,
  param: string,
) => Promise<ProtocolResponse> | ProtocolResponse;
interface Route {
  methods: string[];
  /** The path below the issuer's base path; a trailing `:param` matches one segment. */
  path: string;
  handler: Handler;
  cors: CorsPolicy;
  /** RFC 9110 §9.2.1: its GET changes nothing, so HEAD may run it. A GET that serves something once (request object, offer) takes no HEAD. */
  safe?: true;
  /** Served only with `interactiveAuthorization.iae.enabled` (issue 13 §2); otherwise no such endpoint. */
  iae?: true;
}

const ROUTES: Route[] = [
  {
    methods: ['GET'],
    path: '/.well-known/openid-credential-issuer',
    handler: (ctx) => metadataResponse(credentialIssuerMetadata(ctx.config, ctx.keys)),
    cors: 'public',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/.well-known/oauth-authorization-server',
    handler: (ctx) => metadataResponse(authorizationServerMetadata(ctx.config)),
    cors: 'public',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/.well-known/jwt-vc-issuer',
    handler: (ctx) => metadataResponse(jwtVcIssuerMetadata(ctx)),
    cors: 'public',
    safe: true,
  },
  { methods: ['POST'], path: '/authorize-challenge', handler: handleChallenge, cors: 'configuredOrigins' },
  {
    methods: ['GET'],
    path: `${IAE_ISSUER_PATH}/.well-known/openid-credential-issuer`,
    handler: (ctx) => metadataResponse(iaeCredentialIssuerMetadata(ctx.config, ctx.keys)),
    cors: 'public',
    safe: true,
    iae: true,
  },
  {
    methods: ['GET'],
    path: `${IAE_ISSUER_PATH}/.well-known/oauth-authorization-server`,
    handler: (ctx) => metadataResponse(iaeAuthorizationServerMetadata(ctx.config)),
    cors: 'public',
    safe: true,
    iae: true,
  },
  {
    methods: ['POST'],
    path: `${IAE_ISSUER_PATH}/interactive-authorization`,
    handler: handleInteractiveAuthorization,
    cors: 'configuredOrigins',
    iae: true,
  },
  {
    methods: ['GET', 'POST'],
    path: '/verifier/request/:requestId',
    handler: handleRequestObject,
    cors: 'configuredOrigins',
  },
  {
    methods: ['POST'],
    path: '/verifier/response/:requestId',
    handler: handleAuthorizationResponse,
    cors: 'configuredOrigins',
  },
  // Issue 15: the authorization endpoint and the browser step's pages (never framed, no CORS: a browser navigates here).
  { methods: ['GET'], path: '/authorize', handler: handleAuthorize, cors: 'never' },
  { methods: ['POST'], path: '/par', handler: handlePushedAuthorization, cors: 'configuredOrigins' },
  {
    methods: ['GET'],
    path: '/browser/page/:page',
    handler: (ctx, _, page) => handleBrowserPage(ctx, page),
    cors: 'never',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/browser/events/:page',
    handler: handleBrowserEvents,
    cors: 'never',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/browser/status/:page',
    handler: (ctx, _, page) => handleBrowserStatus(ctx, page),
    cors: 'never',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/browser/complete/:page',
    handler: (ctx, _, page) => handleBrowserComplete(ctx, page),
    cors: 'never',
  },
  {
    methods: ['GET'],
    path: '/browser/assets/:name',
    handler: (_, __, name) => handleBrowserAsset(name),
    cors: 'never',
    safe: true,
  },
  { methods: ['POST'], path: '/token', handler: handleToken, cors: 'configuredOrigins' },
  { methods: ['POST'], path: '/nonce', handler: handleNonce, cors: 'configuredOrigins' },
  { methods: ['POST'], path: '/credential', handler: handleCredential, cors: 'configuredOrigins' },
  {
    methods: ['GET'],
    path: '/offers/:offerId',
    handler: (ctx, _, offerId) => handleOfferFetch(ctx, offerId),
    cors: 'public',
  },
  {
    methods: ['GET'],
    path: '/status/:list',
    handler: (ctx, _, list) => handleStatusList(ctx, list),
    cors: 'public',
    safe: true,
  },
  {
    methods: ['GET'],
    path: '/demo/pid-provider/status/:list',
    handler: (ctx, _, list) => handleDemoPidStatusList(ctx, list),
    cors: 'public',
    safe: true,
  },
  { methods: ['POST'], path: '/admin/offers', handler: handleOfferCreate, cors: 'never' },
  { methods: ['POST'], path: '/admin/status', handler: handleStatusChange, cors: 'never' },
  { methods: ['POST'], path: '/admin/erase/:sessionId', handler: handleErase, cors: 'never' },
  { methods: ['GET'], path: '/admin/audit/:sessionId', handler: handleSessionAudit, cors: 'never', safe: true },
  // Issue 15 §2: the session console's pages, forms, event stream and static files.
  {
    methods: ['GET'],
    path: '/admin/console',
    handler: (ctx, request) => handleConsole(ctx, request, ''),
    cors: 'never',
  },
  { methods: ['GET', 'POST'], path: '/admin/console/:page', handler: handleConsole, cors: 'never' },
];

const SEGMENT = /^[A-Za-z0-9._~-]{1,200}$/;

/**
 * The path below the base path: the well-known documents in their site-root form
 * `/.well-known/<name><path>` (RFC 8414 §3.1, OpenID4VCI §12.2.2, SD-JWT VC §5) and, for wallets
 * that append (OpenID4VCI drafts up to 13, RFC 8414 §5), `<path>/.well-known/<name>`; every
 * other endpoint under the base path.
 */
function relativePath(pathname: string, basePath: string): string | undefined {
  const wellKnown = siteRootWellKnown(pathname, basePath);
  if (wellKnown !== undefined) return wellKnown;
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

/** RFC 9110 §9.1: what `Allow` lists: the route's methods, HEAD where GET is safe, and OPTIONS everywhere. */
function allowedMethods(route: Route): string[] {
  return [...route.methods, ...(route.safe ? ['HEAD'] : []), 'OPTIONS'];
}

/** RFC 9110 §9.3.2: HEAD answers the GET's status and headers, with the GET body's length and no body. */
function headOf(response: ProtocolResponse): ProtocolResponse {
  const length = new TextEncoder().encode(response.body).byteLength;
  return { ...response, headers: { ...response.headers, 'Content-Length': String(length) }, body: '' };
}

function match(path: string): { route: Route; param: string } | undefined {
  for (const route of ROUTES) {
    if (!route.path.includes('/:')) {
      if (route.path === path) return { route, param: '' };
      continue;
    }
    const prefix = route.path.slice(0, route.path.lastIndexOf('/') + 1);
    const param = path.slice(prefix.length);
    if (path.startsWith(prefix) && SEGMENT.test(param)) return { route, param };
  }
  return undefined;
}

/** What the log keeps of an unexpected failure: its stack (or its text), never the request. */
function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** One protocol request → one response; every refusal as the spec's error JSON, never a crash. */
export function createProtocolHandler(ctx: IssuerContext) {
  const basePath = basePathOf(ctx.config.publicUrl);
  const cors: CorsRules = { origins: new Set(ctx.config.cors.origins) };
  const run = async (route: Route, request: ProtocolRequest, path: string, param: string) => {
    try {
      return await route.handler(ctx, request, param);
    } catch (error) {
      if (error instanceof EngineError) return errorResponse(error);
      // Rule 3: a stored record that fails its authentication (or that the machine cannot explain) is never used; the session cannot go on.
      if (error instanceof CorruptStream || error instanceof TamperedRecord) {
        ctx.logger.warn('refused a corrupt session', { method: request.method, path, reason: error.message });
        return jsonResponse(400, { error: 'invalid_request', error_description: 'this session cannot be continued' });
      }
      ctx.logger.error('unexpected failure', { method: request.method, path, error: describe(error) });
      return jsonResponse(500, {
        error: 'server_error',
        error_description: 'the server could not process the request',
      });
    }
  };
  const respond = async (route: Route, request: ProtocolRequest, path: string, param: string, allow: string[]) => {
    if (request.method === 'HEAD' && route.safe)
      return headOf(await run(route, { ...request, method: 'GET' }, path, param));
    if (route.methods.includes(request.method)) return run(route, request, path, param);
    return jsonResponse(
      405,
      { error: 'invalid_request', error_description: `use ${route.methods.join(' or ')}` },
      { Allow: allow.join(', ') },
    );
  };
  const answer = async (request: ProtocolRequest): Promise<ProtocolResponse> => {
    const path = relativePath(request.url.pathname, basePath);
    const found = path === undefined ? undefined : match(path);
    if (path === undefined || !found || (found.route.iae && !ctx.config.interactiveAuthorization.iae.enabled))
      return jsonResponse(404, { error: 'invalid_request', error_description: 'no such endpoint' });
    const { route, param } = found;
    const allow = allowedMethods(route);
    const origin = request.headers.get('origin');
    if (request.method === 'OPTIONS')
      return {
        status: 204,
        headers: { Allow: allow.join(', '), ...preflightHeaders(route.cors, origin, cors, allow) },
        body: '',
      };
    const answered = await respond(route, request, path, param, allow);
    return { ...answered, headers: { ...answered.headers, ...corsHeaders(route.cors, origin, cors) } };
  };
  return async (request: ProtocolRequest): Promise<ProtocolResponse> => withSecurityHeaders(await answer(request));
}

/** Issue 12 §4: the route template a request matches (e.g. `/verifier/response/:requestId`), never its identifiers; undefined when none. */
export function routeOf(request: ProtocolRequest, publicUrl: string): string | undefined {
  const path = relativePath(request.url.pathname, new URL(publicUrl).pathname.replace(/\/$/, ''));
  return path === undefined ? undefined : match(path)?.route.path;
}
