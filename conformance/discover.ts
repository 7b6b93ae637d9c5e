import { InteractiveSteps, ReferenceWallet, type WalletFetch } from '../wallet/index.js';
import { generateWalletKey } from '../wallet/keys.js';
import { type ConformanceTarget, DIALECTS, type Dialect, type PidMinter, type PidTrust } from './target.js';

/** The run cannot start: the target or the arguments do not allow it (one line, for the terminal). */
export class SetupError extends Error {}

export interface DiscoveryRequest {
  issuerUrl: string;
  /** One dialect, or `all` (every one the target advertises). */
  dialect: Dialect | 'all';
  configurationId?: string;
  mintPid: PidMinter;
  pidTrust?: PidTrust;
  maxWaitSeconds?: number;
  fetch?: WalletFetch;
}

type Json = Record<string, unknown>;

async function getJson(fetcher: WalletFetch, url: string): Promise<Json | undefined> {
  let response: Awaited<ReturnType<WalletFetch>>;
  try {
    response = await fetcher(url, { method: 'GET' });
  } catch (error) {
    throw new SetupError(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status !== 200) return undefined;
  try {
    return JSON.parse(await response.text()) as Json;
  } catch {
    throw new SetupError(`${url} is not JSON`);
  }
}

/** RFC 8414 §3.1 (OpenID4VCI §12.2.2): the well-known document `name` of the identifier `issuer`. */
function wellKnown(issuer: string, name: string): string {
  const url = new URL(issuer);
  return `${url.origin}/.well-known/${name}${url.pathname.replace(/\/$/, '')}`;
}

/**
 * S3 is not in any metadata (protocol-ia.md §1): the challenge endpoint speaks it when an initial
 * request offering its interaction types is answered with an interaction (401).
 */
async function speaksS3(wallet: ReferenceWallet, scope: string): Promise<boolean> {
  const answer = await new InteractiveSteps(wallet, 'S3').challenge({ scope });
  return answer.status === 401 && typeof answer.body.interaction_type_required === 'string';
}

/** The endpoint the reference wallet uses must be the one the target advertises; anything else is a setup error. */
function sameEndpoint(advertised: unknown, expected: string, what: string): boolean {
  if (advertised === undefined) return false;
  if (advertised !== expected)
    throw new SetupError(`the target advertises its ${what} at ${String(advertised)}; the kit speaks to ${expected}`);
  return true;
}

/** The dialects the target advertises (L, S3: the challenge endpoint; S1, S2: the IAE of the second identifier `<issuer>/iae`). */
async function advertisedDialects(fetcher: WalletFetch, issuer: string, as: Json, scope: string): Promise<Dialect[]> {
  const found: Dialect[] = [];
  if (sameEndpoint(as.authorization_challenge_endpoint, `${issuer}/authorize-challenge`, 'challenge endpoint')) {
    found.push('l');
    const probe = await ReferenceWallet.create({
      issuerUrl: issuer,
      pid: '',
      holderKey: await generateWalletKey(),
      fetch: fetcher,
    });
    if (await speaksS3(probe, scope)) found.push('s3');
  }
  const iae = await getJson(fetcher, wellKnown(`${issuer}/iae`, 'oauth-authorization-server'));
  const iaeEndpoint = `${issuer}/iae/interactive-authorization`;
  if (iae && sameEndpoint(iae.interactive_authorization_endpoint, iaeEndpoint, 'interactive authorization endpoint'))
    found.push('s1', 's2');
  return DIALECTS.filter((dialect) => found.includes(dialect));
}

/** The target, from its metadata and the run's arguments: dialects, configuration and scope. */
export async function discoverTarget(request: DiscoveryRequest): Promise<ConformanceTarget> {
  const fetcher = request.fetch ?? fetch;
  const issuer = request.issuerUrl.replace(/\/$/, '');
  const metadata = await getJson(fetcher, wellKnown(issuer, 'openid-credential-issuer'));
  if (!metadata) throw new SetupError(`${issuer} serves no credential issuer metadata (OpenID4VCI §12.2.2)`);
  if (String(metadata.credential_issuer).replace(/\/$/, '') !== issuer)
    throw new SetupError(
      `the metadata names the credential issuer ${String(metadata.credential_issuer)}, not ${issuer}`,
    );
  const configurations = (metadata.credential_configurations_supported ?? {}) as Record<string, { scope?: unknown }>;
  const configurationId = request.configurationId ?? Object.keys(configurations)[0];
  if (configurationId === undefined) throw new SetupError(`${issuer} advertises no credential configuration`);
  const scope = configurations[configurationId]?.scope;
  if (!Object.hasOwn(configurations, configurationId))
    throw new SetupError(
      `${issuer} has no configuration ${configurationId} (it has ${Object.keys(configurations).join(', ')})`,
    );
  if (typeof scope !== 'string') throw new SetupError(`the configuration ${configurationId} has no scope`);
  const as = await getJson(fetcher, wellKnown(issuer, 'oauth-authorization-server'));
  if (!as) throw new SetupError(`${issuer} serves no authorization server metadata (RFC 8414)`);
  const advertised = await advertisedDialects(fetcher, issuer, as, scope);
  if (advertised.length === 0) throw new SetupError(`${issuer} advertises no dialect the kit speaks`);
  if (request.dialect !== 'all' && !advertised.includes(request.dialect))
    throw new SetupError(`${issuer} does not advertise dialect ${request.dialect} (it has ${advertised.join(', ')})`);
  return {
    issuerUrl: issuer,
    dialects: request.dialect === 'all' ? advertised : [request.dialect],
    configurationId,
    scope,
    mintPid: request.mintPid,
    ...(request.pidTrust && { pidTrust: request.pidTrust }),
    ...(request.maxWaitSeconds !== undefined && { maxWaitSeconds: request.maxWaitSeconds }),
    ...(request.fetch && { fetch: request.fetch }),
  };
}
