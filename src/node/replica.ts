/**
 * The local replica: this node's copy of the keys it stores, as DVV sets. Every change is a
 * read-modify-write under a per-key lock, and reaches storage as one atomic batch.
 */

import { latin1, sameBytes } from '../common/bytes.js';
import { TooLargeError } from '../common/errors.js';
import { decodeDvvSet, encodeDvvSet, supersedesEncoded } from '../versioning/dvv-codec.js';
import {
  type Actor,
  type DvvSet,
  EMPTY_DVV_SET,
  equalDvv,
  isDeleted,
  siblingCount,
  sync,
  update,
  type VersionVector,
} from '../versioning/dvv-set.js';
import type { Storage } from './env.js';
import { KeyLock } from './key-lock.js';

/** Bytes of the partition prefix of a storage key; the user key follows it. */
export const PARTITION_PREFIX_BYTES = 2;

/** Storage key: the partition (2 bytes, big-endian) then the key, so a partition is one range. */
export function storageKey(partition: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + PARTITION_PREFIX_BYTES);
  out[0] = partition >>> 8;
  out[1] = partition & 0xff;
  out.set(key, PARTITION_PREFIX_BYTES);
  return out;
}

/** The first storage key of a partition (partition q is the end of the last one). */
export function partitionStart(partition: number): Uint8Array {
  return storageKey(partition, new Uint8Array(0));
}

/** The smallest key after `k`: where a key-ordered scan resumes. */
export function keyAfter(k: Uint8Array): Uint8Array {
  const out = new Uint8Array(k.length + 1);
  out.set(k, 0);
  return out;
}

/** A state change that is computed and visible, and becomes durable when `durable` resolves. */
export interface ReplicaWrite {
  readonly state: DvvSet;
  readonly encoded: Uint8Array;
  readonly durable: Promise<void>;
}

/** Told of every change to a stored version (anti-entropy keeps its trees current with it). */
export type ReplicaListener = (
  skey: Uint8Array,
  before: Uint8Array | undefined,
  after: Uint8Array | null,
  /** The new version holds tombstones only. */
  deleted: boolean,
) => void;

/** readNow's answer when the key cannot be read at once. */
const NOT_NOW = Symbol('not now');
const DONE: Promise<void> = Promise.resolve();

export class Replica {
  private readonly lock = new KeyLock();
  /** States written but not yet durable; reads see them first. */
  private readonly pending = new Map<string, Uint8Array>();
  private listener: ReplicaListener = () => {};

  constructor(private readonly storage: Storage) {}

  /** Registers the one listener told of every change (replacing any earlier one). */
  onChange(listener: ReplicaListener): void {
    this.listener = listener;
  }

  /** The local state of a key (the empty set when absent). */
  async read(skey: Uint8Array): Promise<DvvSet> {
    const bytes = await this.readEncoded(skey, lockKey(skey));
    return bytes === undefined ? EMPTY_DVV_SET : decodeDvvSet(bytes);
  }

  /**
   * The local state of a key in its stored form (encodeDvvSet's bytes, shared: read them, never
   * write them), or undefined when absent. A peer's read is answered with these as they are.
   */
  readStored(skey: Uint8Array): Promise<Uint8Array | undefined> {
    return this.readEncoded(skey, lockKey(skey));
  }

  /** A client write coordinated here: a new dot for `actor` superseding what `context` saw. */
  async update(
    skey: Uint8Array,
    context: VersionVector,
    value: Uint8Array | null,
    actor: Actor,
    siblingsMax: number,
  ): Promise<ReplicaWrite> {
    const k = lockKey(skey);
    const now = this.readNow(skey, k);
    if (now !== NOT_NOW) return this.updateFrom(skey, k, now, context, value, actor, siblingsMax);
    return this.lock.with(k, async () =>
      this.updateFrom(skey, k, await this.readEncoded(skey, k), context, value, actor, siblingsMax),
    );
  }

  /**
   * Merges a version from another replica, given in its encoded form (a replica write, a repair, a
   * transfer); resolves with the merged state once it is durable. Rejects if `encoded` is malformed.
   */
  async merge(skey: Uint8Array, encoded: Uint8Array): Promise<DvvSet> {
    const result = await this.mergeSection(skey, encoded);
    await result.durable;
    return result.state;
  }

  /**
   * As merge, for a caller that needs only durability (a primary's copy of a write): no async
   * frame, and no merged state to hand back. Throws at once if `encoded` is malformed.
   */
  mergeDurable(skey: Uint8Array, encoded: Uint8Array): Promise<void> {
    const result = this.mergeSection(skey, encoded);
    return result instanceof Promise ? result.then((r) => r.durable) : result.durable;
  }

  // Decodes the incoming version and runs merge's section, in this turn when readNow allows.
  private mergeSection(
    skey: Uint8Array,
    encoded: Uint8Array,
  ): Pick<ReplicaWrite, 'state' | 'durable'> | Promise<Pick<ReplicaWrite, 'state' | 'durable'>> {
    const incoming = decodeDvvSet(encoded);
    const k = lockKey(skey);
    const now = this.readNow(skey, k);
    if (now !== NOT_NOW) return this.mergeFrom(skey, k, now, incoming, encoded);
    return this.lock.with(k, async () => this.mergeFrom(skey, k, await this.readEncoded(skey, k), incoming, encoded));
  }

