#!/usr/bin/env node
/**
 * `npm run revoke -- (--session <id> | --credential <file>) [--suspend | --reinstate]` (I-30): revoke
 * the credentials issued in a session, or the one credential in a file (its `status.status_list`
 * names its entry), on the issuer's own state (the data directory's SQLite, or JetStream with
 * `nats`). `--suspend` suspends instead, `--reinstate` lifts a suspension; revoked is final.
 * The served status list shows the change within ttl/2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { CREDENTIAL_STATUS, type StatusTarget } from '../adapters/stores/ports.js';
import { loadConfig } from '../config/load.js';
import { natsPreset, sqlitePreset } from '../issuer/index.js';
import { endpoints } from '../protocol/issuer-context.js';
import { statusReferenceOf } from '../adapters/status/status-list-client.js';
import { adminSessionId } from '../protocol/endpoints/admin-session.js';
import { listOfUri } from '../protocol/status-list/issued-status-lists.js';
import { connectToNats } from '../transports/nats/connection.js';

const { values } = parseArgs({
  options: {
    session: { type: 'string' },
    credential: { type: 'string' },
    suspend: { type: 'boolean', default: false },
    reinstate: { type: 'boolean', default: false },
  },
  strict: true,
});

/** The entry a credential of ours names: `status.status_list` of its issuer-signed JWT, under our status URI. */
function entryOf(credential: string, statusBase: string): StatusTarget {
  const reference = statusReferenceOf(decodeJwt(credential.trim().split('~')[0]!));
  const list = reference && listOfUri(reference.uri, statusBase);
  if (list === undefined) throw new Error('the credential names no status list entry of this issuer');
  return { list, idx: reference!.idx };
}

try {
  if ((values.session === undefined) === (values.credential === undefined))
    throw new Error('usage: npm run revoke -- (--session <id> | --credential <file>) [--suspend | --reinstate]');
  if (values.suspend && values.reinstate) throw new Error('--suspend and --reinstate exclude each other');
  const config = loadConfig();
  const target = values.session
    ? { sessionId: adminSessionId(values.session) }
    : entryOf(readFileSync(values.credential!, 'utf8'), endpoints(config).statusLists);
  const status = values.suspend ? 'suspended' : values.reinstate ? 'valid' : 'revoked';
  const nc = config.nats && (await connectToNats(config.nats, 'pdi-revoke', console.error));
  const ports = nc ? await natsPreset(config, nc) : await sqlitePreset(config);
  try {
    const changed = await ports.stores.status.setStatus(target, CREDENTIAL_STATUS[status]);
    console.log(
      `${status}: ${changed.length} credential(s) changed${changed.map((e) => ` ${e.list}:${e.idx}`).join('')}`,
    );
  } finally {
    await ports.stores.close();
    await nc?.drain();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
