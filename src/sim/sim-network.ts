/**
 * The simulated network: one PeerTransport per node process, every request and reply encoded to
 * and decoded from protobuf (a one-message ringkv.v1.PeerBatch, as the peer stream frames it).
 *
 * Each message travels with a seeded delay and may be dropped or duplicated. Nothing reaches a
 * dead process or crosses a partition; the sender then sees the timeout reply once its budget is
 * spent, as with gRPC. A request to a node known to be down (and not partitioned away) is refused
 * one round trip later with UNAVAILABLE and `undelivered: true`, like a refused connection.
 */
import { ErrorCode, TimeoutError, UnavailableError } from '../common/errors.js';
import type { HelloRequest, HelloRequest__Output } from '../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse, HelloResponse__Output } from '../gen/ringkv/v1/HelloResponse.js';
import type { PeerAddress, PeerHandler, PeerReply, PeerRequest, PeerTransport } from '../node/env.js';
import { replyFromWire, replyToWire, requestFromWire, requestToWire } from '../node/io/peer-codec.js';
import type { SeededRandom } from './random.js';
import type { Scheduler } from './scheduler.js';
import { never, type SimProcess } from './sim-process.js';
import { wire } from './wire-codec.js';

/** Fault and latency settings; probabilities are per message. */
export interface NetworkOptions {
  /** One-way delay in virtual ms, drawn uniformly from [min, max] (integers). */
  readonly delayMs: readonly [number, number];
  readonly dropProbability: number;
  /** Chance a delivered message is delivered a second time, with its own delay. */
  readonly duplicateProbability: number;
  /** Refuse requests to a down node fast (true) or let them time out (false). */
  readonly refuseWhenDown: boolean;
  /**
   * Whether a forwarded client write (coordinatePut) may be duplicated too. Off by default: the
   * peer stream is one HTTP/2 stream, which never delivers a message twice, and the node does not
   * make that request idempotent (a duplicate is coordinated twice and leaves two siblings).
   */
  readonly duplicateForwardedWrites: boolean;
}

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = {
  delayMs: [1, 10],
  dropProbability: 0,
  duplicateProbability: 0,
  refuseWhenDown: true,
  duplicateForwardedWrites: false,
};

/** What a node process exposes to the network. */
export interface SimEndpoint {
  readonly id: string;
  readonly address: string;
  readonly process: SimProcess;
  readonly handlePeer: PeerHandler;
  readonly hello: (request: HelloRequest__Output) => HelloResponse;
}

