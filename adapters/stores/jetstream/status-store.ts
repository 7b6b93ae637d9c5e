import type { KV } from '@nats-io/kv';
import { StatusList } from '@sd-jwt/jwt-status-list';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordMac } from '../../keys/record-mac.js';
import {
  CREDENTIAL_STATUS,
  type CredentialStatus,
  type StatusEntry,
  type StatusStore,
  type StatusTarget,
} from '../ports.js';
import { failClearly } from './fail-clearly.js';
import { openBucket, UNLIMITED, type StoreLimits } from './stream-limits.js';

/** A list's statuses as the Token Status List encodes them (2 bits each, deflated, draft §4.1): KBs, never past a KV value's limit. */
interface StoredList {
  size: number;
  lst: string;
}
const BITS = 2;
const ATTEMPTS = 16;

function decode(stored: StoredList | undefined): number[] {
  return stored ? StatusList.decompressStatusList(stored.lst, BITS).statusList.slice(0, stored.size) : [];
}

function encode(statuses: number[]): StoredList {
  return { size: statuses.length, lst: new StatusList(statuses, BITS).compressStatusList() };
}

/** A revision-checked write lost to another writer (NATS `wrong last sequence`); anything else is a failure. */
const isConflict = (error: unknown) => /wrong last sequence/i.test(String((error as Error)?.message ?? error));

/**
 * The status of issued credentials (I-30) in a JetStream KV bucket shared by every instance:
 * `current` names the list being filled (moved on with a revision-checked update); an index
 * is claimed with `create` (create-if-absent) of `entry.<list>.<idx>`, found again by session
 * through `session.<sessionId>.<list>.<idx>`; `changes.<list>` holds the
 * list's statuses other than VALID, updated with a revision check so concurrent admins do not
 * lose each other's changes. Every value is signed (`RecordMac`); one failing its MAC is refused.
 */
export class JetStreamStatusStore implements StatusStore {
  private constructor(
    private readonly kv: KV,
    private readonly mac: RecordMac,
  ) {}

  static async open(
    nc: NatsConnection,
    mac: RecordMac,
    bucket = 'pdi-status',
    limits?: StoreLimits,
  ): Promise<JetStreamStatusStore> {
    return failClearly(new JetStreamStatusStore(await openBucket(nc, bucket, { limits, created: UNLIMITED }), mac));
  }

  private sign(key: string, value: unknown): string {
    return this.mac.sign(`status\n${key}`, JSON.stringify(value));
  }

  private async read<T>(key: string): Promise<{ value: T; revision: number } | undefined> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') return undefined;
    // A value failing its MAC throws TamperedRecord: the request fails closed rather than trusting it.
    return { value: JSON.parse(this.mac.open(`status\n${key}`, entry.string())) as T, revision: entry.revision };
  }

  /** Create `key`: false when it exists already; any other failure is thrown. */
  private async create(key: string, value: unknown): Promise<boolean> {
    try {
      await this.kv.create(key, this.sign(key, value));
      return true;
    } catch (error) {
      if (await this.kv.get(key)) return false;
      throw error;
    }
  }

  async currentList(): Promise<number> {
    const current = await this.read<number>('current');
    if (current) return current.value;
    await this.create('current', 0);
    return (await this.read<number>('current'))!.value;
  }

  async nextList(full: number): Promise<number> {
    const current = await this.read<number>('current');
    if (current?.value !== full) return this.currentList();
    try {
      await this.kv.update('current', this.sign('current', full + 1), current.revision);
    } catch {
      // Another instance moved on first: its list is the current one.
    }
    return this.currentList();
  }

  async claim(entry: StatusEntry): Promise<boolean> {
    const at = `${entry.list}.${entry.idx}`;
    if (!(await this.create(`entry.${at}`, entry))) return false;
    await this.kv.put(`session.${entry.sessionId}.${at}`, this.sign(`session.${entry.sessionId}.${at}`, entry));
    return true;
  }

  private async entriesOf(target: StatusTarget): Promise<StatusEntry[]> {
    if (!('sessionId' in target)) {
      const found = await this.read<StatusEntry>(`entry.${target.list}.${target.idx}`);
      return found ? [found.value] : [];
    }
    const entries: StatusEntry[] = [];
    for await (const key of await this.kv.keys(`session.${target.sessionId}.>`)) {
      const found = await this.read<StatusEntry>(key);
      if (found) entries.push(found.value);
    }
    return entries;
  }

  /** One list's changes, applied with a revision check (retried when another writer came first). */
  private async change(list: number, entries: StatusEntry[], status: CredentialStatus): Promise<StatusEntry[]> {
    const key = `changes.${list}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.read<StoredList>(key);
      const statuses = decode(stored?.value);
      // Token Status List §7.1: INVALID is final; an entry already at the status is not a change.
      const changed = entries.filter((entry) => {
        const was = statuses[entry.idx] ?? CREDENTIAL_STATUS.valid;
        return was !== CREDENTIAL_STATUS.revoked && was !== status;
      });
      if (changed.length === 0) return [];
      const size = Math.max(statuses.length, ...changed.map((entry) => entry.idx + 1));
      const next = Array.from({ length: size }, (_, idx) => statuses[idx] ?? CREDENTIAL_STATUS.valid);
      for (const entry of changed) next[entry.idx] = status;
      try {
        if (stored) await this.kv.update(key, this.sign(key, encode(next)), stored.revision);
        else await this.kv.create(key, this.sign(key, encode(next)));
        return changed;
      } catch (error) {
        // Another writer changed this list meanwhile: read it again. Any other failure is one.
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`JetStream: status list ${list} kept changing under this update`);
  }

  /** The session's mark, written before its entries are listed: a claim that reads it after writing its index cannot escape. */
  private async markSession(sessionId: string, status: CredentialStatus): Promise<void> {
    const key = `session-status.${sessionId}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.read<CredentialStatus>(key);
      if (stored?.value === CREDENTIAL_STATUS.revoked || stored?.value === status) return;
      try {
        if (stored) await this.kv.update(key, this.sign(key, status), stored.revision);
        else await this.kv.create(key, this.sign(key, status));
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`JetStream: the status of session ${sessionId} kept changing under this update`);
  }

  async sessionStatus(sessionId: string): Promise<CredentialStatus> {
    return (await this.read<CredentialStatus>(`session-status.${sessionId}`))?.value ?? CREDENTIAL_STATUS.valid;
  }

  async setStatus(target: StatusTarget, status: CredentialStatus): Promise<StatusEntry[]> {
    if ('sessionId' in target) await this.markSession(target.sessionId, status);
    const entries = await this.entriesOf(target);
    const lists = [...new Set(entries.map((entry) => entry.list))];
    const changed = await Promise.all(
      lists.map((list) =>
        this.change(
          list,
          entries.filter((entry) => entry.list === list),
          status,
        ),
      ),
    );
    return changed.flat();
  }

  async changed(list: number): Promise<Array<{ idx: number; status: CredentialStatus }>> {
    const statuses = decode((await this.read<StoredList>(`changes.${list}`))?.value);
    return statuses.flatMap((status, idx) =>
      status === CREDENTIAL_STATUS.valid ? [] : [{ idx, status: status as CredentialStatus }],
    );
  }

  /** Issue 12 §4 (readiness): the bucket answers over the connection. */
  async ready(): Promise<void> {
    await this.kv.status();
  }

  async close(): Promise<void> {}
}
