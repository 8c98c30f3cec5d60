/**
 * The nemesis: faults injected at seeded moments over a run. Which faults, how often and how hard
 * are drawn from the seed too (a FaultPlan), so a sweep over seeds covers quiet runs, lossy
 * networks, crash storms and long partitions.
 *
 * Faults: crashes with restarts after a seeded downtime (some on a wiped disk), partitions (two
 * halves, one node isolated, or a bridge node that sees both sides of a cut), changes to message
 * loss, duplication and delay, and steps of a node's wall clock.
 */
import type { History } from './history.js';
import type { SeededRandom } from './random.js';
import type { SimCluster } from './sim-cluster.js';
import type { NetworkOptions } from './sim-network.js';

/** How a run is faulted; a pure function of the seed (see `drawFaultPlan`). */
export interface FaultPlan {
  /** Network settings at the start; `network` steps redraw them within the same ranges. */
  readonly network: Omit<NetworkOptions, 'duplicateForwardedWrites'>;
  readonly dropMax: number;
  readonly duplicateMax: number;
  readonly delayMaxMs: number;
  /** Largest wall-clock offset a node is given, in ms. */
  readonly clockSkewMs: number;
  /** Virtual ms between two nemesis steps, drawn uniformly. */
  readonly stepMs: readonly [number, number];
  /** Relative weights of the step kinds. */
  readonly weights: Readonly<Record<StepKind, number>>;
  /** Chance that a restart starts on an empty disk. */
  readonly wipeProbability: number;
  /** Most nodes down at once. */
  readonly downMax: number;
  /** How long a crashed node stays down, and a partition lasts, in virtual ms. */
  readonly downtimeMs: readonly [number, number];
  readonly partitionMs: readonly [number, number];
}

export type StepKind = 'crash' | 'partition' | 'network' | 'clock' | 'rest';

/** Draws the fault plan of a run from its random stream. */
export function drawFaultPlan(rng: SeededRandom): FaultPlan {
  const dropMax = rng.pick([0, 0.01, 0.03, 0.08]);
  const duplicateMax = rng.pick([0, 0.02, 0.05]);
  const delayMaxMs = rng.pick([5, 20, 60, 200]);
  return {
    network: {
      delayMs: [1, delayMaxMs],
      dropProbability: dropMax,
      duplicateProbability: duplicateMax,
      refuseWhenDown: rng.chance(0.7),
    },
    dropMax,
    duplicateMax,
    delayMaxMs,
    clockSkewMs: rng.pick([0, 50, 1000, 10_000]),
    stepMs: rng.pick([
      [1000, 4000],
      [2000, 8000],
      [5000, 15_000],
    ] as const),
    weights: {
      crash: rng.int(0, 4),
      partition: rng.int(0, 4),
      network: rng.int(0, 2),
      clock: rng.int(0, 1),
      rest: 1,
    },
    wipeProbability: rng.pick([0, 0.25, 0.5]),
    downMax: rng.int(1, 2),
    downtimeMs: [500, rng.pick([3000, 10_000, 20_000])],
    partitionMs: [1000, rng.pick([3000, 10_000, 30_000])],
  };
}

/** Counts of the faults a run injected. */
export interface NemesisStats {
  crashes: number;
  wipes: number;
  partitions: number;
  networkChanges: number;
  clockSteps: number;
}

export class Nemesis {
  readonly stats: NemesisStats = { crashes: 0, wipes: 0, partitions: 0, networkChanges: 0, clockSteps: 0 };
  /** Bumped by every partition and heal, so a stale heal timer leaves a newer partition alone. */
  private partitionEpoch = 0;
  private stopped = false;

  constructor(
    private readonly cluster: SimCluster,
    private readonly history: History,
    private readonly rng: SeededRandom,
    private readonly plan: FaultPlan,
  ) {}

