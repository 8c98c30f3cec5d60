/**
 * A cluster of real RingNodes in one process over virtual time, a simulated network and memory
 * disks, all driven by one seed: the same seed and the same calls replay the same run, event for
 * event (compare `traceHash()`).
 *
 * Client calls go to a node exactly as the gRPC KV service delivers them: the request is encoded
 * and decoded through protobuf, the node's get/put/delete runs, and the response is encoded and
 * decoded again. Each call returns a promise that settles only as the scheduler runs: use
 * `settle(promise)` or `runFor(ms)`.
 */
import { RingError } from '../common/errors.js';
import { DEFAULT_LIMITS } from '../common/limits.js';
import type { ChangePlan__Output } from '../gen/ringkv/v1/ChangePlan.js';
import type { GetResponse__Output } from '../gen/ringkv/v1/GetResponse.js';
import type { PutResponse__Output } from '../gen/ringkv/v1/PutResponse.js';
import type { RequestOptions } from '../gen/ringkv/v1/RequestOptions.js';
import type { NodeConfig, SyncMode, TestFaults } from '../node/config.js';
import type { RingNode } from '../node/node.js';
import { keyBytes, partitionOf } from '../ring/hash.js';
import { preferenceList } from '../ring/preference-list.js';
import type { Ring } from '../ring/ring.js';
import { SeededRandom } from './random.js';
import { type RunResult, Scheduler } from './scheduler.js';
import { SIM_FORMATION_MS_MAX, SIM_SETTLE_MS_DEFAULT } from './sim-limits.js';
import { LogBook, type LogLevel } from './sim-logger.js';
import { type NetworkOptions, SimNetwork } from './sim-network.js';
import { SimNode } from './sim-node.js';
import { DEFAULT_STORAGE_TIMING, type StorageTiming } from './storage-memory.js';
import { type WireType, wire } from './wire-codec.js';

export interface SimClusterOptions {
  readonly seed: number | string;
  /** Number of nodes, ids n1..nN (default 5). */
  readonly nodes?: number;
  /**
   * Nodes beyond the first `nodes` (ids following on), not started with the cluster: `boot` one and
   * it waits to be joined (rebalancing). Seeded with the first `nodes` addresses, like them.
   */
  readonly spares?: number;
  readonly q?: number;
  readonly n?: number;
  readonly syncMode?: SyncMode;
  readonly network?: Partial<NetworkOptions>;
  readonly storage?: StorageTiming;
  /** Each node's wall clock is off by a seeded amount in [-clockSkewMs, clockSkewMs]. */
  readonly clockSkewMs?: number;
  /** Lowest log level recorded (default 'warn'; 'off' records nothing). */
  readonly logLevel?: LogLevel | 'off';
  /** Deliberate bugs passed into every node's config, to prove the checkers catch them. */
  readonly testFaults?: TestFaults;
  /** Keys per second each node may receive while rebalancing (default the node's). */
  readonly transferKeysPerS?: number;
}

/** A client write: the request options plus the causal context of an earlier read. */
export interface WriteOptions extends RequestOptions {
  readonly context?: string;
}

/** The cluster name and context secret every simulated node shares. */
export const SIM_CLUSTER_NAME = 'sim';
export const SIM_SECRET = 'ringkv-sim-secret';

export class SimCluster {
  readonly scheduler = new Scheduler();
  readonly random: SeededRandom;
  readonly network: SimNetwork;
  readonly logs: LogBook;
  readonly ids: readonly string[];
  private readonly nodes = new Map<string, SimNode>();

  constructor(options: SimClusterOptions) {
    const count = options.nodes ?? 5;
    if (!Number.isInteger(count) || count < 1) throw new Error(`SimCluster: nodes must be >= 1, got ${count}`);
    this.random = new SeededRandom(options.seed);
    this.network = new SimNetwork(this.scheduler, this.random.fork('network'), options.network);
    this.logs = new LogBook(() => this.scheduler.now(), options.logLevel ?? 'warn');
    this.ids = Array.from({ length: count }, (_, i) => `n${i + 1}`);
    const seeds = this.ids.map(addressOf);
    const spares = Array.from({ length: options.spares ?? 0 }, (_, i) => `n${count + i + 1}`);
    const skew = options.clockSkewMs ?? 0;
    const world = {
      scheduler: this.scheduler,
      network: this.network,
      random: this.random,
      logs: this.logs,
      storageTiming: options.storage ?? DEFAULT_STORAGE_TIMING,
    };
    for (const id of [...this.ids, ...spares]) {
      const config: NodeConfig = {
        id,
        address: addressOf(id),
        seeds,
        cluster: SIM_CLUSTER_NAME,
        secret: SIM_SECRET,
        q: options.q ?? 64,
        n: options.n ?? 3,
        limits: DEFAULT_LIMITS,
        syncMode: options.syncMode ?? 'batch',
        ...(options.testFaults === undefined ? {} : { testFaults: options.testFaults }),
        ...(options.transferKeysPerS === undefined ? {} : { transferKeysPerS: options.transferKeysPerS }),
      };
      const offset = skew === 0 ? 0 : this.random.fork(`clock/${id}`).int(-skew, skew);
      this.nodes.set(id, new SimNode(world, config, offset));
    }
  }

