/**
 * Rebalancing, receiving side: while a membership change is in progress (the ring has `next`),
 * every partition this node is about to replicate is pulled from a current replica in key order,
 * one bounded chunk at a time, merged through the replica (so concurrent writes and the copy meet
 * in the DVV merge), and checkpointed after each chunk. A crash of either side resumes from the
 * checkpoint, from any current replica: they all order keys the same way. After the copy, a final
 * anti-entropy pass with the source catches writes the copy missed. Hello replies report how many
 * transfers are still pending; the claimant flips ownership when no member has any.
 */
import { TokenBucket } from '../antientropy/budget.js';
import {
  HANDOFF_RATE_WINDOW_MS,
  TRANSFER_CHUNK_BYTES_MAX,
  TRANSFER_CHUNK_KEYS_MAX,
  TRANSFER_KEYS_PER_S,
  TRANSFER_RETRY_MS,
  TRANSFER_STEP_TIMEOUT_MS,
  TRANSFERS_INFLIGHT_MAX,
} from '../common/limits.js';
import type { TransferStatus__Output } from '../gen/ringkv/v1/TransferStatus.js';
import { incomingReplicas } from '../ring/plan.js';
import { preferenceList } from '../ring/preference-list.js';
import type { Ring } from '../ring/ring.js';
import type { AntiEntropy } from './anti-entropy.js';
import type { NodeConfig } from './config.js';
import type { DataEntry, Env, KeyVersion, PartitionStatsEntry, PeerAddress, PeerReply } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import type { Membership, TransferReport } from './membership.js';
import { takeTokens } from './pacing.js';
import { keyAfter, PARTITION_PREFIX_BYTES, partitionStart, type Replica, storageKey } from './replica.js';

const CHECKPOINT_META = 'transfers';

type JobState = 'waiting' | 'copying' | 'syncing' | 'done';

interface Job {
  readonly partition: number;
  state: JobState;
  source: string;
  /** The last user key copied (hex in the checkpoint); null before the first chunk. */
  after: Uint8Array | null;
  keys: number;
  bytes: number;
  keysTotal: number;
  bytesTotal: number;
  resumedAtKeys: number;
}

interface Checkpoint {
  readonly epoch: number;
  readonly jobs: readonly {
    readonly partition: number;
    readonly state: JobState;
    readonly after: string | null;
    readonly keys: number;
    readonly bytes: number;
    /** The partition's size as its source reported it; absent in checkpoints of older builds. */
    readonly keysTotal?: number;
    readonly bytesTotal?: number;
  }[];
}

export class Transfers {
  private epoch = 0;
  private jobs = new Map<number, Job>();
  private running = 0;
  private loaded = false;
  private stopped = false;
  private readonly bucket: TokenBucket;
  /** Keys asked for per chunk: at most TRANSFER_CHUNK_KEYS_MAX, and at most a second's worth. */
  private readonly chunk: number;
  /** (time, keys copied in total) samples over the rate window. */
  private readonly samples: [number, number][] = [];
  private copiedTotal = 0;
  /** Serializes checkpoint writes, so an older one never lands after a newer one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly config: NodeConfig,
    private readonly membership: Membership,
    private readonly replica: Replica,
    private readonly antiEntropy: AntiEntropy,
    private readonly detector: FailureDetector,
  ) {
    const rate = config.transferKeysPerS ?? TRANSFER_KEYS_PER_S;
    this.chunk = Math.max(1, Math.min(TRANSFER_CHUNK_KEYS_MAX, rate));
    this.bucket = new TokenBucket(rate, this.chunk, env.clock.now());
    membership.onRing((ring) => {
      if (this.loaded) this.plan(ring);
    });
  }

  /** Loads the checkpoint, then plans for the ring already installed (if any). */
  async start(): Promise<void> {
    const saved = await this.env.storage.getMeta(CHECKPOINT_META);
    this.loaded = true;
    const ring = this.membership.ring;
    const checkpoint = saved === undefined ? null : (JSON.parse(new TextDecoder().decode(saved)) as Checkpoint);
    if (ring !== null) this.plan(ring, checkpoint);
  }