/** Message counts since the network was built. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

const PEER_ID_MAX = 0xfffffff0;

export class SimNetwork {
  private readonly endpoints = new Map<string, SimEndpoint>();
  private groups: ReadonlyMap<string, number> | null = null;
  /** Links cut one by one, as "a|b" with a < b. */
  private cuts: ReadonlySet<string> | null = null;
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  private options: NetworkOptions;

  constructor(
    readonly scheduler: Scheduler,
    private readonly random: SeededRandom,
    options: Partial<NetworkOptions> = {},
  ) {
    this.options = { ...DEFAULT_NETWORK_OPTIONS, ...options };
    const [min, max] = this.options.delayMs;
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && min <= max)) {
      throw new Error(`SimNetwork: delayMs must be integers with 0 <= min <= max, got [${min}, ${max}]`);
    }
  }

  /** Changes fault settings from now on (messages already in flight keep their fate). */
  configure(options: Partial<NetworkOptions>): void {
    this.options = { ...this.options, ...options };
    const o = this.options;
    this.scheduler.record(
      `network delay ${o.delayMs.join('-')} drop ${o.dropProbability} dup ${o.duplicateProbability}`,
    );
  }

  /** Puts a process on the network at its address (replacing an earlier incarnation). */
  attach(endpoint: SimEndpoint): PeerTransport {
    this.endpoints.set(endpoint.address, endpoint);
    return new SimTransport(this, endpoint);
  }

  /**
   * Cuts the network into groups of node ids; only nodes in the same group can talk. Nodes named
   * in no group form one more group together.
   */
  partition(groups: readonly (readonly string[])[]): void {
    const map = new Map<string, number>();
    groups.forEach((g, i) => {
      for (const id of g) {
        if (map.has(id)) throw new Error(`SimNetwork.partition: ${id} is in two groups`);
        map.set(id, i);
      }
    });
    this.groups = map;
    this.cuts = null;
    this.scheduler.record(`partition ${groups.map((g) => g.join(',')).join(' | ')}`);
  }

  /**
   * Cuts exactly the given links, in both directions; every other pair still talks. This is how
   * non-transitive partitions (a bridge node that sees both sides) are made.
   */
  cutLinks(pairs: readonly (readonly [string, string])[]): void {
    for (const [a, b] of pairs) if (a === b) throw new Error(`SimNetwork.cutLinks: ${a} cannot be cut from itself`);
    this.groups = null;
    this.cuts = new Set(pairs.map(([a, b]) => linkKey(a, b)));
    this.scheduler.record(`cut ${[...this.cuts].sort().join(' ')}`);
  }

  /** Removes every partition. */
  heal(): void {
    this.groups = null;
    this.cuts = null;
    this.scheduler.record('heal');
  }

  /** True when `a` and `b` cannot reach each other. */
  isCut(a: string, b: string): boolean {
    if (a === b) return false;
    if (this.cuts !== null) return this.cuts.has(linkKey(a, b));
    if (this.groups === null) return false;
    return (this.groups.get(a) ?? -1) !== (this.groups.get(b) ?? -1);
  }

  /** The current fault settings. */
  get settings(): NetworkOptions {
    return this.options;
  }

  /** The process currently at `address`, if any. */
  endpointAt(address: string): SimEndpoint | undefined {
    return this.endpoints.get(address);
  }

  /**
   * Sends one message from `from` to the process `to` (this incarnation only): `arrive` runs at
   * the far end unless the message is dropped, crosses a partition, or finds `to` dead. Only a
   * `duplicable` message may arrive twice.
   */
  transmit(from: string, to: SimEndpoint, what: string, arrive: () => void, duplicable = true): void {
    this.stats.sent++;
    const line = `${from}->${to.process.name} ${what}`;
    if (this.isCut(from, to.id) || this.random.chance(this.options.dropProbability)) {
      this.stats.dropped++;
      this.scheduler.record(`drop ${line}`);
      return;
    }
    const copies = duplicable && this.random.chance(this.options.duplicateProbability) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      this.scheduler.after(
        this.delay(),
        () => {
          if (!to.process.alive || this.isCut(from, to.id)) {
            this.stats.dropped++;
            return;
          }
          this.stats.delivered++;
          arrive();
        },
        `net ${line}`,
      );
    }
  }

  /** Whether a sender may learn fast that nothing listens at `to` (connection refused). */
  refuses(from: string, to: SimEndpoint | undefined): boolean {
    if (!this.options.refuseWhenDown) return false;
    return to === undefined || (!to.process.alive && !this.isCut(from, to.id));
  }

  /** One seeded one-way delay. */
  delay(): number {
    return this.random.int(this.options.delayMs[0], this.options.delayMs[1]);
  }

  /** Schedules `fn` after a round trip, for refusals. */
  afterRoundTrip(label: string, fn: () => void): void {
    this.scheduler.after(this.delay() + this.delay(), fn, label);
  }
}

interface Pending {
  readonly resolve: (reply: PeerReply) => void;
  readonly cancelTimer: () => void;
}

