/**
 * Active anti-entropy. Each node keeps one Merkle tree per partition it replicates, updated in
 * O(1) on every change to a stored version (client writes, replica writes, handoff, read repair,
 * exchanges). Exchanges run continuously: for one partition at a time, compare roots with another
 * primary, and if they differ, fetch that primary's segment hashes, list the keys of the segments
 * that differ on both sides, and repair both through the normal DVV merge, within a key budget.
 * The same rounds remove tombstones that every primary holds once their grace period passed.
 */

import { TokenBucket } from '../antientropy/budget.js';
import { type Digest, diffLeaves, MerkleTree, segmentOf, versionDigest } from '../antientropy/index.js';
import { latin1, sameBytes } from '../common/bytes.js';
import {
  AE_CONFIRM_MS,
  AE_CONFIRM_SEGMENTS_MAX,
  AE_EXCHANGE_INTERVAL_MS,
  AE_EXCHANGE_INTERVAL_MS_MAX,
  AE_EXCHANGES_INFLIGHT_MAX,
  AE_REPAIR_KEYS_PER_S,
  AE_SCAN_PAGE_MAX,
  AE_SEGMENT_KEYS_MAX,
  AE_SEGMENTS,
  AE_SEGMENTS_PER_EXCHANGE_MAX,
  AE_STEP_TIMEOUT_MS,
  AE_VERIFY_INTERVAL_MS,
  TOMBSTONE_GRACE_MS_DEFAULT,
  TRANSFER_SYNC_ROUNDS_MAX,
} from '../common/limits.js';
import { nextRing } from '../ring/plan.js';
import { preferenceList } from '../ring/preference-list.js';
import type { Ring } from '../ring/ring.js';
import { decodeDvvSet, encodeDvvSet } from '../versioning/dvv-codec.js';
import { isDeleted } from '../versioning/dvv-set.js';
import type { NodeConfig } from './config.js';
import type { DataEntry, Env, KeyVersion, PeerReply } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import type { Membership } from './membership.js';
import { pause, takeTokens } from './pacing.js';
import { keyAfter, PARTITION_PREFIX_BYTES, partitionStart, type Replica, storageKey } from './replica.js';

/** Anti-entropy figures for status. */
export interface AntiEntropyStatus {
  readonly partitionsReplicated: number;
  readonly partitionsInSync: number;
  readonly lastExchangeAgeS: number;
  readonly keysRepaired: number;
  readonly tombstonesPending: number;
}

export class AntiEntropy {
  private readonly trees = new Map<number, MerkleTree>();
  /** Keys and bytes (key + encoded version) stored per partition with a tree. */
  private readonly sizes = new Map<number, PartitionSize>();
  /** Partitions kept (tree and all) although this node no longer replicates them: being released. */
  private readonly retained = new Set<number>();
  /** Rebuilds run one at a time, in order. */
  private builds: Promise<void> = Promise.resolve();
  private readonly inSync = new Map<number, boolean>();
  /** Partitions whose tree is being rebuilt from storage, with what changed under the scan. */
  private readonly rebuilding = new Map<number, Rebuild>();
  /** Tombstoned keys (latin1 of the storage key) and when this node first saw them deleted. */
  private readonly tombstones = new Map<string, number>();
  private readonly bucket: TokenBucket;
  private order: number[] = [];
  private cursor = 0;
  private peerCursor = 0;
  private inflight = 0;
  private ready = false;
  private stopped = false;
  private cancel: (() => void) | null = null;
  private lastExchangeAt = 0;
  /** Exchanges in a row that found nothing to repair; reset by anything that may leave replicas apart (see schedule). */
  private quietStreak = 0;
  /** Peers seen up at the last tick; one that comes back up may have missed writes. */
  private readonly peersUp = new Set<string>();
  private lastVerifyAt = 0;
  private verifyCursor = 0;
  keysRepaired = 0;
  /** Exchanges started since start. */
  exchanges = 0;

  constructor(
    private readonly env: Env,
    private readonly config: NodeConfig,
    private readonly membership: Membership,
    private readonly replica: Replica,
    private readonly detector: FailureDetector,
  ) {
    this.bucket = new TokenBucket(AE_REPAIR_KEYS_PER_S, AE_REPAIR_KEYS_PER_S, env.clock.now());
    if (config.antiEntropy !== false) {
      replica.onChange((skey, before, after, deleted) => this.changed(skey, before, after, deleted));
      membership.onRing((ring) => {
        if (this.ready) this.reconcile(ring);
      });
    }
  }

