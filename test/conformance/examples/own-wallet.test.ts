import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  arbWalletFlow,
  type ConformanceTarget,
  DEMO_PERSON,
  type Dialect,
  DIALECTS,
  firstDisagreement,
  happyPath,
  ModelOracle,
  type StepRunner,
  WalletDriver,
} from '../../../conformance/index.js';
import { type RunningIssuer, startIssuer } from '../../../testing/index.js';

/** Your wallet, performing each abstract step: here the reference wallet's driver stands in for it. */
function yourWallet(target: ConformanceTarget, dialect: Dialect): StepRunner {
  return new WalletDriver(target, dialect);
}

let issuer: RunningIssuer;
let target: ConformanceTarget;
let oracle: ModelOracle;

beforeAll(async () => {
  // Our issuer, with the Interactive Authorization Endpoint on, so every dialect is served.
  issuer = await startIssuer({ interactiveAuthorization: { iae: { enabled: true } } });
  target = {
    issuerUrl: issuer.url,
    dialects: DIALECTS,
    configurationId: 'demo_membership',
    scope: 'membership',
    mintPid: (holderJwk, now) => issuer.pidIssuer.issuePid(holderJwk, DEMO_PERSON, now),
    pidTrust: { anchorFile: issuer.pidIssuer.anchorFile },
  };
  oracle = await ModelOracle.open(target);
});

afterAll(async () => {
  await oracle.close();
  await issuer.stop();
});

it('gets the answers the model predicts in every dialect, and a fresh session still ends in a credential', async () => {
  const arbCase = fc.constantFrom(...DIALECTS).chain((dialect) =>
    arbWalletFlow(dialect, { sessions: 2 }).map((steps) => ({
      dialect,
      steps: [...steps, ...happyPath(dialect, 2)],
    })),
  );
  await fc.assert(
    fc.asyncProperty(arbCase, async ({ dialect, steps }) => {
      const actual = await yourWallet(target, dialect).run(steps);
      expect(firstDisagreement(steps, await oracle.predict(dialect, steps), actual)).toBeUndefined();
      expect(actual.at(-1)).toEqual({ status: '2xx' });
    }),
    { numRuns: 12, seed: 17 },
  );
});