/** One process's PeerTransport. */
class SimTransport implements PeerTransport {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly net: SimNetwork,
    private readonly self: SimEndpoint,
  ) {}

  request(to: PeerAddress, request: PeerRequest, budgetMs: number): Promise<PeerReply> {
    if (!this.self.process.alive) return never();
    if (this.closed) return Promise.resolve(unreachable('the transport is closed'));
    const id = this.nextId;
    this.nextId = this.nextId >= PEER_ID_MAX ? 1 : this.nextId + 1;
    const frame = wire.peerBatch.encode({ from: this.self.id, messages: [requestToWire(id, budgetMs, request)] });
    const target = this.net.endpointAt(to.address);
    return new Promise<PeerReply>((resolve) => {
      const cancelTimer = this.net.scheduler.after(
        Math.max(1, budgetMs),
        () =>
          this.settle(id, {
            type: 'error',
            code: ErrorCode.TIMEOUT,
            message: `peer ${to.id} did not answer within ${budgetMs} ms`,
          }),
        `timeout ${this.self.process.name} #${id}`,
      );
      this.pending.set(id, { resolve, cancelTimer });
      if (target === undefined || this.net.refuses(this.self.id, target)) {
        this.net.afterRoundTrip(`refused ${this.self.process.name}->${to.id} #${id}`, () =>
          this.settle(id, unreachable(`peer ${to.id} is unreachable (connection refused)`)),
        );
        return;
      }
      const duplicable = request.type !== 'coordinatePut' || this.net.settings.duplicateForwardedWrites;
      this.net.transmit(this.self.id, target, `${request.type} #${id}`, () => this.serve(target, frame), duplicable);
    });
  }

  hello(address: string, request: HelloRequest, budgetMs: number): Promise<HelloResponse__Output> {
    if (!this.self.process.alive) return never();
    const bytes = wire.helloRequest.encode(request);
    const target = this.net.endpointAt(address);
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done || !this.self.process.alive) return;
        done = true;
        cancel();
        fn();
      };
      const cancel = this.net.scheduler.after(
        Math.max(1, budgetMs),
        () => finish(() => reject(new TimeoutError(`hello to ${address}: no answer within ${budgetMs} ms`))),
        `timeout ${this.self.process.name} hello ${address}`,
      );
      if (target === undefined || this.net.refuses(this.self.id, target)) {
        this.net.afterRoundTrip(`refused ${this.self.process.name}->${address} hello`, () =>
          finish(() => reject(new UnavailableError(`hello to ${address}: connection refused`))),
        );
        return;
      }
      this.net.transmit(this.self.id, target, 'hello', () => {
        const response = wire.helloResponse.encode(target.hello(wire.helloRequest.decode(bytes)));
        this.net.transmit(target.id, this.self, 'helloReply', () =>
          finish(() => resolve(wire.helloResponse.decode(response))),
        );
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, unreachable('the transport is closed'));
  }

  /** At the receiving process: decode, serve, and send the encoded reply back. */
  private serve(target: SimEndpoint, frame: Uint8Array): void {
    const batch = wire.peerBatch.decode(frame);
    for (const m of batch.messages) {
      const request = requestFromWire(m);
      const replied = (reply: PeerReply) => {
        if (!target.process.alive) return;
        const back = wire.peerBatch.encode({ from: target.id, messages: [replyToWire(m.id, reply)] });
        this.net.transmit(target.id, this.self, `${reply.type} #${m.id}`, () => this.receive(back));
      };
      if (request === null) {
        replied({ type: 'error', code: ErrorCode.INVALID_ARGUMENT, message: `unknown peer message ${m.body ?? ''}` });
        continue;
      }
      void target.handlePeer(batch.from, request, m.budgetMs).then(replied);
    }
  }

  /** Back at the requesting process: match the reply to its request. */
  private receive(frame: Uint8Array): void {
    for (const m of wire.peerBatch.decode(frame).messages) {
      const reply = replyFromWire(m);
      if (reply !== null) this.settle(m.id, reply);
    }
  }

  private settle(id: number, reply: PeerReply): void {
    const p = this.pending.get(id);
    if (p === undefined || !this.self.process.alive) return;
    this.pending.delete(id);
    p.cancelTimer();
    p.resolve(reply);
  }
}

function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function unreachable(message: string): PeerReply {
  return { type: 'error', code: ErrorCode.UNAVAILABLE, message, undelivered: true };
}
