/**
 * Rebalancing, the cluster side: the claimant (the member with the lowest id) plans joins and
 * leaves, stages them as a new ring epoch with `next` set, and flips ownership in a further epoch
 * once every member has the staged ring and no member has a transfer pending. Every node then
 * releases the partitions it no longer replicates: once every member has the new ring (so no
 * coordinator sends it writes for them any more), it syncs each with the new replicas through
 * anti-entropy and deletes its copy. A node that left does the same for all its data, keeps
 * coordinating for a while so clients learn the new ring, and then reports that it may exit.
 */
import { FailedPreconditionError, InvalidArgumentError } from '../common/errors.js';
import {
  ADMIN_RPC_TIMEOUT_MS,
  DEPARTURE_LINGER_MS,
  JOIN_HELLO_ATTEMPTS,
  REBALANCE_POLL_MS,
  RELEASE_BATCH_KEYS,
  TRANSFER_STEP_TIMEOUT_MS,
} from '../common/limits.js';
import type { ChangePlan } from '../gen/ringkv/v1/ChangePlan.js';
import type { HelloResponse__Output } from '../gen/ringkv/v1/HelloResponse.js';
import { compareIds } from '../ring/assert.js';
import {
  completeChange,
  type MembershipChange,
  type ChangePlan as Plan,
  planChange,
  refusal,
  stageChange,
} from '../ring/plan.js';
import { preferenceList } from '../ring/preference-list.js';
import type { Ring } from '../ring/ring.js';
import type { AntiEntropy } from './anti-entropy.js';
import type { NodeConfig } from './config.js';
import type { DataEntry, Env, PartitionStatsEntry } from './env.js';
import type { Membership } from './membership.js';
import { keyAfter, PARTITION_PREFIX_BYTES, partitionStart, type Replica } from './replica.js';
import { askPartitionStats, type Transfers } from './transfer.js';

export class Rebalancer {
  private stopped = false;
  private cancel: (() => void) | null = null;
  private busy = false;
  private changing = false;
  /** Partitions holding data this node no longer replicates, as of `releaseEpoch`. */
  private releasing: number[] = [];
  private releaseEpoch = -1;
  private pollsSinceScan = 0;
  private departedAt = 0;
  private departureReported = false;

