import { TamperedRecord } from '../../adapters/keys/record-mac.js';
import { CorruptStream, fold, INITIAL_STATE, type SessionEvent, stateName } from '../../engine/index.js';
import type { IssuerContext } from '../issuer-context.js';

/** A session as the console shows it: ids, enums and times, nothing sealed. */
export interface SessionView {
  sessionId: string;
  events: SessionEvent[];
  state: string;
  dialect: string;
  configurationIds: string[];
  /** The state after each event, from `idle` on: the path this session took through the machine. */
  path: string[];
}

/** Issue 15 §2: a session read fresh from the store; undefined when the store holds no log for it. */
export async function readSession(ctx: IssuerContext, sessionId: string): Promise<SessionView | undefined> {
  const events = await ctx.engine.store.read(sessionId);
  if (events.length === 0) return undefined;
  const opened = events.find((event) => event.type === 'ChallengeReceived');
  const data = opened?.type === 'ChallengeReceived' ? opened.data : undefined;
  let state = INITIAL_STATE;
  const path = [stateName(state)];
  for (const event of events) {
    state = fold([event], state);
    path.push(stateName(state));
  }
  return {
    sessionId,
    events,
    state: path.at(-1)!,
    dialect: data ? (data.dialect ?? 'L') : '',
    configurationIds: data?.credentialConfigurationIds ?? [],
    path,
  };
}

/** Rule 3: a log that fails its authentication or that the machine cannot explain is shown as such, never read around. */
export function isUnreadable(error: unknown): boolean {
  return error instanceof CorruptStream || error instanceof TamperedRecord;
}