  stop(): void {
    this.stopped = true;
  }

  /** The figures hello replies carry. */
  report(): TransferReport {
    let pending = 0;
    for (const job of this.jobs.values()) if (job.state !== 'done') pending++;
    return { epoch: this.epoch, pending };
  }

  status(): TransferStatus__Output[] {
    const rate = this.rate();
    return [...this.jobs.values()].map((j) => {
      const left = Math.max(0, j.keysTotal - j.keys);
      return {
        partition: j.partition,
        source: j.source,
        state: j.state,
        keysDone: j.keys,
        bytesDone: j.bytes,
        // The total is the source's count when the copy began; writes since can add keys.
        keysTotal: j.keysTotal === 0 ? 0 : Math.max(j.keysTotal, j.keys),
        bytesTotal: j.bytesTotal === 0 ? 0 : Math.max(j.bytesTotal, j.bytes),
        rateKeysPerS: j.state === 'copying' ? rate : 0,
        etaS: j.state === 'copying' && rate > 0 && j.keysTotal > 0 ? Math.ceil(left / rate) : 0,
        resumedAtKeys: j.resumedAtKeys,
      };
    });
  }

  /** Serves a peer's pull: the next chunk of `partition` after `after` (empty: from the start). */
  async handlePull(partition: number, after: Uint8Array, limit: number): Promise<PeerReply> {
    const max = Math.max(1, Math.min(limit, TRANSFER_CHUNK_KEYS_MAX));
    const from = after.length === 0 ? partitionStart(partition) : keyAfter(storageKey(partition, after));
    const page: DataEntry[] = await this.env.storage.scanData(from, partitionStart(partition + 1), max);
    const entries: KeyVersion[] = [];
    let bytes = 0;
    for (const e of page) {
      bytes += e.key.length + e.value.length;
      if (entries.length > 0 && bytes > TRANSFER_CHUNK_BYTES_MAX) break;
      entries.push({ key: e.key.subarray(PARTITION_PREFIX_BYTES), state: e.value });
    }
    return { type: 'transferChunk', entries, done: page.length < max && entries.length === page.length };
  }

  /** Sets up the transfers of a newly installed ring; resumes those a checkpoint recorded. */
  private plan(ring: Ring, checkpoint: Checkpoint | null = null): void {
    if (ring.next === undefined || this.membership.departedFrom(ring)) {
      if (this.epoch !== 0) {
        this.env.log.info({ epoch: this.epoch, next: ring.epoch }, 'membership change complete; transfers closed');
        this.jobs = new Map();
        this.epoch = 0;
        this.save();
      }
      return;
    }
    if (ring.epoch === this.epoch) return;
    const resumed = new Map(checkpoint?.epoch === ring.epoch ? checkpoint.jobs.map((j) => [j.partition, j]) : []);
    const jobs = new Map<number, Job>();
    for (let p = 0; p < ring.q; p++) {
      if (!incomingReplicas(ring, p).includes(this.config.id)) continue;
      const saved = resumed.get(p);
      jobs.set(p, {
        partition: p,
        state: saved?.state === 'done' ? 'done' : 'waiting',
        source: '',
        after: saved?.after == null ? null : new Uint8Array(Buffer.from(saved.after, 'hex')),
        keys: saved?.keys ?? 0,
        bytes: saved?.bytes ?? 0,
        // A total saved with the checkpoint (or, for a finished partition, what was copied) holds;
        // otherwise it is learned again below.
        keysTotal: knownTotal(saved?.state, saved?.keysTotal, saved?.keys),
        bytesTotal: knownTotal(saved?.state, saved?.bytesTotal, saved?.bytes),
        resumedAtKeys: saved?.keys ?? 0,
      });
    }
    this.jobs = jobs;
    this.epoch = ring.epoch;
    const resumedCount = [...jobs.values()].filter((j) => j.resumedAtKeys > 0).length;
    this.env.log.info(
      { epoch: ring.epoch, partitions: jobs.size, resumed: resumedCount },
      jobs.size === 0
        ? 'membership change staged; nothing to receive'
        : 'membership change staged; receiving partitions',
    );
    this.save();
    void this.sizeAll(ring.epoch).catch((err: unknown) =>
      this.env.log.debug({ err }, 'could not learn the sizes of the partitions to receive'),
    );
    this.pump();
  }

