/**
 * One node of a simulated cluster across its incarnations: the disk that outlives crashes, and
 * the current process with its RingNode, storage handle and network endpoint.
 */
import { UnavailableError } from '../common/errors.js';
import type { NodeConfig } from '../node/config.js';
import type { Env } from '../node/env.js';
import { RingNode } from '../node/node.js';
import type { SeededRandom } from './random.js';
import type { Scheduler } from './scheduler.js';
import { SimClock } from './sim-clock.js';
import type { LogBook } from './sim-logger.js';
import type { SimNetwork } from './sim-network.js';
import { SimProcess } from './sim-process.js';
import { MemoryDisk, MemoryStorage, type StorageTiming } from './storage-memory.js';

/** What every node of a cluster shares. */
export interface SimWorld {
  readonly scheduler: Scheduler;
  readonly network: SimNetwork;
  readonly random: SeededRandom;
  readonly logs: LogBook;
  readonly storageTiming: StorageTiming;
}

interface Running {
  readonly process: SimProcess;
  readonly node: RingNode;
  readonly storage: MemoryStorage;
}

export class SimNode {
  readonly disk = new MemoryDisk();
  private generation = 0;
  private current: Running | null = null;
  /** Rejecters of client calls in flight on the current process. */
  private readonly clientCalls = new Set<(err: unknown) => void>();

  constructor(
    private readonly world: SimWorld,
    readonly config: NodeConfig,
    /** Added to this node's wall clock; `setClockOffset` steps it, as an NTP step would. */
    private clockOffsetMs: number,
  ) {}

  /** This node's current wall-clock offset from virtual time. */
  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  /** Steps this node's wall clock (every incarnation reads the same offset). */
  setClockOffset(ms: number): void {
    this.clockOffsetMs = ms;
    this.world.scheduler.record(`clock ${this.id} offset ${ms}`);
  }

  get id(): string {
    return this.config.id;
  }

  /** True while a process runs. */
  get up(): boolean {
    return this.current?.process.alive === true;
  }

  /** The RingNode of the current (or last) process. */
  get node(): RingNode {
    if (this.current === null) throw new Error(`${this.id} was never booted`);
    return this.current.node;
  }

  /** The storage handle of the current (or last) process. */
  get storage(): MemoryStorage {
    if (this.current === null) throw new Error(`${this.id} was never booted`);
    return this.current.storage;
  }

  /** Starts a new process over the disk and puts it on the network; the caller runs start(). */
  boot(): RingNode {
    if (this.up) throw new Error(`${this.id} is already running`);
    const { scheduler, network, random, logs, storageTiming } = this.world;
    this.generation++;
    const process = new SimProcess(this.id, this.generation);
    const storage = new MemoryStorage(
      this.disk,
      scheduler,
      random.fork(`disk/${this.id}/${this.generation}`),
      process,
      this.config.syncMode,
      storageTiming,
    );
    let node: RingNode | null = null;
    const transport = network.attach({
      id: this.id,
      address: this.config.address,
      process,
      handlePeer: (from, request, budgetMs) => node!.handlePeer(from, request, budgetMs),
      hello: (request) => node!.hello(request),
    });
    const env: Env = {
      clock: new SimClock(scheduler, process, () => this.clockOffsetMs),
      random: random.fork(`node/${this.id}/${this.generation}`),
      transport,
      storage,
      log: logs.logger({ node: this.id, generation: this.generation }),
    };
    node = new RingNode(env, this.config);
    this.current = { process, node, storage };
    scheduler.record(`boot ${process.name}`);
    return node;
  }

  /** Kills the current process: timers, storage and network stop, client calls fail. */
  crash(): void {
    if (this.current === null || !this.up) throw new Error(`${this.id} is not running`);
    this.current.storage.crash();
    this.world.scheduler.record(`crash ${this.current.process.name}`);
    const calls = [...this.clientCalls];
    this.clientCalls.clear();
    for (const reject of calls) reject(new UnavailableError(`${this.id} crashed before answering (connection lost)`));
  }

  /**
   * Runs `fn` on the current process as a client RPC would: refused when the node is down, failed
   * if the process dies before answering, ignored if it answers after dying.
   */
  call<T>(fn: (node: RingNode) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const running = this.current;
      if (running === null || !running.process.alive) {
        reject(new UnavailableError(`${this.id} is down (connection refused)`));
        return;
      }
      this.clientCalls.add(reject);
      const finish = (settle: () => void) => {
        if (!running.process.alive) return;
        this.clientCalls.delete(reject);
        settle();
      };
      fn(running.node).then(
        (value) => finish(() => resolve(value)),
        (err: unknown) => finish(() => reject(err)),
      );
    });
  }
}
