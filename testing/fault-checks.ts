import assert from 'node:assert/strict';
import { audit, fold, type SessionEvent } from '../engine/index.js';
import type { ReferenceWallet } from '../wallet/reference-wallet.js';

export interface FlowResult {
  sessionId?: string;
  /** The events the wallet saw acknowledged, by the step that answered. */
  acknowledged: string[];
  credential?: string;
  error?: string;
}

const EVENT_OF_STEP: Record<string, string> = {
  '4-5': 'ChallengeReceived',
  '6': 'RequestObjectRetrieved',
  '7-9': 'PresentationVerified',
  '10-11': 'AuthorizationCodeIssued',
  '12-13': 'TokenIssued',
  '14-15': 'CredentialIssued',
};

/** One flow; the session id is read from the auth_session handle, so the log can be checked afterwards. */
export async function runOne(wallet: ReferenceWallet): Promise<FlowResult> {
  let sessionId: string | undefined;
  const acknowledged: string[] = [];
  try {
    const credential = await wallet.runFlow({
      scope: 'membership',
      configurationId: 'demo_membership',
      onStep: (step, detail) => {
        const authSession = (detail as { auth_session?: string }).auth_session;
        if (authSession) sessionId = authSession.split('.')[0];
        const event = EVENT_OF_STEP[step.split(' ')[0]!];
        if (event) acknowledged.push(event);
      },
    });
    return { sessionId, acknowledged, credential };
  } catch (error) {
    return { sessionId, acknowledged, error: String(error) };
  }
}

/** A flow ends with a credential or a clear error that carries an HTTP status (or a refused connection). */
export function expectCompleteOrClear(results: FlowResult[]) {
  for (const result of results)
    assert.match(String(result.credential ?? result.error), result.credential ? /~/ : /\b[45]\d\d\b|fetch failed/);
}

/** Every acknowledged step is in the log, every log folds (no state it cannot explain) and passes today's rules, nothing is issued twice. */
export async function checkLogs(readLog: (sessionId: string) => Promise<SessionEvent[]>, results: FlowResult[]) {
  for (const result of results.filter((r) => r.sessionId)) {
    const events = await readLog(result.sessionId!);
    assert.doesNotThrow(() => fold(events));
    assert.deepEqual(audit(events), [], `${result.sessionId}: today's rules refuse its log`);
    for (const once of ['AuthorizationCodeIssued', 'CredentialIssued'])
      assert.ok(events.filter((e) => e.type === once).length <= 1, `${once} more than once`);
    for (const type of result.acknowledged)
      assert.ok(
        events.some((e) => e.type === type),
        `acknowledged ${type}`,
      );
  }
}

/** Wait (bounded) until the issuer at `url` answers again, after a fault. */
export async function answering(url: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const response = await fetch(`${url}/nonce`, { method: 'POST' }).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer again within 15 s`);
}
