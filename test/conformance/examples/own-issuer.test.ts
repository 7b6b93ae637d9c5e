import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  arbWalletFlow,
  type ConformanceTarget,
  DEMO_PERSON,
  firstDisagreement,
  ModelOracle,
  WalletDriver,
} from '../../../conformance/index.js';
import { type RunningIssuer, startIssuer } from '../../../testing/index.js';

// Your issuer under test: here ours, on loopback, trusting a demo PID provider.
let issuer: RunningIssuer;
let target: ConformanceTarget;
let oracle: ModelOracle;

beforeAll(async () => {
  issuer = await startIssuer();
  target = {
    issuerUrl: issuer.url,
    dialects: ['l'],
    configurationId: 'demo_membership',
    scope: 'membership',
    // PIDs your issuer accepts, and whom it trusts for them (a JWKS here; `{ anchorFile }` for an x5c anchor).
    mintPid: (holderJwk, now) => issuer.pidIssuer.issuePid(holderJwk, DEMO_PERSON, now),
    pidTrust: { jwks: { keys: [issuer.pidIssuer.publicJwk] } },
  };
  oracle = await ModelOracle.open(target);
});

afterAll(async () => {
  await oracle.close();
  await issuer.stop();
});

it('answers every sequence of wallet steps as the model predicts', async () => {
  await fc.assert(
    fc.asyncProperty(arbWalletFlow('l', { sessions: 2 }), async (steps) => {
      const predicted = await oracle.predict('l', steps);
      const actual = await new WalletDriver(target, 'l').run(steps);
      expect(firstDisagreement(steps, predicted, actual)).toBeUndefined();
    }),
    { numRuns: 10, seed: 17 },
  );
});
