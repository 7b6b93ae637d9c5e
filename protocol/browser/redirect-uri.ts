/**
 * RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §2.1: where the browser step may send the browser back. An
 * https URL, a loopback http URL (a native app's local listener, tests), or a private-use scheme in
 * reverse-domain form (`com.example.wallet:/cb`); never a fragment, credentials in the URL, or a
 * scheme a browser would run (javascript:, data:, …). Undefined when it is acceptable, else why not.
 */
export function redirectUriProblem(redirectUri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return 'redirect_uri is not an absolute URI';
  }
  if (url.hash !== '' || redirectUri.includes('#')) return 'redirect_uri must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'redirect_uri must not carry credentials';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return undefined;
  if (scheme === 'http')
    return ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)
      ? undefined
      : 'redirect_uri must be https (plain http only on loopback, RFC 8252 §7.3)';
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it has a dot.
  return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)
    ? undefined
    : 'redirect_uri must be https, loopback http or a reverse-domain private-use scheme (RFC 8252 §7)';
}

/** RFC 6749 §4.1.2, §4.1.2.1, RFC 9207 §2: the authorization response as query parameters of the redirect_uri. */
export function authorizationResponse(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