  /** Asks current replicas how large each partition to receive is (for progress and ETA). */
  private async sizeAll(forEpoch: number): Promise<void> {
    const byNode = new Map<string, Job[]>();
    for (const job of this.jobs.values()) {
      if (job.state === 'done') continue;
      const source = this.pickSource(job.partition);
      byNode.set(source, [...(byNode.get(source) ?? []), job]);
    }
    await Promise.all([...byNode].map(([node, jobs]) => this.learnSizes(node, jobs, forEpoch)));
  }

  /** Fills in the totals of `jobs` whose size is still unknown, as `node` reports them. */
  private async learnSizes(node: string, jobs: readonly Job[], forEpoch: number): Promise<void> {
    const stats = await askPartitionStats(
      this.env,
      this.membership.member(node),
      jobs.map((j) => j.partition),
    );
    if (this.epoch !== forEpoch) return;
    for (const s of stats) {
      const job = this.jobs.get(s.partition);
      if (job === undefined || !s.known || job.keysTotal > 0) continue;
      job.keysTotal = Math.max(s.keys, job.keys);
      job.bytesTotal = Math.max(s.bytes, job.bytes);
    }
  }

  private pump(): void {
    if (this.stopped) return;
    for (const job of this.jobs.values()) {
      if (this.running >= TRANSFERS_INFLIGHT_MAX) return;
      if (job.state !== 'waiting') continue;
      job.state = 'copying';
      this.running++;
      const epoch = this.epoch;
      void this.run(job, epoch)
        .catch((err: unknown) => {
          this.env.log.warn({ err, partition: job.partition }, 'transfer failed; will retry');
          if (this.jobs.get(job.partition) === job && job.state !== 'done') job.state = 'waiting';
        })
        .finally(() => {
          this.running--;
          if (this.jobs.get(job.partition) === job && job.state === 'waiting') {
            this.env.clock.setTimer(TRANSFER_RETRY_MS, () => this.pump());
          } else {
            this.pump();
          }
        });
    }
  }

  /** Copies one partition, then syncs it with the source; throws to be retried later. */
  private async run(job: Job, epoch: number): Promise<void> {
    const live = () => !this.stopped && this.epoch === epoch && this.jobs.get(job.partition) === job;
    job.source = this.pickSource(job.partition);
    if (job.keysTotal === 0) await this.learnSizes(job.source, [job], epoch);
    while (live() && job.state === 'copying') {
      await takeTokens(this.env.clock, this.bucket, this.chunk);
      const reply = await this.env.transport.request(
        this.membership.member(job.source),
        { type: 'transferPull', partition: job.partition, after: job.after ?? new Uint8Array(0), limit: this.chunk },
        TRANSFER_STEP_TIMEOUT_MS,
      );
      if (reply.type !== 'transferChunk') {
        throw new Error(`pull from ${job.source} failed: ${reply.type === 'error' ? reply.message : reply.type}`);
      }
      if (!live()) return;
      await Promise.all(reply.entries.map((e) => this.replica.merge(storageKey(job.partition, e.key), e.state)));
      for (const e of reply.entries) job.bytes += e.key.length + e.state.length;
      job.keys += reply.entries.length;
      this.copied(reply.entries.length);
      const last = reply.entries[reply.entries.length - 1];
      if (last !== undefined) job.after = last.key.slice();
      if (reply.done) job.state = 'syncing';
      this.save();
    }
    if (!live() || job.state !== 'syncing') return;
    // The final pass: writes that reached the current replicas but not this node (a coordinator
    // that had not seen the change yet, a write to this node that failed) are repaired by
    // anti-entropy exchanges.
    // Every current replica, not only the source: a write acknowledged by the others may have
    // missed the source.
    if (this.antiEntropy.enabled) {
      const ring = this.membership.requireRing();
      for (const peer of preferenceList(ring, job.partition).primaries) {
        if (peer === this.config.id) continue;
        const synced = await this.antiEntropy.syncPartition(peer, job.partition);
        if (!synced) throw new Error(`partition ${job.partition} still differs from ${peer} after the final pass`);
      }
    }
    if (!live()) return;
    job.state = 'done';
    this.save();
    this.env.log.info({ partition: job.partition, keys: job.keys, source: job.source }, 'partition received');
  }

