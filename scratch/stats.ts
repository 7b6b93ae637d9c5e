import fc from 'fast-check';
import { arbSession } from '../test/support/arbitraries.js';
import { runCommands } from '../test/support/run.js';
fc.statistics(arbSession('session-stat-000001'), (cmds) => {
  const { events } = runCommands(cmds);
  return events.map(e => e.type).includes('CredentialIssued') ? 'cred' : events.map(e => e.type).includes('PresentationVerified') ? 'verified' : events.some(e=>e.type==='RequestObjectRetrieved') ? 'retrieved' : `len${events.length}`;
}, { numRuns: 1000 });
