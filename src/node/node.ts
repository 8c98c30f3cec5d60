/**
 * One ringkv node's logic, independent of how it reaches the world: the same class runs in a
 * production process (src/node/io) and in the deterministic simulator (src/sim).
 */
import { ErrorCode, OverloadedError, RingError } from '../common/errors.js';
import { COORDINATOR_INFLIGHT_MAX } from '../common/limits.js';
import type { ChangePlan } from '../gen/ringkv/v1/ChangePlan.js';
import type { DeleteRequest__Output } from '../gen/ringkv/v1/DeleteRequest.js';
import type { GetRequest__Output } from '../gen/ringkv/v1/GetRequest.js';
import type { GetResponse } from '../gen/ringkv/v1/GetResponse.js';
import type { HelloRequest__Output } from '../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse } from '../gen/ringkv/v1/HelloResponse.js';
import type { JoinRequest__Output } from '../gen/ringkv/v1/JoinRequest.js';
import type { LeaveRequest__Output } from '../gen/ringkv/v1/LeaveRequest.js';
import type { NodeStatus } from '../gen/ringkv/v1/NodeStatus.js';
import type { PeerView } from '../gen/ringkv/v1/PeerView.js';
import type { PutRequest__Output } from '../gen/ringkv/v1/PutRequest.js';
import type { PutResponse } from '../gen/ringkv/v1/PutResponse.js';
import type { RingView } from '../gen/ringkv/v1/RingView.js';
import { partitionOf } from '../ring/hash.js';
import { partitionsOf } from '../ring/ring.js';
import { ringToView } from '../ring/ring-view.js';
import { decodeDvvSet, encodeDvvSet } from '../versioning/dvv-codec.js';
import { AntiEntropy } from './anti-entropy.js';
import type { NodeConfig } from './config.js';
import { Coordinator } from './coordinator.js';
import type { Env, PeerReply, PeerRequest } from './env.js';
import { FailureDetector } from './failure-detector.js';
import { Gossip } from './gossip.js';
import { Hints } from './hints.js';
import { Membership } from './membership.js';
import { Rebalancer } from './rebalance.js';
import { Replica, storageKey } from './replica.js';
import { Transfers } from './transfer.js';

/** A replica write's acknowledgement. It carries no state, and nothing writes to a reply: one serves all. */
const WRITE_ACK: PeerReply = { type: 'replicaReply', found: false, state: new Uint8Array(0) };

const INCARNATION_META = 'incarnation';
/** 1 while a process runs on this data, 0 after a clean stop. */
const RUNNING_META = 'running';

export class RingNode {
  readonly membership: Membership;
  readonly detector = new FailureDetector();
  private readonly replica: Replica;
  private readonly coordinator: Coordinator;
  private readonly gossip: Gossip;
  readonly hints: Hints;
  readonly antiEntropy: AntiEntropy;
  readonly transfers: Transfers;
  private readonly rebalancer: Rebalancer;
  /** Called once this node left the cluster and handed its data over: the process may exit. */
  onDeparted: () => void = () => {};
  private actorId = '';
  private startedAt = 0;
  private inflight = 0;
  private requests = 0;
  private requestErrors = 0;

  constructor(
    private readonly env: Env,
    readonly config: NodeConfig,
  ) {
    this.membership = new Membership(env, config);
    this.replica = new Replica(env.storage);
    this.hints = new Hints(env, this.membership, this.detector);
    this.gossip = new Gossip(env, this.membership, this.detector, () => this.actorId);
    this.antiEntropy = new AntiEntropy(env, config, this.membership, this.replica, this.detector);
    this.transfers = new Transfers(env, config, this.membership, this.replica, this.antiEntropy, this.detector);
    this.rebalancer = new Rebalancer(env, config, this.membership, this.replica, this.antiEntropy, this.transfers, () =>
      this.onDeparted(),
    );
    this.membership.transferReport = () => this.transfers.report();
    this.coordinator = new Coordinator({
      env,
      config,
      membership: this.membership,
      replica: this.replica,
      detector: this.detector,
      actor: () => this.actorId,
    });
  }

  /** The actor id of this incarnation: node id + a token minted when the data was new. */
  get actor(): string {
    return this.actorId;
  }

