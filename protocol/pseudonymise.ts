import type { Pseudonyms } from '../adapters/keys/pseudonyms.js';
import type { CallerProof, Command } from '../engine/index.js';

/**
 * Seed 002 §3.3: every command reaches the engine with its linking identifiers replaced by
 * the session's pseudonyms (`Pseudonyms`), so the log stores no client id, key thumbprint or
 * credential digest in clear. Commands without such identifiers pass unchanged.
 */
export function pseudonymiser(pseudonyms: Pseudonyms) {
  return async (command: Command): Promise<Command> => {
    const { type } = command;
    if (
      type === 'RetrieveRequestObject' ||
      type === 'StartBrowserStep' ||
      type === 'CompleteBrowserStep' ||
      type === 'Expire' ||
      type === 'Erase'
    )
      return command;
    if (type === 'SubmitWalletError' && command.caller === undefined) return command;
    const p = await pseudonyms.of(command.sessionId, command.type === 'StartChallenge');
    const jkt = (value: string) => p('jkt', value);
    // FiPA §5.1: a client_id sent on a later call is compared with the session's, as a pseudonym.
    const clientOf = ({ clientId }: { clientId?: string }) =>
      clientId === undefined ? {} : { clientId: p('client_id', clientId) };
    const keys = <T extends { dpopJkt: string; attestationJkt?: string }>(facts: T): T => ({
      ...facts,
      dpopJkt: jkt(facts.dpopJkt),
      ...(facts.attestationJkt !== undefined && { attestationJkt: jkt(facts.attestationJkt) }),
    });
    const presented = <T extends { holderJkt: string; credentialDigest: string }>(facts: T): T => ({
      ...facts,
      holderJkt: jkt(facts.holderJkt),
      credentialDigest: p('digest', facts.credentialDigest),
    });
    switch (command.type) {
      case 'StartChallenge':
        return { ...keys(command), clientId: p('client_id', command.clientId) };
      case 'ContinueChallenge':
        return {
          ...command,
          caller: keys<CallerProof>(command.caller),
          ...clientOf(command),
          ...(command.presentation && { presentation: presented(command.presentation) }),
        };
      case 'SubmitWalletError':
        return { ...command, ...(command.caller && { caller: keys<CallerProof>(command.caller) }) };
      case 'SubmitPresentation':
        return presented(command);
      case 'RedeemCode':
        return { ...keys(command), ...clientOf(command) };
      case 'BindCNonce':
        return keys(command);
      case 'IssueCredential':
        return {
          ...keys(command),
          holderJkts: command.holderJkts.map(jkt),
          credentialDigests: command.credentialDigests.map((digest) => p('digest', digest)),
        };
    }
  };
}