  /** Schedules steps from now until `untilMs` virtual ms from now. */
  schedule(untilMs: number): void {
    const end = this.cluster.now() + untilMs;
    const next = () => {
      const at = this.cluster.now() + this.rng.int(this.plan.stepMs[0], this.plan.stepMs[1]);
      if (at >= end) return;
      this.cluster.scheduler.at(
        at,
        () => {
          if (this.stopped) return;
          this.step(this.pickStep());
          next();
        },
        'nemesis',
      );
    };
    next();
  }

  /** Stops injecting: heals the network, makes it reliable, restarts every down node. */
  heal(): Promise<void> {
    this.stopped = true;
    this.partitionEpoch++;
    this.cluster.network.heal();
    this.cluster.network.configure({ dropProbability: 0, duplicateProbability: 0, refuseWhenDown: true });
    const restarts = this.cluster.ids.filter((id) => !this.cluster.isUp(id)).map((id) => this.cluster.reboot(id));
    return Promise.all(restarts).then(() => {});
  }

  private pickStep(): StepKind {
    const entries = Object.entries(this.plan.weights) as [StepKind, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.rng.int(0, total - 1);
    for (const [kind, w] of entries) {
      if (x < w) return kind;
      x -= w;
    }
    return 'rest';
  }

  private step(kind: StepKind): void {
    if (kind === 'crash') this.crash();
    else if (kind === 'partition') this.partition();
    else if (kind === 'network') this.network();
    else if (kind === 'clock') this.clock();
  }

  private crash(): void {
    const { cluster, rng, plan } = this;
    const up = cluster.ids.filter((id) => cluster.isUp(id));
    if (cluster.ids.length - up.length >= plan.downMax || up.length === 0) return;
    const victim = rng.pick(up);
    cluster.crash(victim);
    const crashedAt = cluster.now();
    this.stats.crashes++;
    const wipe = rng.chance(plan.wipeProbability);
    cluster.scheduler.after(
      rng.int(plan.downtimeMs[0], plan.downtimeMs[1]),
      () => {
        if (this.stopped || cluster.isUp(victim)) return;
        if (wipe) {
          this.stats.wipes++;
          this.history.wiped(victim, crashedAt);
        }
        void cluster.reboot(victim, { wipe }).catch(() => {});
      },
      `nemesis restart ${victim}`,
    );
  }

  private partition(): void {
    const { cluster, rng, plan } = this;
    const ids = rng.shuffle(cluster.ids);
    const shape = rng.pick(['halves', 'isolate', 'bridge'] as const);
    if (shape === 'halves') {
      const cut = rng.int(1, ids.length - 1);
      cluster.network.partition([ids.slice(0, cut), ids.slice(cut)]);
    } else if (shape === 'isolate') {
      cluster.network.partition([ids.slice(0, 1), ids.slice(1)]);
    } else {
      // ids[0] is the bridge; the rest split in two sides that only reach each other through it.
      const rest = ids.slice(1);
      const cut = rng.int(1, Math.max(1, rest.length - 1));
      const left = rest.slice(0, cut);
      const right = rest.slice(cut);
      cluster.network.cutLinks(left.flatMap((a) => right.map((b) => [a, b] as const)));
    }
    this.stats.partitions++;
    const epoch = ++this.partitionEpoch;
    cluster.scheduler.after(
      rng.int(plan.partitionMs[0], plan.partitionMs[1]),
      () => {
        if (this.stopped || epoch !== this.partitionEpoch) return;
        cluster.network.heal();
      },
      'nemesis heal',
    );
  }

  private network(): void {
    const { rng, plan } = this;
    this.cluster.network.configure({
      delayMs: [1, rng.int(1, plan.delayMaxMs)],
      dropProbability: plan.dropMax * rng.next(),
      duplicateProbability: plan.duplicateMax * rng.next(),
    });
    this.stats.networkChanges++;
  }

  private clock(): void {
    const { cluster, rng, plan } = this;
    if (plan.clockSkewMs === 0) return;
    cluster.slot(rng.pick(cluster.ids)).setClockOffset(rng.int(-plan.clockSkewMs, plan.clockSkewMs));
    this.stats.clockSteps++;
  }
}