  constructor(
    private readonly env: Env,
    private readonly config: NodeConfig,
    private readonly membership: Membership,
    private readonly replica: Replica,
    private readonly antiEntropy: AntiEntropy,
    private readonly transfers: Transfers,
    /** Called once a departed node has handed everything over and lingered. */
    private readonly onDeparted: () => void,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  /** Partitions this node still holds but no longer replicates. */
  get partitionsReleasing(): number {
    return this.releasing.length;
  }

  /** Admin.Join on the claimant: plan (and unless dry-run, stage) adding the node at `address`. */
  async join(address: string, dryRun: boolean): Promise<ChangePlan> {
    if (typeof address !== 'string' || address.length === 0 || address.length > 256 || /\s/.test(address)) {
      throw new InvalidArgumentError(
        'address',
        `address must be a node's host:port (1..256 characters, no spaces), got ${JSON.stringify(address)}`,
        256,
      );
    }
    const ring = this.claimantRing('address');
    // A lost message must not make an operator's join fail: ask a few times.
    let reply: HelloResponse__Output | null = null;
    let lastError = '';
    for (let attempt = 0; attempt < JOIN_HELLO_ATTEMPTS && reply === null; attempt++) {
      try {
        reply = await this.env.transport.hello(
          address,
          { cluster: this.config.cluster, from: this.membership.self },
          ADMIN_RPC_TIMEOUT_MS,
        );
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    if (reply === null) {
      throw new FailedPreconditionError(
        'address',
        `no node answers at ${address} (${lastError}); start it with --seeds of this cluster first`,
      );
    }
    if (reply.me === null || reply.me.id === '') {
      throw new FailedPreconditionError('address', `the node at ${address} did not say who it is`);
    }
    if (reply.cluster !== this.config.cluster) {
      throw new FailedPreconditionError(
        'address',
        `the node at ${address} belongs to cluster ${JSON.stringify(reply.cluster)}, not ${JSON.stringify(this.config.cluster)}`,
      );
    }
    const member = { id: reply.me.id, address };
    const why = refusal(ring, { kind: 'join', member });
    if (why !== null) throw new FailedPreconditionError(why.field, why.message);
    if (reply.ring !== null && reply.ring.epoch > 0) {
      throw new FailedPreconditionError(
        'address',
        `the node at ${address} (${member.id}) already serves a ring (epoch ${reply.ring.epoch}); only a new node can join`,
      );
    }
    return this.change(ring, { kind: 'join', member }, dryRun);
  }

  /** Admin.Leave on the claimant: plan (and unless dry-run, stage) removing member `id`. */
  async leave(id: string, dryRun: boolean): Promise<ChangePlan> {
    if (typeof id !== 'string' || id.length === 0)
      throw new InvalidArgumentError('node_id', 'node id must be non-empty');
    const ring = this.claimantRing('node_id');
    return this.change(ring, { kind: 'leave', id }, dryRun);
  }

  private claimantRing(field: string): Ring {
    const ring = this.membership.requireRing();
    const claimant = claimantOf(ring);
    if (claimant !== this.config.id) {
      throw new FailedPreconditionError(
        field,
        `membership changes are made by the claimant ${claimant}, not ${this.config.id}`,
      );
    }
    return ring;
  }

  private async change(ring: Ring, change: MembershipChange, dryRun: boolean): Promise<ChangePlan> {
    if (this.changing) {
      throw new FailedPreconditionError(
        change.kind === 'join' ? 'address' : 'node_id',
        'another membership change is being committed; try again',
      );
    }
    const why = refusal(ring, change);
    if (why !== null) throw new FailedPreconditionError(why.field, why.message);
    this.changing = true;
    try {
      const plan = planChange(ring, change);
      const sizes = await this.partitionSizes(ring, plan);
      if (dryRun) return planToWire(plan, sizes, 0);
      const current = this.membership.requireRing();
      if (current.epoch !== ring.epoch) {
        throw new FailedPreconditionError(
          'epoch',
          `the ring changed while planning (epoch ${current.epoch}); try again`,
        );
      }
      const staged = stageChange(ring, plan);
      await this.membership.commit(staged);
      this.env.log.info(
        { kind: change.kind, node: change.kind === 'join' ? change.member.id : change.id, epoch: staged.epoch },
        'membership change staged',
      );
      return planToWire(plan, sizes, staged.epoch);
    } finally {
      this.changing = false;
    }
  }

  /** One copy's size of every partition the plan copies, asked of a current replica. */
  private async partitionSizes(ring: Ring, plan: Plan): Promise<Map<number, PartitionStatsEntry>> {
    const byNode = new Map<string, number[]>();
    for (const m of plan.replicaMoves) {
      if (m.gains.length === 0) continue;
      const primaries = preferenceList(ring, m.partition).primaries;
      const source = primaries.includes(this.config.id) ? this.config.id : primaries[0]!;
      byNode.set(source, [...(byNode.get(source) ?? []), m.partition]);
    }
    const sizes = new Map<number, PartitionStatsEntry>();
    await Promise.all(
      [...byNode].map(async ([node, partitions]) => {
        const stats =
          node === this.config.id
            ? this.localStats(partitions)
            : await askPartitionStats(this.env, this.membership.member(node), partitions);
        for (const s of stats) if (s.known) sizes.set(s.partition, s);
      }),
    );
    return sizes;
  }

  /** Serves partitionStats: the sizes this node keeps counts for. */
  localStats(partitions: readonly number[]): PartitionStatsEntry[] {
    return partitions.map((partition) => {
      const size = this.antiEntropy.size(partition);
      return size === undefined
        ? { partition, known: false, keys: 0, bytes: 0 }
        : { partition, known: true, keys: size.keys, bytes: size.bytes };
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.env.clock.setTimer(REBALANCE_POLL_MS, () => {
      if (this.busy) return this.schedule();
      this.busy = true;
      void this.tick()
        .catch((err: unknown) => this.env.log.warn({ err }, 'rebalancing step failed; retrying'))
        .finally(() => {
          this.busy = false;
          this.schedule();
        });
    });
  }

  private async tick(): Promise<void> {
    const ring = this.membership.ring;
    if (ring === null) return;
    if (ring.next !== undefined) {
      if (claimantOf(ring) === this.config.id) await this.maybeFlip(ring);
      return;
    }
    await this.release(ring);
  }

  /** On the claimant: completes the staged change once every member is ready for it. */
  private async maybeFlip(ring: Ring): Promise<void> {
    const own = this.transfers.report();
    if (own.epoch !== ring.epoch || own.pending > 0) return;
    for (const m of ring.members) {
      if (m.id === this.config.id) continue;
      const reply = await this.hello(m.address);
      if (reply === null || reply.ring === null || reply.ring.epoch !== ring.epoch) return;
      if (reply.transfersEpoch !== ring.epoch || reply.transfersPending > 0) return;
    }
    if (this.membership.ring !== ring) return;
    const complete = completeChange(ring);
    await this.membership.commit(complete);
    this.env.log.info({ epoch: complete.epoch, members: complete.members.length }, 'membership change complete');
  }

  /**
   * Hands over and drops partitions this node no longer replicates, once every member has this
   * ring; then, on a departed node, lingers and reports the departure.
   */
  private async release(ring: Ring): Promise<void> {
    if (this.releaseEpoch !== ring.epoch || ++this.pollsSinceScan >= 60) {
      this.releasing = await this.strayPartitions(ring);
      this.releaseEpoch = ring.epoch;
      this.pollsSinceScan = 0;
    }
    const departed = this.membership.departedFrom(ring);
    if (this.releasing.length > 0) {
      if (!(await this.everyMemberHas(ring))) return;
      for (const p of [...this.releasing]) {
        if (this.membership.ring !== ring || this.stopped) return;
        await this.handOver(ring, p);
        this.releasing = this.releasing.filter((x) => x !== p);
      }
      this.env.log.info({ epoch: ring.epoch }, 'partitions no longer replicated here were handed over and dropped');
    }
    if (!departed || this.departureReported) return;
    if (this.departedAt === 0) {
      if (!(await this.everyMemberHas(ring))) return;
      this.departedAt = this.env.clock.now();
      this.env.log.info({ lingerMs: DEPARTURE_LINGER_MS }, 'departed: data handed over; lingering for clients');
    }
    if (this.env.clock.now() - this.departedAt < DEPARTURE_LINGER_MS) return;
    this.departureReported = true;
    this.onDeparted();
  }

  /** Partitions with stored data that this node does not replicate under `ring`. */
  private async strayPartitions(ring: Ring): Promise<number[]> {
    const out: number[] = [];
    for (let p = 0; p < ring.q; p++) {
      if (preferenceList(ring, p).primaries.includes(this.config.id)) continue;
      const first = await this.env.storage.scanData(partitionStart(p), partitionStart(p + 1), 1);
      if (first.length > 0) out.push(p);
    }
    return out;
  }

  private async everyMemberHas(ring: Ring): Promise<boolean> {
    for (const m of ring.members) {
      if (m.id === this.config.id) continue;
      const reply = await this.hello(m.address);
      if (reply === null || reply.ring === null || reply.ring.epoch < ring.epoch) return false;
    }
    return true;
  }

  /** Syncs one partition into its replicas under `ring`, then deletes the local copy. */
  private async handOver(ring: Ring, partition: number): Promise<void> {
    const targets = preferenceList(ring, partition).primaries;
    if (this.antiEntropy.enabled) {
      this.antiEntropy.retain(partition);
      await this.antiEntropy.ensureTree(partition);
      for (const t of targets) {
        const synced = await this.antiEntropy.syncPartition(t, partition);
        if (!synced) throw new Error(`partition ${partition} still differs from ${t}; the drop waits`);
      }
    } else {
      await this.eachPage(partition, async (page) => {
        for (const target of targets) {
          const member = this.membership.member(target);
          const replies = await Promise.all(
            page.map((e) =>
              this.env.transport.request(
                member,
                { type: 'replicaPut', key: e.key.subarray(PARTITION_PREFIX_BYTES), state: e.value, forNode: '' },
                TRANSFER_STEP_TIMEOUT_MS,
              ),
            ),
          );
          if (replies.some((r) => r.type !== 'replicaReply')) throw new Error(`hand-over to ${target} failed`);
        }
      });
    }
    // Delete page by page; each key under its lock, so a late write is not lost silently: it is
    // deleted with the rest (every member has the new ring, so none is expected).
    for (;;) {
      const page = await this.env.storage.scanData(
        partitionStart(partition),
        partitionStart(partition + 1),
        RELEASE_BATCH_KEYS,
      );
      if (page.length === 0) break;
      await Promise.all(page.map((e) => this.replica.drop(e.key)));
    }
    this.antiEntropy.forget(partition);
    this.env.log.info({ partition, to: targets }, 'partition handed over and dropped');
  }

  private async eachPage(partition: number, fn: (page: DataEntry[]) => Promise<void>): Promise<void> {
    let from = partitionStart(partition);
    const end = partitionStart(partition + 1);
    for (;;) {
      const page = await this.env.storage.scanData(from, end, RELEASE_BATCH_KEYS);
      if (page.length > 0) await fn(page);
      if (page.length < RELEASE_BATCH_KEYS) return;
      from = keyAfter(page[page.length - 1]!.key);
    }
  }

  private async hello(address: string): Promise<HelloResponse__Output | null> {
    try {
      return await this.env.transport.hello(
        address,
        { cluster: this.config.cluster, from: this.membership.self },
        ADMIN_RPC_TIMEOUT_MS,
      );
    } catch {
      return null;
    }
  }
}

/** The member that stages and completes changes: the one with the lowest id. */
export function claimantOf(ring: Ring): string {
  return [...ring.members].map((m) => m.id).sort(compareIds)[0]!;
}

function planToWire(plan: Plan, sizes: ReadonlyMap<number, PartitionStatsEntry>, stagedEpoch: number): ChangePlan {
  let copies = 0;
  let keys = 0;
  let bytes = 0;
  let unknown = 0;
  const replicaMoves = plan.replicaMoves.map((m) => {
    const size = sizes.get(m.partition);
    if (m.gains.length > 0) {
      copies += m.gains.length;
      if (size === undefined) unknown++;
      else {
        keys += size.keys * m.gains.length;
        bytes += size.bytes * m.gains.length;
      }
    }
    return {
      partition: m.partition,
      gains: [...m.gains],
      losses: [...m.losses],
      known: size !== undefined,
      keys: size?.keys ?? 0,
      bytes: size?.bytes ?? 0,
    };
  });
  const change = plan.change;
  return {
    kind: change.kind,
    nodeId: change.kind === 'join' ? change.member.id : change.id,
    address: change.kind === 'join' ? change.member.address : '',
    epoch: plan.epoch,
    committed: stagedEpoch > 0,
    stagedEpoch,
    ownerMoves: plan.ownerMoves.map((m) => ({ partition: m.partition, from: m.from, to: m.to })),
    replicaMoves,
    balance: plan.balance.map((b) => ({ nodeId: b.id, before: b.before, after: b.after })),
    copies,
    keys,
    bytes,
    unknownPartitions: unknown,
  };
}