  /** Whether trees are kept (anti-entropy enabled) and built. */
  get enabled(): boolean {
    return this.config.antiEntropy !== false;
  }

  /** Keys and bytes this node stores in `partition`, when it keeps a tree for it. */
  size(partition: number): PartitionSize | undefined {
    const s = this.sizes.get(partition);
    return s === undefined ? undefined : { keys: s.keys, bytes: s.bytes };
  }

  /** Resolves once this node keeps an up-to-date tree for `partition` (building it if needed). */
  async ensureTree(partition: number): Promise<void> {
    if (!this.enabled) throw new Error('anti-entropy is disabled on this node');
    if (this.trees.has(partition)) return;
    await this.buildPartitions([partition]);
  }

  /** Keeps `partition`'s tree while the node hands the partition over, though it no longer replicates it. */
  retain(partition: number): void {
    this.retained.add(partition);
  }

  /** Drops a released partition's tree. */
  forget(partition: number): void {
    this.retained.delete(partition);
    const ring = this.membership.ring;
    if (ring !== null && this.wanted(ring).has(partition)) return;
    this.trees.delete(partition);
    this.sizes.delete(partition);
    this.inSync.delete(partition);
  }

  /**
   * Brings `partition` in sync with `peer` (both must keep its tree): exchange rounds until the
   * roots are equal; false if they still differ after TRANSFER_SYNC_ROUNDS_MAX rounds.
   */
  async syncPartition(peer: string, partition: number): Promise<boolean> {
    await this.ensureTree(partition);
    for (let round = 0; round < TRANSFER_SYNC_ROUNDS_MAX; round++) {
      const tree = this.trees.get(partition);
      if (tree === undefined) return false;
      const reply = await this.ask(peer, { type: 'treeRequest', partition, root: tree.rootBytes() });
      if (reply.type === 'error') throw new Error(`${peer}: ${reply.message}`);
      if (reply.type !== 'treeReply') return false;
      if (reply.equal) return true;
      const differing = diffLeaves(tree.serialize(), reply.leaves).slice(0, AE_SEGMENTS_PER_EXCHANGE_MAX);
      if (differing.length > 0) await this.repair(peer, partition, differing);
    }
    return false;
  }

  /** Partitions whose tree this node keeps under `ring`: those it replicates now or will after the change in progress. */
  private wanted(ring: Ring): Set<number> {
    const self = this.config.id;
    const next = nextRing(ring);
    const out = new Set<number>(this.retained);
    for (let p = 0; p < ring.q; p++) {
      if (preferenceList(ring, p).primaries.includes(self)) out.add(p);
      else if (next !== undefined && preferenceList(next, p).primaries.includes(self)) out.add(p);
    }
    return out;
  }

  /** After a ring change: build trees for partitions gained, drop those of partitions given up. */
  private reconcile(ring: Ring): void {
    this.quietStreak = 0;
    const wanted = this.wanted(ring);
    for (const p of [...this.trees.keys()]) {
      if (wanted.has(p)) continue;
      this.trees.delete(p);
      this.sizes.delete(p);
      this.inSync.delete(p);
    }
    this.order = this.exchangeOrder(ring);
    const missing = [...wanted].filter((p) => !this.trees.has(p));
    if (missing.length > 0) {
      void this.buildPartitions(missing).catch((err: unknown) =>
        this.env.log.warn({ err }, 'could not build anti-entropy trees after a ring change'),
      );
    }
  }

  /** Partitions exchanged in rotation: those this node is a primary for in the ring's owners. */
  private exchangeOrder(ring: Ring): number[] {
    const mine: number[] = [];
    for (let p = 0; p < ring.q; p++) if (preferenceList(ring, p).primaries.includes(this.config.id)) mine.push(p);
    return mine;
  }

  /** Builds (in turn with any other build) the trees of `partitions` that do not have one yet. */
  private buildPartitions(partitions: readonly number[]): Promise<void> {
    const run = this.builds.then(async () => {
      for (const p of partitions) {
        if (this.trees.has(p)) continue;
        const built = await this.rebuildTree(p, (e) => {
          if (isDeleted(decodeDvvSet(e.value))) this.tombstones.set(latin1(e.key), this.env.clock.now());
        });
        this.trees.set(p, built.tree);
        this.sizes.set(p, built.size);
      }
    });
    this.builds = run.catch(() => {});
    return run;
  }

