/**
 * Where an issuer lives on its host: the path of its identifier (`publicUrl`) is its base path,
 * and every endpoint lives below it, but for the well-known documents' site-root form.
 */

/** The well-known documents served, each under both forms (see `siteRootWellKnownName`). */
export const WELL_KNOWN_NAMES = ['openid-credential-issuer', 'oauth-authorization-server', 'jwt-vc-issuer'] as const;

/** Issue 13 §2: the path of the second issuer identifier (the one that advertises the IAE) below the issuer's. */
export const IAE_ISSUER_PATH = '/iae';

/** The documents the second identifier has of its own (its keys are the issuer's). */
const IAE_WELL_KNOWN_NAMES = ['openid-credential-issuer', 'oauth-authorization-server'] as const;

/** The base path of an issuer identifier, without a trailing slash: `''` for an issuer at the site root. */
export function basePathOf(publicUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, '');
}

/**
 * The name of a well-known document in its site-root form, `/.well-known/<name><base path>`
 * (RFC 8414 §3.1, OpenID4VCI §12.2.2, SD-JWT VC §5), or undefined when `pathname` is not one.
 */
export function siteRootWellKnownName(pathname: string, basePath: string): string | undefined {
  if (!pathname.startsWith('/.well-known/')) return undefined;
  const rest = pathname.slice('/.well-known/'.length);
  const name = rest.split('/')[0]!;
  return name !== '' && rest.slice(name.length) === basePath ? name : undefined;
}

/**
 * A site-root well-known path, relative to the base path: `/.well-known/<name>` for the issuer,
 * `/iae/.well-known/<name>` for its second identifier (`<publicUrl>/iae`); undefined otherwise.
 */
export function siteRootWellKnown(pathname: string, basePath: string): string | undefined {
  const name = siteRootWellKnownName(pathname, basePath);
  if (name !== undefined) return `/.well-known/${name}`;
  const second = siteRootWellKnownName(pathname, `${basePath}${IAE_ISSUER_PATH}`);
  return second === undefined ? undefined : `${IAE_ISSUER_PATH}/.well-known/${second}`;
}

/**
 * The path the client used, from the path a host handed over: a host that mounts the issuer
 * under its base path may strip that prefix (Hono's `app.mount`, Express's `req.url` under
 * `app.use`). A path inside the base path, or a site-root well-known path, is as sent; any other
 * is one whose prefix was stripped, and gets it back. The result is what DPoP `htu` is checked
 * against (RFC 9449 §4.3), so a client that called the stripped path itself is refused there.
 */
export function publicPath(pathname: string, basePath: string): string {
  if (basePath === '' || pathname === basePath || pathname.startsWith(`${basePath}/`)) return pathname;
  if (siteRootWellKnown(pathname, basePath) !== undefined) return pathname;
  return `${basePath}${pathname}`;
}

/**
 * The site-root paths of the well-known documents a host must route to the issuer: for an issuer
 * with a base path its own, and with the IAE enabled (issue 13 §2) those of its second identifier.
 */
export function siteRootWellKnownPaths(publicUrl: string, options: { iae?: boolean } = {}): string[] {
  const basePath = basePathOf(publicUrl);
  const own = basePath === '' ? [] : WELL_KNOWN_NAMES.map((name) => `/.well-known/${name}${basePath}`);
  const second = options.iae
    ? IAE_WELL_KNOWN_NAMES.map((name) => `/.well-known/${name}${basePath}${IAE_ISSUER_PATH}`)
    : [];
  return [...own, ...second];
}
