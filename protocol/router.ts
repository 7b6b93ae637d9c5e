import { TamperedRecord } from '../adapters/keys/record-mac.js';
import { CorruptStream, EngineError } from '../engine/index.js';
import { handleChallenge } from './endpoints/challenge.js';
import { handleCredential } from './endpoints/credential.js';
import { handleErase } from './endpoints/erasure.js';
import { handleSessionAudit } from './endpoints/session-audit.js';
import type { IssuerContext } from './issuer-context.js';
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
}

const ROUTES: Route[] = [
  {
    methods: ['GET'],
    path: '/.well-known/openid-credential-issuer',
    handler: (ctx) => metadataResponse(credentialIssuerMetadata(ctx.config)),
  },
  {
    methods: ['GET'],
    path: '/.well-known/oauth-authorization-server',
    handler: (ctx) => metadataResponse(authorizationServerMetadata(ctx.config)),
  },
  {
    methods: ['GET'],
    path: '/.well-known/jwt-vc-issuer',
    handler: (ctx) => metadataResponse(jwtVcIssuerMetadata(ctx)),
  },
  { methods: ['POST'], path: '/authorize-challenge', handler: handleChallenge },
  { methods: ['GET', 'POST'], path: '/verifier/request/:requestId', handler: handleRequestObject },
  { methods: ['POST'], path: '/verifier/response/:requestId', handler: handleAuthorizationResponse },
  { methods: ['POST'], path: '/token', handler: handleToken },
  { methods: ['POST'], path: '/nonce', handler: handleNonce },
  { methods: ['POST'], path: '/credential', handler: handleCredential },
  { methods: ['GET'], path: '/offers/:offerId', handler: (ctx, _, offerId) => handleOfferFetch(ctx, offerId) },
  { methods: ['POST'], path: '/admin/offers', handler: handleOfferCreate },
  { methods: ['POST'], path: '/admin/erase/:sessionId', handler: handleErase },
  { methods: ['GET'], path: '/admin/audit/:sessionId', handler: handleSessionAudit },
];

const SEGMENT = /^[A-Za-z0-9._~-]{1,200}$/;

/**
 * The well-known paths of an issuer URL with a path are `/.well-known/<name><path>`
 * (RFC 8414 §3.1, OpenID4VCI §12.2.2); every other endpoint lives under the base path.
 */
function relativePath(pathname: string, basePath: string): string | undefined {
  if (pathname.startsWith('/.well-known/')) {
    const rest = pathname.slice('/.well-known/'.length);
    const name = rest.split('/')[0]!;
    return rest.slice(name.length) === basePath ? `/.well-known/${name}` : undefined;
  }
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
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
  const basePath = new URL(ctx.config.publicUrl).pathname.replace(/\/$/, '');
  const answer = async (request: ProtocolRequest): Promise<ProtocolResponse> => {
    const path = relativePath(request.url.pathname, basePath);
    const found = path === undefined ? undefined : match(path);
    if (!found) return jsonResponse(404, { error: 'invalid_request', error_description: 'no such endpoint' });
    if (!found.route.methods.includes(request.method))
      return jsonResponse(
        405,
        { error: 'invalid_request', error_description: `use ${found.route.methods.join(' or ')}` },
        { Allow: found.route.methods.join(', ') },
      );
    try {
      return await found.route.handler(ctx, request, found.param);
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
  return async (request: ProtocolRequest): Promise<ProtocolResponse> => withSecurityHeaders(await answer(request));
}

/** Issue 12 §4: the route template a request matches (e.g. `/verifier/response/:requestId`), never its identifiers; undefined when none. */
export function routeOf(request: ProtocolRequest, publicUrl: string): string | undefined {
  const path = relativePath(request.url.pathname, new URL(publicUrl).pathname.replace(/\/$/, ''));
  return path === undefined ? undefined : match(path)?.route.path;
}
