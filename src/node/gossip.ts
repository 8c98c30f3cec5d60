/**
 * Push-pull gossip of heartbeats: every interval this node bumps its own counter and exchanges
 * its table with a few random peers. A counter seen rising is a heartbeat for the failure
 * detector, whether it came from the node itself or second-hand. Gossip also carries the ring
 * epoch, so a node that falls behind a ring change notices and fetches the new ring.
 */
import { ErrorCode } from '../common/errors.js';
import { GOSSIP_FANOUT, GOSSIP_INTERVAL_MS, GOSSIP_TIMEOUT_MS } from '../common/limits.js';
import type { Env, Heartbeat, PeerReply } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import type { Membership } from './membership.js';

export class Gossip {
  private readonly table = new Map<string, Heartbeat>();
  private counter = 0;
  private cancel: (() => void) | null = null;
  private stopped = false;
  private readonly startedAtS: number;

  constructor(
    private readonly env: Env,
    private readonly membership: Membership,
    private readonly detector: FailureDetector,
    private readonly actor: () => string,
  ) {
    this.startedAtS = Math.floor(env.clock.now() / 1000);
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  /** Answers a peer's gossip with this node's table, after taking in the peer's. */
  handle(epoch: number, heartbeats: readonly Heartbeat[]): PeerReply {
    this.merge(epoch, heartbeats);
    return { type: 'gossipReply', epoch: this.membership.ring?.epoch ?? 0, heartbeats: this.snapshot() };
  }

  private schedule(): void {
    if (this.stopped) return;
    // Jitter keeps the nodes' rounds from falling into step.
    const delay = GOSSIP_INTERVAL_MS * (0.75 + this.env.random.next() / 2);
    this.cancel = this.env.clock.setTimer(delay, () => {
      this.round();
      this.schedule();
    });
  }

  private round(): void {
    const ring = this.membership.ring;
    if (ring === null) return;
    this.counter++;
    const self = this.membership.self.id;
    const peers = ring.members.filter((m) => m.id !== self);
    for (let i = 0; i < Math.min(GOSSIP_FANOUT, peers.length); i++) {
      const j = i + Math.floor(this.env.random.next() * (peers.length - i));
      [peers[i], peers[j]] = [peers[j]!, peers[i]!];
      const peer = peers[i]!;
      const request = { type: 'gossip', epoch: ring.epoch, heartbeats: this.snapshot() } as const;
      void this.env.transport.request(peer, request, GOSSIP_TIMEOUT_MS).then((reply) => {
        const now = this.env.clock.now();
        if (reply.type === 'gossipReply') {
          this.detector.success(peer.id, now);
          this.merge(reply.epoch, reply.heartbeats);
        } else if (reply.type === 'error' && reply.code === ErrorCode.UNAVAILABLE && reply.undelivered === true) {
          this.detector.unreachable(peer.id, now);
        } else if (reply.type === 'error' && reply.code === ErrorCode.TIMEOUT) {
          this.detector.timedOut(peer.id, now);
        }
      });
    }
  }

  private snapshot(): Heartbeat[] {
    const self: Heartbeat = {
      nodeId: this.membership.self.id,
      actor: this.actor(),
      startedAtS: this.startedAtS,
      counter: this.counter,
    };
    return [self, ...this.table.values()];
  }

  private merge(epoch: number, heartbeats: readonly Heartbeat[]): void {
    const now = this.env.clock.now();
    const self = this.membership.self.id;
    for (const hb of heartbeats) {
      if (hb.nodeId === self) continue;
      const known = this.table.get(hb.nodeId);
      const newer =
        known === undefined ||
        hb.startedAtS > known.startedAtS ||
        (hb.startedAtS === known.startedAtS && hb.counter > known.counter);
      if (!newer) continue;
      this.table.set(hb.nodeId, hb);
      this.detector.heartbeat(hb.nodeId, now);
    }
    const mine = this.membership.ring?.epoch ?? 0;
    if (epoch > mine) this.membership.noticeEpoch(epoch);
  }
}