  /**
   * The key's stored form read at once, when no section for the key runs or waits and storage can
   * answer without waiting: the caller then runs its section in this turn, with no await, which is
   * what the lock would have let it do (nothing interleaves with code that does not yield), minus a
   * lock entry and a few promises per write. Else NOT_NOW: take the lock and read as usual.
   */
  private readNow(skey: Uint8Array, k: string): Uint8Array | undefined | typeof NOT_NOW {
    if (this.storage.getDataNow === undefined || this.lock.busy(k)) return NOT_NOW;
    return this.pending.get(k) ?? this.storage.getDataNow(skey, k);
  }

  // The section of update, from the key's stored form `before`; it does not yield.
  private updateFrom(
    skey: Uint8Array,
    k: string,
    before: Uint8Array | undefined,
    context: VersionVector,
    value: Uint8Array | null,
    actor: Actor,
    siblingsMax: number,
  ): ReplicaWrite {
    const local = before === undefined ? EMPTY_DVV_SET : decodeDvvSet(before);
    const next = update(local, context, value, actor);
    if (siblingCount(next) > siblingsMax) {
      throw new TooLargeError(
        'siblings',
        `the write would leave ${siblingCount(next)} siblings; the limit is ${siblingsMax}: ` +
          'read the key and write with its context to resolve them',
        siblingsMax,
      );
    }
    return this.write(skey, k, next, before);
  }

  // The section of merge, from the key's stored form `before`; it does not yield.
  private mergeFrom(
    skey: Uint8Array,
    k: string,
    before: Uint8Array | undefined,
    incoming: DvvSet,
    encoded: Uint8Array,
  ): Pick<ReplicaWrite, 'state' | 'durable'> {
    // Usually the incoming version supersedes the local one. Then the merge is the incoming
    // version, and `encoded` is already its encoding: decode accepts only the canonical form,
    // and equal dots carry equal values. The usual case is told from the local vector alone.
    const supersedes = before === undefined ? incoming.siblings.length > 0 : supersedesEncoded(incoming, before);
    if (supersedes) return this.writeEncoded(skey, k, incoming, encoded, before);
    const local = before === undefined ? EMPTY_DVV_SET : decodeDvvSet(before);
    const merged = sync(local, incoming);
    if (equalDvv(merged, local)) return { state: local, durable: DONE };
    if (equalDvv(merged, incoming)) return this.writeEncoded(skey, k, incoming, encoded, before);
    return this.write(skey, k, merged, before);
  }

  /** Versions of a partition's keys written but not yet durable (storage does not show them yet). */
  pendingIn(partition: number): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    for (const [k, encoded] of this.pending) {
      if (((k.charCodeAt(0) << 8) | k.charCodeAt(1)) === partition) out.push([fromLockKey(k), encoded]);
    }
    return out;
  }

  /** `k` is lockKey(skey). */
  private readEncoded(skey: Uint8Array, k: string): Promise<Uint8Array | undefined> {
    const pending = this.pending.get(k);
    return pending !== undefined ? Promise.resolve(pending) : this.storage.getData(skey);
  }

  /**
   * Removes a key's version if it is still exactly `expected` (a tombstone every primary holds);
   * resolves whether it was removed.
   */
  async remove(skey: Uint8Array, expected: Uint8Array): Promise<boolean> {
    const k = lockKey(skey);
    return this.lock.with(k, async () => {
      const before = await this.readEncoded(skey, k);
      if (before === undefined || !sameBytes(before, expected)) return false;
      // Listener first, as for writes: whoever watches changes sees them no later than storage does.
      this.listener(skey, before, null, false);
      await this.storage.writeData([{ key: skey, value: null, created: false }]);
      return true;
    });
  }

  /** Deletes a key outright, whatever its version (a partition this node no longer replicates). */
  async drop(skey: Uint8Array): Promise<void> {
    const k = lockKey(skey);
    await this.lock.with(k, async () => {
      const before = await this.readEncoded(skey, k);
      if (before === undefined) return;
      this.listener(skey, before, null, false);
      await this.storage.writeData([{ key: skey, value: null, created: false }]);
    });
  }

  private write(skey: Uint8Array, k: string, state: DvvSet, before: Uint8Array | undefined): ReplicaWrite {
    return this.writeEncoded(skey, k, state, encodeDvvSet(state), before);
  }

  /** `encoded` is encodeDvvSet(state). */
  private writeEncoded(
    skey: Uint8Array,
    k: string,
    state: DvvSet,
    encoded: Uint8Array,
    before: Uint8Array | undefined,
  ): ReplicaWrite {
    this.pending.set(k, encoded);
    this.listener(skey, before, encoded, isDeleted(state));
    const created = before === undefined;
    const settled = () => {
      if (this.pending.get(k) === encoded) this.pending.delete(k);
    };
    // then rather than finally: finally makes two more promises per write.
    const durable = this.storage
      .writeData([{ key: skey, value: encoded, created, keyString: k }])
      .then(settled, (err: unknown) => {
        settled();
        throw err;
      });
    return { state, encoded, durable };
  }
}

function lockKey(skey: Uint8Array): string {
  return latin1(skey);
}

function fromLockKey(k: string): Uint8Array {
  return new Uint8Array(Buffer.from(k, 'latin1'));
}
