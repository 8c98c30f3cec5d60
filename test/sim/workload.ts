/** Workload and checkers shared by the simulation tests. */
import { RingError } from '../../src/common/errors.js';
import type { SeededRandom } from '../../src/sim/random.js';
import type { SimCluster } from '../../src/sim/sim-cluster.js';

/** A write the cluster acknowledged. */
export interface Ack {
  readonly key: string;
  readonly value: string;
  readonly coordinator: string;
}

export interface WriteReport {
  readonly acked: Ack[];
  /** Error codes of the writes that were not acknowledged, in issue order. */
  readonly failures: string[];
}

/**
 * Issues `count` blind quorum writes of unique keys, each through a random running coordinator at
 * a random moment within `spreadMs`, and runs the simulation until all have answered.
 */
export async function writeUniqueKeys(
  cluster: SimCluster,
  rng: SeededRandom,
  options: { readonly count: number; readonly prefix: string; readonly spreadMs: number },
): Promise<WriteReport> {
  const ops: Promise<Ack | string>[] = [];
  for (let i = 0; i < options.count; i++) {
    const key = `${options.prefix}-${i}`;
    const value = `${key}=${rng.hex(4)}`;
    const at = rng.int(0, options.spreadMs);
    ops.push(
      new Promise((resolve) => {
        cluster.scheduler.after(at, () => {
          const up = cluster.ids.filter((id) => cluster.isUp(id));
          const coordinator = rng.pick(up);
          cluster.put(coordinator, key, value).then(
            () => resolve({ key, value, coordinator }),
            (err: unknown) => resolve(errorCode(err)),
          );
        });
      }),
    );
  }
  const results = await cluster.settle(Promise.all(ops));
  return {
    acked: results.filter((r): r is Ack => typeof r !== 'string'),
    failures: results.filter((r): r is string => typeof r === 'string'),
  };
}

export interface ReadReport {
  /** Acknowledged writes a successful quorum read did not return. */
  readonly lost: { key: string; expected: string; got: string[] }[];
  /** Acknowledged writes no read attempt could reach. */
  readonly unreadable: string[];
}

/** Reads every acknowledged write at quorum through random running nodes, retrying failed reads. */
export async function readBack(
  cluster: SimCluster,
  rng: SeededRandom,
  acked: readonly Ack[],
  attempts = 3,
): Promise<ReadReport> {
  const lost: ReadReport['lost'] = [];
  const unreadable: string[] = [];
  let pending = [...acked];
  for (let attempt = 0; attempt < attempts && pending.length > 0; attempt++) {
    const up = cluster.ids.filter((id) => cluster.isUp(id));
    const reads = pending.map((a) =>
      cluster.get(rng.pick(up), a.key).then(
        (res) => ({ ack: a, values: res.values.map((v) => v.toString('utf8')) }),
        () => ({ ack: a, values: null }),
      ),
    );
    const results = await cluster.settle(Promise.all(reads));
    pending = [];
    for (const { ack, values } of results) {
      if (values === null) pending.push(ack);
      else if (!values.includes(ack.value)) lost.push({ key: ack.key, expected: ack.value, got: values });
    }
  }
  unreadable.push(...pending.map((a) => a.key));
  return { lost, unreadable };
}

/** Nodes whose maintained key count differs from the keys really stored. */
export function keyCountMismatches(cluster: SimCluster): string[] {
  return cluster.ids
    .filter((id) => cluster.isUp(id))
    .filter((id) => {
      const storage = cluster.slot(id).storage;
      return storage.countData() !== storage.actualDataKeys();
    });
}

export function errorCode(err: unknown): string {
  return err instanceof RingError ? err.code : `non-RingError: ${String(err)}`;
}