  /** Starts every node and runs until each has formed its ring. */
  async start(): Promise<void> {
    const started = this.ids.map((id) => this.startNode(this.slot(id)));
    await this.settle(Promise.all(started), SIM_FORMATION_MS_MAX);
    await this.runUntil(() => this.ids.every((id) => this.node(id).membership.ring !== null), SIM_FORMATION_MS_MAX);
  }

  /** Kills a node's process; its disk keeps what was durable. */
  crash(id: string): void {
    this.slot(id).crash();
  }

  /**
   * Starts a new process for a node over its durable state (or, with `wipe`, an empty disk), and
   * by default runs until it serves a ring again. Crashes the node first if it is running.
   */
  async restart(id: string, options: { readonly wipe?: boolean; readonly waitForRing?: boolean } = {}): Promise<void> {
    const slot = this.slot(id);
    if (slot.up) slot.crash();
    if (options.wipe === true) slot.disk.wipe();
    await this.settle(this.startNode(slot), SIM_FORMATION_MS_MAX);
    if (options.waitForRing !== false) {
      await this.runUntil(() => slot.node.membership.ring !== null, SIM_FORMATION_MS_MAX);
    }
  }

  /**
   * Like `restart`, but without running the scheduler, so it may be called from inside an event
   * (a nemesis step): the new process boots now and starts in a scheduled event. The returned
   * promise settles as the scheduler runs; a start that fails is recorded in the trace.
   */
  reboot(id: string, options: { readonly wipe?: boolean } = {}): Promise<void> {
    const slot = this.slot(id);
    if (slot.up) slot.crash();
    if (options.wipe === true) {
      slot.disk.wipe();
      this.scheduler.record(`wipe ${id}`);
    }
    return this.startNode(slot).catch((err: unknown) => {
      this.scheduler.record(`start ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    });
  }

  /** Node ids, the spares included. */
  get allIds(): string[] {
    return [...this.nodes.keys()];
  }

  /** Starts a spare (or any stopped node) without waiting for a ring. */
  boot(id: string): Promise<void> {
    return this.startNode(this.slot(id));
  }

  /** Admin.Join or Admin.Leave on node `nodeId` (the claimant answers; others refuse). */
  change(
    nodeId: string,
    request: { readonly kind: 'join'; readonly id: string } | { readonly kind: 'leave'; readonly id: string },
    dryRun = false,
  ): Promise<ChangePlan__Output> {
    return this.call(
      nodeId,
      `${request.kind} ${request.id}`,
      (node) =>
        request.kind === 'join'
          ? node.join({ address: addressOf(request.id), dryRun })
          : node.leave({ nodeId: request.id, dryRun }),
      wire.changePlan,
    );
  }

  /** KV.Get on node `nodeId`. */
  get(nodeId: string, key: string | Uint8Array, options?: RequestOptions): Promise<GetResponse__Output> {
    const request = roundTrip(wire.getRequest, { key: keyBytes(key), ...optionsField(options) });
    return this.call(nodeId, `get ${describeKey(key)}`, (node) => node.get(request), wire.getResponse);
  }

  /** KV.Put on node `nodeId`. */
  put(
    nodeId: string,
    key: string | Uint8Array,
    value: string | Uint8Array,
    options: WriteOptions = {},
  ): Promise<PutResponse__Output> {
    const { context, ...rest } = options;
    const request = roundTrip(wire.putRequest, {
      key: keyBytes(key),
      value: bytesOf(value),
      ...(context === undefined ? {} : { context }),
      ...optionsField(rest),
    });
    return this.call(nodeId, `put ${describeKey(key)}`, (node) => node.put(request), wire.putResponse);
  }

  /** KV.Delete on node `nodeId`. */
  delete(nodeId: string, key: string | Uint8Array, options: WriteOptions = {}): Promise<PutResponse__Output> {
    const { context, ...rest } = options;
    const request = roundTrip(wire.deleteRequest, {
      key: keyBytes(key),
      ...(context === undefined ? {} : { context }),
      ...optionsField(rest),
    });
    return this.call(nodeId, `delete ${describeKey(key)}`, (node) => node.delete(request), wire.putResponse);
  }

  /** Runs the scheduler until `promise` settles (or `maxMs` of virtual time pass) and returns its outcome. */
  async settle<T>(promise: Promise<T>, maxMs = SIM_SETTLE_MS_DEFAULT): Promise<T> {
    type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
    const box: { outcome: Outcome | null } = { outcome: null };
    void promise.then(
      (value) => {
        box.outcome = { ok: true, value };
      },
      (error: unknown) => {
        box.outcome = { ok: false, error };
      },
    );
    const result = await this.scheduler.run({ until: this.scheduler.now() + maxMs, stop: () => box.outcome !== null });
    const settled = box.outcome;
    if (settled === null) throw new Error(`the promise did not settle: the simulation stopped (${describe(result)})`);
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /** Runs `ms` of virtual time. */
  async runFor(ms: number): Promise<void> {
    const result = await this.scheduler.run({ until: this.scheduler.now() + ms });
    if (result.reason === 'maxEvents') throw new Error(`runFor(${ms}): ${describe(result)}`);
  }

  /** Runs until `predicate` holds; throws if it still does not after `maxMs` of virtual time. */
  async runUntil(predicate: () => boolean, maxMs: number): Promise<void> {
    const result = await this.scheduler.run({ until: this.scheduler.now() + maxMs, stop: predicate });
    if (!predicate()) throw new Error(`runUntil: the condition did not hold (${describe(result)})`);
  }

  /** The hash of every event so far. */
  traceHash(): string {
    return this.scheduler.traceHash();
  }

  /** Virtual milliseconds since the simulation began. */
  now(): number {
    return this.scheduler.now();
  }

  /** The RingNode of a node's current (or last) process. */
  node(id: string): RingNode {
    return this.slot(id).node;
  }

  /** The simulated node: its disk, storage handle and state. */
  slot(id: string): SimNode {
    const slot = this.nodes.get(id);
    if (slot === undefined) throw new Error(`no node ${id}; nodes are ${this.ids.join(', ')}`);
    return slot;
  }

  /** True while the node's process runs. */
  isUp(id: string): boolean {
    return this.slot(id).up;
  }

  /** The primaries of a key, as the newest ring of a running node says. */
  primariesOf(key: string | Uint8Array): readonly string[] {
    let ring: Ring | null = null;
    for (const slot of this.nodes.values()) {
      const r = slot.up ? slot.node.membership.ring : null;
      if (r !== null && (ring === null || r.epoch > ring.epoch)) ring = r;
    }
    if (ring === undefined || ring === null) throw new Error('no running node has a ring');
    return preferenceList(ring, partitionOf(keyBytes(key), ring.q)).primaries;
  }

  private startNode(slot: SimNode): Promise<void> {
    const node = slot.boot();
    return new Promise<void>((resolve, reject) => {
      this.scheduler.after(0, () => node.start().then(resolve, reject), `start ${slot.id}`);
    });
  }

  private call<Res, Out>(
    nodeId: string,
    what: string,
    fn: (node: RingNode) => Promise<Res>,
    codec: WireType<Res, Out>,
  ): Promise<Out> {
    const slot = this.slot(nodeId);
    return new Promise<Out>((resolve, reject) => {
      this.scheduler.after(
        0,
        () => {
          slot.call(fn).then(
            (response) => resolve(roundTrip(codec, response)),
            (err: unknown) => reject(asRingError(err)),
          );
        },
        `client ${nodeId} ${what}`,
      );
    });
  }
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

function addressOf(id: string): string {
  return `sim://${id}`;
}

function roundTrip<In, Out>(codec: WireType<In, Out>, message: In): Out {
  return codec.decode(codec.encode(message));
}

/** The options field of a request: absent when the caller set nothing, as a client would send. */
function optionsField(options: RequestOptions | undefined): { options?: RequestOptions } {
  return options === undefined || Object.keys(options).length === 0 ? {} : { options };
}

/** What the SDK would see: RingErrors keep code and details; anything else is INTERNAL. */
function asRingError(err: unknown): RingError {
  if (err instanceof RingError) return err;
  return new RingError('INTERNAL', err instanceof Error ? err.message : String(err), {}, { cause: err });
}

function describeKey(key: string | Uint8Array): string {
  return typeof key === 'string' ? key.slice(0, 40) : `0x${Buffer.from(key).toString('hex').slice(0, 40)}`;
}

function describe(result: RunResult): string {
  return `${result.reason} after ${result.events} events`;
}
