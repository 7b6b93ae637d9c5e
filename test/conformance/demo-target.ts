import { DIALECTS, type ConformanceTarget } from '../../conformance/index.js';
import type { RunningIssuer } from '../../testing/index.js';
import { DEMO_PERSON } from '../../wallet/index.js';

/**
 * Our issuer as a conformance target: its demo PID provider mints the PIDs and is the PID trust;
 * `issuerUrl` when it is reached through something else (a proxy). Its clock follows the real one,
 * since the kit's wallets sign with the real time.
 */
export function demoTarget(running: RunningIssuer, issuerUrl = running.url): ConformanceTarget {
  Object.defineProperty(running.clock, 'now', { get: () => Date.now() });
  return {
    issuerUrl,
    dialects: DIALECTS,
    configurationId: 'demo_membership',
    scope: 'membership',
    mintPid: (holderJwk, now) => running.pidIssuer.issuePid(holderJwk, DEMO_PERSON, now),
    pidTrust: { anchorFile: running.pidIssuer.anchorFile },
  };
}
