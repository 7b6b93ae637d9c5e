import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeRequestServer, type HttpServable, type NodeListenerOptions } from './node-listener.js';

/** The part of a Fastify instance the plugin uses, typed here so that shipped code never imports fastify. */
export interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    parser: (request: unknown, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoutes: boolean;
    handler: (request: { raw: IncomingMessage; ip: string }, reply: { raw: ServerResponse; hijack(): void }) => void;
  }): void;
}

export interface FastifyPluginOptions extends NodeListenerOptions {
  /** The paths routed to the issuer, below the plugin's prefix: every path by default. */
  paths?: string[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The issuer as a Fastify plugin: `app.register(fastifyPlugin(issuer), { prefix: '/oid4vci' })`.
 * Inside its own encapsulated context it drops Fastify's body parsers (whose 415 would answer a
 * form before the issuer does) for one that leaves the body unread, routes every method and path
 * to the issuer, and writes the answer itself (`reply.hijack()`): the body is read within the
 * issuer's limit and every refusal is the spec's error JSON. The site-root well-known paths of an
 * issuer with a path go through a second registration without prefix:
 * `app.register(fastifyPlugin(issuer, { paths: siteRootWellKnownPaths(publicUrl) }))`. The client's
 * address is Fastify's `request.ip` (the socket's, or with Fastify's `trustProxy` the proxy's client)
 * unless `remoteAddress` says otherwise.
 */
export function fastifyPlugin(issuer: HttpServable, options: FastifyPluginOptions = {}) {
  const serve = nodeRequestServer(issuer.handle, issuer.http);
  return async (app: FastifyLike): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const url of options.paths ?? ['/', '/*'])
      app.route({
        method: METHODS,
        url,
        exposeHeadRoutes: false,
        handler: (request, reply) => {
          reply.hijack();
          serve(request.raw, reply.raw, options.remoteAddress ? options.remoteAddress(request.raw) : request.ip);
        },
      });
  };
}