  async start(): Promise<void> {
    this.startedAt = this.env.clock.now();
    this.actorId = `${this.config.id}.${await this.incarnation()}`;
    this.env.log.info({ actor: this.actorId }, 'starting');
    await this.membership.start();
    await this.transfers.start();
    await this.hints.start();
    this.gossip.start();
    this.antiEntropy.start();
    this.rebalancer.start();
  }

  async stop(): Promise<void> {
    this.rebalancer.stop();
    this.transfers.stop();
    this.antiEntropy.stop();
    this.gossip.stop();
    this.hints.stop();
    this.membership.stop();
  }

  /** KV.Get */
  get(request: GetRequest__Output): Promise<GetResponse> {
    return this.track(() => this.coordinator.get(request.key, request.options));
  }

  /** KV.Put */
  put(request: PutRequest__Output): Promise<PutResponse> {
    return this.track(() =>
      this.coordinator.put(
        { key: request.key, value: request.value, context: request.context, options: request.options },
        0,
      ),
    );
  }

  /** KV.Delete: a write of a tombstone. */
  delete(request: DeleteRequest__Output): Promise<PutResponse> {
    return this.track(() =>
      this.coordinator.put({ key: request.key, value: null, context: request.context, options: request.options }, 0),
    );
  }

  /** KV.GetRing */
  ringView(): RingView {
    return ringToView(this.membership.requireRing());
  }

  /** Peer.Hello */
  hello(request: HelloRequest__Output): HelloResponse {
    return this.membership.handleHello(request);
  }

  /** Admin.Join: only the claimant plans and stages changes. */
  join(request: JoinRequest__Output): Promise<ChangePlan> {
    return this.rebalancer.join(request.address, request.dryRun);
  }

  /** Admin.Leave */
  leave(request: LeaveRequest__Output): Promise<ChangePlan> {
    return this.rebalancer.leave(request.nodeId, request.dryRun);
  }

  /** Admin.Status, less the process figures the I/O layer adds. */
  status(): NodeStatus {
    const ring = this.membership.ring;
    return {
      id: this.config.id,
      address: this.config.address,
      actor: this.actorId,
      state: this.membership.state,
      partitionsOwned: ring === null ? 0 : partitionsOf(ring, this.config.id).length,
      keys: this.env.storage.countData(),
      uptimeS: Math.floor((this.env.clock.now() - this.startedAt) / 1000),
      peers: this.peerViews(),
      requests: this.requests,
      requestErrors: this.requestErrors,
      syncMode: this.config.syncMode,
      hints: this.hints.targets(),
      handoffRate: this.hints.rate(),
      handoffsTotal: this.hints.handoffsTotal,
      readRepairs: this.coordinator.readRepairs,
      hintsDropped: this.hints.dropped,
      ...this.antiEntropy.status(),
      transfers: this.transfers.status(),
      partitionsReleasing: this.rebalancer.partitionsReleasing,
      ringEpoch: ring?.epoch ?? 0,
    };
  }

  /** This node's view of every other member, from the failure detector. */
  private peerViews(): PeerView[] {
    const ring = this.membership.ring;
    if (ring === null) return [];
    const now = this.env.clock.now();
    return ring.members
      .filter((m) => m.id !== this.config.id)
      .map((m) => ({
        nodeId: m.id,
        state: this.detector.state(m.id, now),
        lastSeenAgoMs: Math.min(0xffffffff, Math.round(this.detector.lastSeenAgo(m.id, now) ?? 0)),
        phiX100: Math.min(0xffffffff, Math.round(this.detector.phi(m.id, now) * 100)),
      }));
  }

  /** Serves a request from a peer; never rejects (errors are replies). */
  readonly handlePeer = (from: string, request: PeerRequest, _budgetMs: number): Promise<PeerReply> => {
    this.detector.success(from, this.env.clock.now());
    const failed = (err: unknown) => this.peerFailure(err, from, request);
    try {
      // A replica write, the bulk of peer traffic, is served without the async frames of servePeer.
      const reply =
        request.type === 'replicaPut' && request.forNode === '' ? this.writeReplica(request) : this.servePeer(request);
      return reply.then(undefined, failed);
    } catch (err) {
      return Promise.resolve(failed(err));
    }
  };

  private peerFailure(err: unknown, from: string, request: PeerRequest): PeerReply {
    const code = err instanceof RingError ? err.code : ErrorCode.INTERNAL;
    if (!(err instanceof RingError)) this.env.log.error({ err, from, type: request.type }, 'peer request failed');
    const message = err instanceof Error ? err.message : String(err);
    return err instanceof RingError
      ? { type: 'error', code, message, details: err.details }
      : { type: 'error', code, message };
  }

