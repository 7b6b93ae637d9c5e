import { CREDENTIAL_STATUS, type CredentialStatus, type StatusStore } from '../../adapters/stores/ports.js';

/** What an issued credential carries (draft-ietf-oauth-status-list §6.1, SD-JWT VC §3.2.2.2 `status`). */
export interface StatusClaim {
  status_list: { idx: number; uri: string };
}

/** Consecutive taken indices after which a list counts as full and the next one is opened. */
const ATTEMPTS_PER_LIST = 16;
const LIST_MOVES = 4;

/**
 * A status entry for one credential about to be issued (I-30): a uniformly random free index of
 * the current list (draft-ietf-oauth-status-list §13.2, herd privacy: the list reveals neither
 * issuance order nor which credentials belong together, W-70/CF-40), the next list once indices
 * keep being taken. The entry names its session, so the admin can revoke a session's credentials;
 * a session revoked or suspended already gives its new entry that status (read after the claim, so
 * a revocation running meanwhile reaches the entry one way or the other).
 */
export async function allocateStatus(
  store: StatusStore,
  input: { listSize: number; randomIndex: (bound: number) => number; sessionId: string },
): Promise<{ list: number; idx: number; status: CredentialStatus }> {
  let list = await store.currentList();
  for (let move = 0; move <= LIST_MOVES; move++) {
    for (let attempt = 0; attempt < ATTEMPTS_PER_LIST; attempt++) {
      const idx = input.randomIndex(input.listSize);
      if (!(await store.claim({ list, idx, sessionId: input.sessionId }))) continue;
      const status = await store.sessionStatus(input.sessionId);
      if (status !== CREDENTIAL_STATUS.valid) await store.setStatus({ list, idx }, status);
      return { list, idx, status };
    }
    list = await store.nextList(list);
  }
  throw new Error('no free status list index after opening several lists');
}