  /** Builds the trees from storage (once the ring is known), then starts exchanging. */
  start(): void {
    if (this.config.antiEntropy === false) return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  status(): AntiEntropyStatus {
    const now = this.env.clock.now();
    return {
      partitionsReplicated: this.order.length,
      partitionsInSync: this.order.filter((p) => this.inSync.get(p) === true).length,
      lastExchangeAgeS: this.lastExchangeAt === 0 ? 0 : Math.floor((now - this.lastExchangeAt) / 1000),
      keysRepaired: this.keysRepaired,
      tombstonesPending: this.tombstones.size,
    };
  }

  /** Answers a peer's root: "equal", or this node's segment hashes. */
  handleTree(partition: number, root: Uint8Array): PeerReply {
    const tree = this.trees.get(partition);
    if (!this.ready || tree === undefined) {
      return { type: 'error', code: 'UNAVAILABLE', message: `no tree for partition ${partition} here yet` };
    }
    if (sameBytes(tree.rootBytes(), root)) return { type: 'treeReply', equal: true, leaves: new Uint8Array(0) };
    return { type: 'treeReply', equal: false, leaves: tree.serialize() };
  }

  /** The keys and versions this node holds in some segments of a partition. */
  async handleSegments(partition: number, segments: readonly number[]): Promise<PeerReply> {
    // A peer found differences with this node: both sides repair, so this one speeds up too.
    this.quietStreak = 0;
    const { entries, truncated } = await this.segmentEntries(partition, new Set(segments));
    return {
      type: 'segmentReply',
      entries: entries.map((e) => ({ key: userKey(e.key), state: e.value })),
      truncated,
    };
  }

  private changed(skey: Uint8Array, before: Uint8Array | undefined, after: Uint8Array | null, deleted: boolean): void {
    const partition = partitionOfStorageKey(skey);
    // Runs on every replica write: the tree hashes the user key in place (after the partition
    // prefix) and digests both versions without allocating.
    this.trees.get(partition)?.updateEncoded(skey, PARTITION_PREFIX_BYTES, before ?? null, after);
    const size = this.sizes.get(partition);
    if (size !== undefined) {
      size.keys += (after === null ? 0 : 1) - (before === undefined ? 0 : 1);
      size.bytes += entryBytes(skey, after) - entryBytes(skey, before ?? null);
    }
    const rebuild = this.rebuilding.get(partition);
    if (rebuild !== undefined) {
      const beforeDigest = before === undefined ? null : versionDigest(before);
      const afterDigest = after === null ? null : versionDigest(after);
      noteChange(
        rebuild,
        skey,
        beforeDigest === null ? null : { digest: beforeDigest, bytes: entryBytes(skey, before ?? null) },
        afterDigest === null ? null : { digest: afterDigest, bytes: entryBytes(skey, after) },
      );
    }
    const tombstone = after !== null && deleted;
    // The common write neither makes nor replaces a tombstone: spare it the key's string form.
    if (!tombstone && this.tombstones.size === 0) return;
    const id = latin1(skey);
    if (tombstone) {
      if (!this.tombstones.has(id)) this.tombstones.set(id, this.env.clock.now());
    } else {
      this.tombstones.delete(id);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    // Full pace until a whole round over this node's partitions found nothing to repair. A repair
    // here or by a peer, a ring change, a restart and a peer not up (or back up) start the round over.
    const quiet = this.ready && this.quietStreak >= this.order.length;
    this.cancel = this.env.clock.setTimer(quiet ? AE_EXCHANGE_INTERVAL_MS_MAX : AE_EXCHANGE_INTERVAL_MS, () => {
      this.tick();
      this.schedule();
    });
  }

  private tick(): void {
    const ring = this.membership.ring;
    if (ring === null) return;
    if (!this.ready) {
      if (this.inflight === 0) this.run(() => this.build(ring));
      return;
    }
    const now = this.env.clock.now();
    this.watchPeers(ring, now);
    if (this.inflight >= AE_EXCHANGES_INFLIGHT_MAX || this.order.length === 0) return;
    if (now - this.lastVerifyAt >= AE_VERIFY_INTERVAL_MS / this.order.length) {
      this.lastVerifyAt = now;
      const p = this.order[this.verifyCursor++ % this.order.length]!;
      this.run(() => this.verify(p));
      return;
    }
    const partition = this.order[this.cursor++ % this.order.length]!;
    this.exchanges++;
    this.run(() => this.exchange(ring, partition));
  }

  /**
   * Full pace while any peer is suspect or down (writes are missing somewhere) and for a round after
   * it is back up (it may have missed writes).
   */
  private watchPeers(ring: Ring, now: number): void {
    for (const { id } of ring.members) {
      if (id === this.config.id) continue;
      if (this.detector.state(id, now) !== 'up') {
        this.peersUp.delete(id);
        this.quietStreak = 0;
      } else if (!this.peersUp.has(id)) {
        this.peersUp.add(id);
        this.quietStreak = 0;
      }
    }
  }

  /** Counts an exchange's outcome toward the pace. */
  private paced(repaired: boolean): void {
    this.quietStreak = repaired ? 0 : this.quietStreak + 1;
  }

  /**
   * Rebuilds one partition's tree from storage and compares it with the incremental one; a
   * mismatch (a bug, or a write that failed after the tree saw it) is logged and the rebuilt
   * tree takes over. Each tree is checked once per AE_VERIFY_INTERVAL_MS.
   */
  private async verify(partition: number): Promise<void> {
    const run = this.builds.then(async () => {
      if (!this.trees.has(partition)) return;
      const rebuilt = await this.rebuildTree(partition);
      const current = this.trees.get(partition);
      if (current === undefined || rebuilt.tree.equals(current)) return;
      this.env.log.warn({ partition }, 'anti-entropy tree disagreed with storage; replaced by a rebuild');
      this.trees.set(partition, rebuilt.tree);
      this.sizes.set(partition, rebuilt.size);
      this.inSync.set(partition, false);
    });
    this.builds = run.catch(() => {});
    await run;
  }

  /**
   * The partitions whose live tree differs from one rebuilt from storage now (empty when the
   * incremental trees are right). For checkers: the simulator runs it at the end of every seed.
   */
  async audit(): Promise<number[]> {
    const wrong: number[] = [];
    const run = this.builds.then(async () => {
      for (const partition of [...this.trees.keys()]) {
        const rebuilt = await this.rebuildTree(partition);
        const current = this.trees.get(partition);
        const size = this.sizes.get(partition);
        const sameSize = size !== undefined && size.keys === rebuilt.size.keys && size.bytes === rebuilt.size.bytes;
        if (current !== undefined && (!rebuilt.tree.equals(current) || !sameSize)) wrong.push(partition);
      }
    });
    this.builds = run.catch(() => {});
    await run;
    return wrong;
  }

  /**
   * A partition's tree as of the moment it returns, built from a paged storage scan while writes
   * go on. Versions the replica holds but storage does not yet (pending durability) and changes
   * that land during the scan are taken from the replica's change notices instead of the scan.
   * `onEntry` sees each scanned entry the tree kept.
   */
  private async rebuildTree(
    partition: number,
    onEntry?: (e: DataEntry) => void,
  ): Promise<{ tree: MerkleTree; size: PartitionSize }> {
    const tree = new MerkleTree(AE_SEGMENTS);
    const rebuild: Rebuild = { tree, size: { keys: 0, bytes: 0 }, latest: new Map(), scanned: null };
    for (const [skey, encoded] of this.replica.pendingIn(partition)) {
      rebuild.latest.set(latin1(skey), { digest: versionDigest(encoded), bytes: entryBytes(skey, encoded) });
    }
    if (this.rebuilding.has(partition)) throw new Error(`partition ${partition} is already being rebuilt`);
    this.rebuilding.set(partition, rebuild);
    try {
      await this.scanPartition(partition, (e) => {
        rebuild.scanned = e.key;
        if (rebuild.latest.has(latin1(e.key))) return;
        tree.updateEncoded(e.key, PARTITION_PREFIX_BYTES, null, e.value);
        rebuild.size.keys++;
        rebuild.size.bytes += entryBytes(e.key, e.value);
        onEntry?.(e);
      });
    } finally {
      this.rebuilding.delete(partition);
    }
    for (const [id, v] of rebuild.latest) {
      if (v === null) continue;
      tree.update(userKey(fromLatin1(id)), null, v.digest);
      rebuild.size.keys++;
      rebuild.size.bytes += v.bytes;
    }
    return { tree, size: rebuild.size };
  }

  /** Visits a partition's stored entries in key order, page by page, until `visit` returns false. */
  private async scanPartition(partition: number, visit: (e: DataEntry) => unknown): Promise<void> {
    let after: Uint8Array | null = null;
    for (;;) {
      const page: DataEntry[] = await this.env.storage.scanData(
        after ?? partitionStart(partition),
        partitionStart(partition + 1),
        AE_SCAN_PAGE_MAX,
      );
      for (const e of page) if (visit(e) === false) return;
      if (page.length < AE_SCAN_PAGE_MAX) return;
      after = keyAfter(page[page.length - 1]!.key);
    }
  }

  private run(step: () => Promise<void>): void {
    this.inflight++;
    void step()
      .catch((err: unknown) => this.env.log.warn({ err }, 'anti-entropy step failed'))
      .finally(() => {
        this.inflight--;
      });
  }

  /** One tree per partition this node replicates (or is about to), from what storage holds now. */
  private async build(ring: Ring): Promise<void> {
    const wanted = [...this.wanted(ring)].sort((a, b) => a - b);
    await this.buildPartitions(wanted);
    this.ready = true;
    this.env.log.info({ partitions: wanted.length }, 'anti-entropy trees built');
    // The ring may have changed while the trees were built.
    this.reconcile(this.membership.ring ?? ring);
  }

  /** Compares one partition with its next peer primary and repairs the differences. */
  private async exchange(ring: Ring, partition: number): Promise<void> {
    const now = this.env.clock.now();
    const peers = preferenceList(ring, partition).primaries.filter(
      (id) => id !== this.config.id && this.detector.state(id, now) === 'up',
    );
    if (peers.length === 0) return;
    const peer = peers[this.peerCursor++ % peers.length]!;
    const tree = this.trees.get(partition);
    if (tree === undefined) return;
    const reply = await this.ask(peer, { type: 'treeRequest', partition, root: tree.rootBytes() });
    this.lastExchangeAt = this.env.clock.now();
    if (reply.type !== 'treeReply') return;
    if (reply.equal) {
      this.inSync.set(partition, true);
      this.paced(false);
      await this.reapTombstones(ring, partition);
      return;
    }
    this.inSync.set(partition, false);
    const first = diffLeaves(tree.serialize(), reply.leaves);
    if (first.length === 0) {
      this.paced(false);
      return;
    }
    if (first.length > AE_CONFIRM_SEGMENTS_MAX) {
      this.paced((await this.repair(peer, partition, first.slice(0, AE_SEGMENTS_PER_EXCHANGE_MAX))) > 0);
      return;
    }
    // Under write load a few differing segments are mostly writes still on their way to one side.
    // Look again a moment later and repair only segments that still differ: a repair scans the
    // partition on both sides, so repairing in-flight writes would cost far more than it fixes.
    await pause(this.env.clock, AE_CONFIRM_MS);
    if (this.stopped || this.trees.get(partition) !== tree) return;
    const again = await this.ask(peer, { type: 'treeRequest', partition, root: tree.rootBytes() });
    if (again.type !== 'treeReply') return;
    if (again.equal) {
      this.inSync.set(partition, true);
      this.paced(false);
      return;
    }
    const still = new Set(diffLeaves(tree.serialize(), again.leaves));
    const confirmed = first.filter((segment) => still.has(segment)).slice(0, AE_SEGMENTS_PER_EXCHANGE_MAX);
    this.paced(confirmed.length > 0 && (await this.repair(peer, partition, confirmed)) > 0);
  }

  /** Brings both sides of some segments up to the merge of their versions; resolves with how many keys differed. */
  private async repair(peer: string, partition: number, segments: number[]): Promise<number> {
    const reply = await this.ask(peer, { type: 'segmentRequest', partition, segments });
    if (reply.type !== 'segmentReply') return 0;
    let differed = 0;
    const local = await this.segmentEntries(partition, new Set(segments));
    const theirs = new Map(reply.entries.map((e) => [latin1(e.key), e]));
    const ours = new Map(local.entries.map((e) => [latin1(userKey(e.key)), e]));
    for (const [id, e] of theirs) {
      const mine = ours.get(id);
      if (mine !== undefined && sameBytes(mine.value, e.state)) continue;
      differed++;
      await this.token();
      await this.replica.merge(storageKey(partition, e.key), e.state);
      this.keysRepaired++;
    }
    const push: KeyVersion[] = [];
    for (const [id, e] of ours) {
      const other = theirs.get(id);
      if (other === undefined || !sameBytes(other.state, e.value)) push.push({ key: userKey(e.key), state: e.value });
    }
    const member = this.membership.member(peer);
    for (const kv of push) {
      await this.token();
      // Send our (now merged) version: the peer merges it into its own.
      const current = await this.replica.read(storageKey(partition, kv.key));
      const state = encodeDvvSet(current);
      const r = await this.env.transport.request(
        member,
        { type: 'replicaPut', key: kv.key, state, forNode: '' },
        AE_STEP_TIMEOUT_MS,
      );
      if (r.type === 'replicaReply') this.keysRepaired++;
    }
    return differed + push.length;
  }

  /**
   * For partitions whose first primary is this node: remove tombstones older than the grace
   * period once every primary holds exactly the same tombstone.
   */
  private async reapTombstones(ring: Ring, partition: number): Promise<void> {
    const primaries = preferenceList(ring, partition).primaries;
    if (primaries[0] !== this.config.id) return;
    const grace = this.config.tombstoneGraceMs ?? TOMBSTONE_GRACE_MS_DEFAULT;
    const now = this.env.clock.now();
    const due = [...this.tombstones]
      .filter(([id, seen]) => partitionOfStorageKey(fromLatin1(id)) === partition && now - seen >= grace)
      .slice(0, AE_SEGMENT_KEYS_MAX);
    for (const [id] of due) {
      const skey = fromLatin1(id);
      const mine = encodeDvvSet(await this.replica.read(skey));
      const others = primaries.filter((p) => p !== this.config.id);
      const replies = await Promise.all(
        others.map((p) => this.ask(p, { type: 'replicaGet', key: userKey(skey), forNode: '' })),
      );
      const everyoneHasIt = replies.every((r) => r.type === 'replicaReply' && r.found && sameBytes(r.state, mine));
      if (!everyoneHasIt) continue;
      const removed = await Promise.all(
        others.map((p) => this.ask(p, { type: 'purge', key: userKey(skey), state: mine })),
      );
      if (removed.every((r) => r.type === 'replicaReply')) await this.replica.remove(skey, mine);
    }
  }

  private async segmentEntries(
    partition: number,
    segments: ReadonlySet<number>,
  ): Promise<{ entries: DataEntry[]; truncated: boolean }> {
    const entries: DataEntry[] = [];
    let truncated = false;
    await this.scanPartition(partition, (e) => {
      if (!segments.has(segmentOf(userKey(e.key), AE_SEGMENTS))) return true;
      if (entries.length >= AE_SEGMENT_KEYS_MAX) {
        truncated = true;
        return false;
      }
      entries.push(e);
      return true;
    });
    return { entries, truncated };
  }

  /** Waits for one repair token, so repair never exceeds its keys-per-second budget. */
  private token(): Promise<void> {
    return takeTokens(this.env.clock, this.bucket, 1);
  }

  private ask(peer: string, request: Parameters<Env['transport']['request']>[1]): Promise<PeerReply> {
    return this.env.transport.request(this.membership.member(peer), request, AE_STEP_TIMEOUT_MS);
  }
}

/** Keys and bytes (key plus encoded version) one node stores in a partition. */
export interface PartitionSize {
  keys: number;
  bytes: number;
}

/** A key's version as a rebuild counts it. */
interface Counted {
  readonly digest: Digest;
  readonly bytes: number;
}

/**
 * A tree being rebuilt from a paged scan. `latest` holds the newest version (null: gone) of every
 * key that changed since the rebuild began or was not yet durable when it began; the scan skips
 * those keys and they are added at the end. `scanned` is the last storage key the scan visited.
 */
interface Rebuild {
  readonly tree: MerkleTree;
  readonly size: PartitionSize;
  readonly latest: Map<string, Counted | null>;
  scanned: Uint8Array | null;
}

/**
 * Records a change under a rebuild. A key the scan already visited, and that had not changed
 * before, went into the tree as `before` (storage and replica agreed on it): take that back out,
 * as the key's final version is added at the end.
 */
function noteChange(rebuild: Rebuild, skey: Uint8Array, before: Counted | null, after: Counted | null): void {
  const id = latin1(skey);
  if (
    !rebuild.latest.has(id) &&
    before !== null &&
    rebuild.scanned !== null &&
    compareBytes(skey, rebuild.scanned) <= 0
  ) {
    rebuild.tree.update(userKey(skey), before.digest, null);
    rebuild.size.keys--;
    rebuild.size.bytes -= before.bytes;
  }
  rebuild.latest.set(id, after);
}

function entryBytes(skey: Uint8Array, value: Uint8Array | null): number {
  return value === null ? 0 : skey.length - 2 + value.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** The partition a storage key belongs to (its first two bytes). */
function partitionOfStorageKey(skey: Uint8Array): number {
  return (skey[0]! << 8) | skey[1]!;
}

function userKey(skey: Uint8Array): Uint8Array {
  return skey.subarray(PARTITION_PREFIX_BYTES);
}

function fromLatin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}