  /** A primary's copy of a write: merged, durable, then acknowledged. */
  private writeReplica(request: PeerRequest & { type: 'replicaPut' }): Promise<PeerReply> {
    const ring = this.membership.requireRing();
    return this.replica
      .mergeDurable(storageKey(partitionOf(request.key, ring.q), request.key), request.state)
      .then(() => WRITE_ACK);
  }

  private async servePeer(request: PeerRequest): Promise<PeerReply> {
    switch (request.type) {
      case 'replicaGet': {
        if (request.forNode !== '') {
          const state = await this.hints.read(request.forNode, request.key);
          const found = state.vv.size > 0;
          return { type: 'replicaReply', found, state: found ? encodeDvvSet(state) : new Uint8Array(0) };
        }
        const ring = this.membership.requireRing();
        // The stored bytes are the canonical encoding of the state: no decode and encode again.
        const stored = await this.replica.readStored(storageKey(partitionOf(request.key, ring.q), request.key));
        return stored === undefined
          ? { type: 'replicaReply', found: false, state: new Uint8Array(0) }
          : { type: 'replicaReply', found: true, state: stored };
      }
      case 'replicaPut': {
        if (request.forNode !== '') {
          await this.hints.store(request.forNode, request.key, decodeDvvSet(request.state));
          return { type: 'replicaReply', found: false, state: new Uint8Array(0) };
        }
        return this.writeReplica(request);
      }
      case 'gossip':
        return this.gossip.handle(request.epoch, request.heartbeats);
      case 'treeRequest':
        return this.antiEntropy.handleTree(request.partition, request.root);
      case 'segmentRequest':
        return this.antiEntropy.handleSegments(request.partition, request.segments);
      case 'purge': {
        const ring = this.membership.requireRing();
        const removed = await this.replica.remove(
          storageKey(partitionOf(request.key, ring.q), request.key),
          request.state,
        );
        return { type: 'replicaReply', found: removed, state: new Uint8Array(0) };
      }
      case 'transferPull':
        return this.transfers.handlePull(request.partition, request.after, request.limit);
      case 'partitionStats':
        return { type: 'partitionStatsReply', stats: this.rebalancer.localStats(request.partitions) };
      case 'coordinatePut': {
        const value = request.delete ? null : request.value;
        const response = await this.track(() =>
          this.coordinator.put(
            { key: request.key, value, context: request.context, options: request.options },
            request.hops,
          ),
        );
        return { type: 'coordinateReply', response };
      }
    }
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inflight >= COORDINATOR_INFLIGHT_MAX) {
      this.requestErrors++;
      throw new OverloadedError(
        `${this.config.id} is coordinating ${this.inflight} requests; the limit is ${COORDINATOR_INFLIGHT_MAX}`,
      );
    }
    this.inflight++;
    this.requests++;
    try {
      return await fn();
    } catch (err) {
      this.requestErrors++;
      throw err;
    } finally {
      this.inflight--;
    }
  }

  /**
   * The incarnation to write under. A new one is minted when the data is new or lost, and also
   * when the previous run did not stop cleanly: a crash can lose local writes whose dots already
   * reached other replicas, and reusing those counters would make two writes share a dot, so the
   * merge would silently keep only one (Riak's KV679, found here by the simulator).
   */
  private async incarnation(): Promise<string> {
    const saved = await this.env.storage.getMeta(INCARNATION_META);
    const running = await this.env.storage.getMeta(RUNNING_META);
    const clean = saved !== undefined && running !== undefined && running[0] === 0;
    let token = saved === undefined ? undefined : new TextDecoder().decode(saved);
    if (token === undefined || !clean) {
      if (token !== undefined)
        this.env.log.warn({ previous: token }, 'previous run did not stop cleanly: new incarnation');
      token = this.env.random.hex(4);
      await this.env.storage.putMeta(INCARNATION_META, new TextEncoder().encode(token));
    }
    await this.env.storage.putMeta(RUNNING_META, Uint8Array.of(1));
    return token;
  }

  /**
   * Records a clean stop, so the next start keeps this incarnation. Call only once no write can
   * reach storage any more; the synced meta write also makes every earlier write durable.
   */
  async markCleanStop(): Promise<void> {
    await this.env.storage.putMeta(RUNNING_META, Uint8Array.of(0));
  }
}
