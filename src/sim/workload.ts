/**
 * The client workload of a simulated run: operations scheduled at seeded moments over the run,
 * each sent to a seeded running node and recorded in the History.
 *
 * - unique-key blind writes at consistency one, quorum or all;
 * - blind writes to a few hot keys, which must pile up as siblings (no write supersedes another);
 * - read-modify-write of sets: read a set key, add one new element to the union of its siblings,
 *   write the result back with the read's context;
 * - plain reads of any of those keys at a seeded consistency.
 *
 * Every value written is unique, so a value read back names the one write that produced it.
 */

import { type Consistency, type History, type Op, OpKind } from './history.js';
import type { SeededRandom } from './random.js';
import type { SimCluster } from './sim-cluster.js';

/** How much of each operation one run issues. */
export interface WorkloadPlan {
  readonly uniqueWrites: number;
  readonly hotKeys: number;
  readonly blindWrites: number;
  readonly setKeys: number;
  readonly setUpdates: number;
  readonly reads: number;
}

/** A request's consistency level and whether only primaries may count toward it. */
interface Level {
  readonly consistency: Consistency;
  readonly strict: boolean;
}

interface ReadResult {
  readonly context: string;
  readonly values: readonly string[];
}

/** The kind of data a key holds, which decides how the checkers judge it. */
export type KeyKind = 'unique' | 'hot' | 'set';

/** A set as it travels in a value: its elements, sorted, as JSON. */
export function encodeSet(elements: Iterable<string>): string {
  return JSON.stringify([...new Set(elements)].sort());
}

/** The elements of a set value, or null when the value is not a set. */
export function decodeSet(value: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((e) => typeof e === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

export class Workload {
  private readonly keyKinds = new Map<string, KeyKind>();
  private readonly finished: Promise<void>[] = [];

  constructor(
    private readonly cluster: SimCluster,
    private readonly history: History,
    private readonly rng: SeededRandom,
    private readonly plan: WorkloadPlan,
  ) {
    for (let i = 0; i < plan.uniqueWrites; i++) this.keyKinds.set(`u-${i}`, 'unique');
    for (let i = 0; i < plan.hotKeys; i++) this.keyKinds.set(`hot-${i}`, 'hot');
    for (let i = 0; i < plan.setKeys; i++) this.keyKinds.set(`set-${i}`, 'set');
  }

  /** Every key the workload may write, with its kind, in a fixed order. */
  get keys(): ReadonlyMap<string, KeyKind> {
    return this.keyKinds;
  }

  /** Schedules every operation at a seeded moment in [0, durationMs) from now. */
  schedule(durationMs: number): void {
    const { plan, rng } = this;
    const at = () => rng.int(0, Math.max(0, durationMs - 1));
    for (let i = 0; i < plan.uniqueWrites; i++) {
      this.later(at(), () =>
        this.write(OpKind.unique, `u-${i}`, rng.pick(['one', 'quorum', 'quorum', 'all']), rng.chance(0.5)),
      );
    }
    const hot = [...this.keysOf('hot')];
    for (let i = 0; i < plan.blindWrites && hot.length > 0; i++) {
      const key = rng.pick(hot);
      this.later(at(), () => this.write(OpKind.blind, key, rng.pick(['one', 'quorum', 'quorum']), rng.chance(0.5)));
    }
    const sets = [...this.keysOf('set')];
    for (let i = 0; i < plan.setUpdates && sets.length > 0; i++) {
      const key = rng.pick(sets);
      this.later(at(), () => this.readModifyWrite(key));
    }
    const all = [...this.keyKinds.keys()];
    for (let i = 0; i < plan.reads && all.length > 0; i++) {
      const key = rng.pick(all);
      const consistency = rng.pick(['one', 'quorum', 'all'] as const);
      this.later(at(), () => this.read(OpKind.read, key, consistency, rng.chance(0.5)).then(() => {}));
    }
  }

  /** Resolves once every scheduled operation has returned. */
  done(): Promise<void> {
    return Promise.all(this.finished).then(() => {});
  }

  private *keysOf(kind: KeyKind): Iterable<string> {
    for (const [key, k] of this.keyKinds) if (k === kind) yield key;
  }

  private later(ms: number, run: () => Promise<void>): void {
    this.finished.push(
      new Promise<void>((resolve) => {
        this.cluster.scheduler.after(ms, () => void run().then(resolve), 'workload');
      }),
    );
  }

  /** A running node to coordinate, or any node when none runs (the call is then refused). */
  private coordinator(): string {
    const up = this.cluster.ids.filter((id) => this.cluster.isUp(id));
    return this.rng.pick(up.length > 0 ? up : this.cluster.ids);
  }

  private async write(kind: OpKind, key: string, consistency: Consistency, strict: boolean): Promise<void> {
    const value = `${key}#${this.history.ops.length}.${this.rng.hex(3)}`;
    await this.put(kind, key, value, null, { consistency, strict }, '');
  }

  private async put(
    kind: OpKind,
    key: string,
    value: string,
    element: string | null,
    level: Level,
    context: string,
  ): Promise<Op> {
    const coordinator = this.coordinator();
    const strict = level.strict || level.consistency === 'all';
    const op = this.history.begin({ kind, key, value, element, consistency: level.consistency, strict, coordinator });
    const options = context === '' ? { ...level } : { ...level, context };
    await this.cluster.put(coordinator, key, value, options).then(
      (res) => this.history.succeed(op, [], res.receipt?.replies.filter((r) => r.ok).map((r) => r.nodeId) ?? []),
      (err: unknown) => this.history.fail(op, err),
    );
    return op;
  }

  private async read(kind: OpKind, key: string, consistency: Consistency, strict: boolean): Promise<ReadResult | null> {
    const coordinator = this.coordinator();
    const implied = strict || consistency === 'all';
    const op = this.history.begin({ kind, key, value: null, element: null, consistency, strict: implied, coordinator });
    return this.cluster.get(coordinator, key, { consistency, strict }).then(
      (res) => {
        const values = res.values.map((v) => v.toString('utf8'));
        this.history.succeed(op, values);
        return { context: res.context, values };
      },
      (err: unknown) => {
        this.history.fail(op, err);
        return null;
      },
    );
  }

  /** Reads a set, adds a new element to the union of its siblings, writes it back with the context. */
  private async readModifyWrite(key: string): Promise<void> {
    const read = await this.read(OpKind.setRead, key, 'quorum', false);
    if (read === null) return;
    const union = read.values.flatMap((v) => decodeSet(v) ?? []);
    const element = `e${this.history.ops.length}`;
    const level = { consistency: 'quorum', strict: false } as const;
    await this.put(OpKind.setWrite, key, encodeSet([...union, element]), element, level, read.context);
  }
}
