import { InteractiveSteps } from '../wallet/interactive-flow.js';
import type { ReferenceWallet } from '../wallet/reference-wallet.js';
import { untilPresentation, untilToken } from './flow-steps.js';

/** Real handles of sessions at several stages, so mutated requests reach deep into the flow. */
export interface FuzzCorpus {
  authSessions: string[];
  pdis: string[];
  codes: string[];
  tokens: string[];
  requestIds: string[];
  sessionIds: string[];
}

export async function buildCorpus(
  newWallet: () => Promise<ReferenceWallet>,
  sessions: number,
): Promise<{ corpus: FuzzCorpus; wallets: ReferenceWallet[] }> {
  const corpus: FuzzCorpus = { authSessions: [], pdis: [], codes: [], tokens: [], requestIds: [], sessionIds: [] };
  const wallets: ReferenceWallet[] = [];
  for (let i = 0; i < sessions; i++) {
    const wallet = await newWallet();
    wallets.push(wallet);
    if (i % 4 === 3) {
      // Issue 13: an S3 session awaiting its carried presentation, so follow-ups of every dialect meet one.
      const first = await new InteractiveSteps(wallet, 'S3').challenge({ scope: 'membership' });
      const authSession = String(first.body.auth_session);
      corpus.authSessions.push(authSession);
      corpus.sessionIds.push(authSession.split('.')[0]!);
      continue;
    }
    const started =
      i % 2 === 0
        ? await untilToken(wallet)
        : { ...(await untilPresentation(wallet)), pdis: undefined, code: undefined, accessToken: undefined };
    corpus.authSessions.push(started.authSession);
    corpus.sessionIds.push(started.authSession.split('.')[0]!);
    corpus.requestIds.push(new URL(started.request.responseUri).pathname.split('/').at(-1)!);
    if (started.pdis) corpus.pdis.push(started.pdis);
    if (started.code) corpus.codes.push(started.code);
    if (started.accessToken) corpus.tokens.push(started.accessToken);
  }
  return { corpus, wallets };
}
