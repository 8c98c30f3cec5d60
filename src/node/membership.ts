/**
 * Membership: the ring this node serves and how it got it.
 *
 * A new cluster forms once every seed has answered a hello, and each node computes the same
 * epoch-1 ring from the same member set. A node that restarts loads its ring from metadata; a node
 * restarted on empty data adopts the ring from any peer that lists it. A node whose seeds already
 * serve a ring that does not list it waits ("joining") until a join that adds it is committed.
 * Later epochs come from the claimant (src/node/rebalance.ts); gossip carries the epoch number and
 * a node that sees a newer one fetches the ring. A node that left adopts the ring that lists it as
 * departed, so it can hand its data over before it exits.
 */
import { UnavailableError } from '../common/errors.js';
import { ADMIN_RPC_TIMEOUT_MS, FORMATION_RETRY_MS } from '../common/limits.js';
import type { HelloRequest__Output } from '../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse, HelloResponse__Output } from '../gen/ringkv/v1/HelloResponse.js';
import { createRing, type Member, memberById, type Ring } from '../ring/ring.js';
import { ringFromView, ringToView } from '../ring/ring-view.js';
import type { NodeConfig } from './config.js';
import type { Env } from './env.js';

const RING_META = 'ring';

/** Where this node stands: forming a new cluster, waiting to be joined, serving, or departed. */
export type MembershipState = 'forming' | 'joining' | 'serving' | 'departed';

/** Told of every ring installed, with the one it replaced. */
export type RingListener = (ring: Ring, previous: Ring | null) => void;

/** What a node reports about its transfers for the change in progress (see HelloResponse). */
export interface TransferReport {
  readonly epoch: number;
  readonly pending: number;
}

export class Membership {
  private current: Ring | null = null;
  private cancelRound: (() => void) | null = null;
  private stopped = false;
  private fetchingEpoch = 0;
  private joining = false;
  private readonly listeners: RingListener[] = [];
  /** Set by the rebalancer: its transfer figures, carried in hello replies. */
  transferReport: () => TransferReport = () => ({ epoch: 0, pending: 0 });
  readonly self: Member;

  constructor(
    private readonly env: Env,
    private readonly config: NodeConfig,
  ) {
    this.self = { id: config.id, address: config.address };
  }

  /** Loads the persisted ring, or starts forming one with the seeds. */
  async start(): Promise<void> {
    const saved = await this.env.storage.getMeta(RING_META);
    if (saved !== undefined) {
      const ring = ringFromView(JSON.parse(new TextDecoder().decode(saved)));
      if (!this.departedFrom(ring) && memberById(ring, this.self.id)?.address !== this.self.address) {
        throw new Error(`the stored ring does not list ${this.self.id} at ${this.self.address}`);
      }
      this.setRing(ring);
      this.env.log.info({ epoch: ring.epoch }, this.departedFrom(ring) ? 'departed; handing data over' : 'serving');
      return;
    }
    this.scheduleRound(0);
  }

  /** Registers a listener told of every ring installed from now on. */
  onRing(listener: RingListener): void {
    this.listeners.push(listener);
  }

  get state(): MembershipState {
    if (this.current === null) return this.joining ? 'joining' : 'forming';
    return this.departedFrom(this.current) ? 'departed' : 'serving';
  }

  /** True when `ring` lists this node as departed. */
  departedFrom(ring: Ring): boolean {
    return (ring.departed ?? []).includes(this.self.id);
  }

  /**
   * Installs a ring with a newer epoch (the claimant staging or completing a change); resolves
   * once it is durable. Gossip spreads the epoch, and peers fetch the ring.
   */
  async commit(ring: Ring): Promise<void> {
    const epoch = this.current?.epoch ?? 0;
    if (ring.epoch <= epoch) throw new Error(`commit: epoch ${ring.epoch} is not newer than ${epoch}`);
    await this.install(ring);
  }

  stop(): void {
    this.stopped = true;
    this.cancelRound?.();
  }

  /** The ring, or null while still forming. */
  get ring(): Ring | null {
    return this.current;
  }

  /** The ring, or an UNAVAILABLE error while still forming. */
  requireRing(): Ring {
    if (this.current === null) throw new UnavailableError(`${this.self.id} has not formed its ring yet`);
    return this.current;
  }

  /** The member with this id; asserts it exists. */
  member(id: string): Member {
    const m = memberById(this.requireRing(), id);
    if (m === undefined) throw new Error(`unknown member ${id}`);
    return m;
  }

  /** Answers a peer's hello with who this node is, its ring and its transfer figures. */
  handleHello(_request: HelloRequest__Output): HelloResponse {
    const report = this.transferReport();
    return {
      cluster: this.config.cluster,
      me: this.self,
      ...(this.current === null ? {} : { ring: ringToView(this.current) }),
      transfersEpoch: report.epoch,
      transfersPending: report.pending,
    };
  }