  /** A current replica of the partition to copy from: a live one, rotating on each attempt. */
  private pickSource(partition: number): string {
    const ring = this.membership.requireRing();
    const now = this.env.clock.now();
    const candidates = preferenceList(ring, partition).primaries.filter((id) => id !== this.config.id);
    const up = candidates.filter((id) => this.detector.state(id, now) === 'up');
    const pool = up.length > 0 ? up : candidates;
    if (pool.length === 0) throw new Error(`no replica of partition ${partition} to copy from`);
    return pool[Math.floor(this.env.random.next() * pool.length)]!;
  }

  private save(): void {
    const checkpoint: Checkpoint = {
      epoch: this.epoch,
      jobs: [...this.jobs.values()].map((j) => ({
        partition: j.partition,
        state: j.state === 'done' ? 'done' : 'waiting',
        after: j.after === null ? null : Buffer.from(j.after).toString('hex'),
        keys: j.keys,
        bytes: j.bytes,
        keysTotal: j.keysTotal,
        bytesTotal: j.bytesTotal,
      })),
    };
    const bytes = new TextEncoder().encode(JSON.stringify(checkpoint));
    this.saving = this.saving
      .then(() => this.env.storage.putMeta(CHECKPOINT_META, bytes))
      .catch((err: unknown) => this.env.log.warn({ err }, 'could not save the transfer checkpoint'));
  }

  private copied(n: number): void {
    const now = this.env.clock.now();
    this.copiedTotal += n;
    this.samples.push([now, this.copiedTotal]);
    while (this.samples.length > 0 && now - this.samples[0]![0] > HANDOFF_RATE_WINDOW_MS) this.samples.shift();
  }

  private rate(): number {
    const now = this.env.clock.now();
    const recent = this.samples.filter(([t]) => now - t <= HANDOFF_RATE_WINDOW_MS);
    if (recent.length === 0) return 0;
    const [t0, k0] = recent[0]!;
    const span = Math.max(1000, now - t0);
    return Math.round(((this.copiedTotal - k0) * 1000) / span);
  }
}

/** Keys and bytes `member` holds in `partitions` (empty when it does not answer). */
export async function askPartitionStats(
  env: Env,
  member: PeerAddress,
  partitions: readonly number[],
): Promise<readonly PartitionStatsEntry[]> {
  const reply = await env.transport.request(member, { type: 'partitionStats', partitions }, TRANSFER_STEP_TIMEOUT_MS);
  return reply.type === 'partitionStatsReply' ? reply.stats : [];
}

/** A restored job's total: the saved one or, when finished, what was copied; never below it. */
function knownTotal(state: JobState | undefined, total: number | undefined, done: number | undefined): number {
  if ((total ?? 0) === 0 && state !== 'done') return 0;
  return Math.max(total ?? 0, done ?? 0);
}