  /**
   * A peer gossiped a newer ring epoch: fetch the ring from a seed and adopt it if it lists this
   * node. (Epochs change only through committed membership changes.)
   */
  noticeEpoch(epoch: number): void {
    if (this.fetchingEpoch >= epoch) return;
    this.fetchingEpoch = epoch;
    void this.refreshRing().catch((err: unknown) =>
      this.env.log.warn({ err, epoch }, 'could not fetch the newer ring'),
    );
  }

  private async refreshRing(): Promise<void> {
    const ring = this.current;
    const addresses = ring === null ? this.config.seeds : [...ring.members.map((m) => m.address), ...this.config.seeds];
    for (const address of addresses) {
      if (address === this.self.address) continue;
      try {
        const reply = await this.env.transport.hello(
          address,
          { cluster: this.config.cluster, from: this.self },
          ADMIN_RPC_TIMEOUT_MS,
        );
        if (reply.ring !== null && reply.ring.epoch > (this.current?.epoch ?? 0) && (await this.tryAdopt(reply)))
          return;
      } catch {
        // try the next member
      }
    }
  }

  private scheduleRound(delayMs: number): void {
    if (this.stopped) return;
    this.cancelRound = this.env.clock.setTimer(delayMs, () => {
      void this.formRound().then(
        (formed) => {
          if (!formed) this.scheduleRound(FORMATION_RETRY_MS);
        },
        (err: unknown) => {
          this.env.log.error({ err }, 'ring formation failed; retrying');
          this.scheduleRound(FORMATION_RETRY_MS * 5);
        },
      );
    });
  }

  private async formRound(): Promise<boolean> {
    const others = [...new Set(this.config.seeds)].filter((a) => a !== this.self.address);
    const replies = await Promise.allSettled(
      others.map((a) =>
        this.env.transport.hello(a, { cluster: this.config.cluster, from: this.self }, ADMIN_RPC_TIMEOUT_MS),
      ),
    );
    if (this.stopped || this.current !== null) return true;
    const members = new Map<string, Member>([[this.self.id, this.self]]);
    let answered = 0;
    for (const r of replies) {
      if (r.status !== 'fulfilled' || !this.acceptable(r.value)) continue;
      const adopted = await this.tryAdopt(r.value);
      if (adopted) return true;
      if (r.value.ring !== null && r.value.ring.epoch > 0) {
        // The cluster exists and does not list this node: wait until a join adds it.
        if (!this.joining) {
          this.joining = true;
          this.env.log.info(
            { seed: r.value.me?.id, epoch: r.value.ring.epoch },
            'the cluster does not list this node yet; waiting to be joined (ringkv join)',
          );
        }
        return false;
      }
      if (r.value.me !== null) members.set(r.value.me.id, { id: r.value.me.id, address: r.value.me.address });
      answered++;
    }
    if (answered < others.length || this.joining) return false;
    const ring = createRing({
      cluster: this.config.cluster,
      q: this.config.q,
      n: this.config.n,
      members: [...members.values()],
    });
    await this.install(ring);
    return true;
  }

  private acceptable(reply: HelloResponse__Output): boolean {
    if (reply.cluster === this.config.cluster) return true;
    this.env.log.warn({ peer: reply.me?.id, cluster: reply.cluster }, 'seed belongs to another cluster; ignored');
    return false;
  }

  private async tryAdopt(reply: HelloResponse__Output): Promise<boolean> {
    if (reply.ring === null || reply.ring.epoch === 0) return false;
    const ring = ringFromView(reply.ring);
    if (ring.epoch <= (this.current?.epoch ?? 0)) return false;
    const listed = memberById(ring, this.self.id)?.address === this.self.address;
    // A departed node adopts the ring that retired it, but only if it was a member before.
    const retired = this.current !== null && this.departedFrom(ring);
    if (!listed && !retired) {
      if (this.current !== null) {
        this.env.log.error(
          { peer: reply.me?.id, epoch: ring.epoch },
          `the cluster's ring does not list ${this.self.id} at ${this.self.address}`,
        );
      }
      return false;
    }
    await this.install(ring);
    return true;
  }

  private async install(ring: Ring): Promise<void> {
    if (ring.epoch <= (this.current?.epoch ?? 0)) return;
    await this.env.storage.putMeta(RING_META, new TextEncoder().encode(JSON.stringify(ringToView(ring))));
    // A slower install of an older ring (a fetch racing a commit) must not replace a newer one.
    if (ring.epoch <= (this.current?.epoch ?? 0)) return;
    this.setRing(ring);
    this.joining = false;
    this.env.log.info(
      { epoch: ring.epoch, members: ring.members.length, changing: ring.next !== undefined },
      this.departedFrom(ring) ? 'departed from the cluster' : 'serving',
    );
  }

  private setRing(ring: Ring): void {
    const previous = this.current;
    this.current = ring;
    for (const listener of this.listeners) listener(ring, previous);
  }
}
