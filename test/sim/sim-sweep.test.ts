import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../src/sim/sim-cluster.js';
import { keyCountMismatches, readBack, writeUniqueKeys } from './workload.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i);

/** Faults vary by seed: every seed has delays, drops and duplicates; some add a crash or a partition. */
async function runSeed(seed: number) {
  const cluster = new SimCluster({
    seed,
    network: { delayMs: [1, 10], dropProbability: 0.01, duplicateProbability: 0.01 },
    clockSkewMs: 1000,
  });
  await cluster.start();
  const rng = cluster.random.fork('workload');
  const acked = [];
  const failures = [];
  const first = await writeUniqueKeys(cluster, rng, { count: 40, prefix: 'a', spreadMs: 300 });
  acked.push(...first.acked);
  failures.push(...first.failures);
  const fault = seed % 3;
  const victim = rng.pick(cluster.ids);
  if (fault === 1) cluster.crash(victim);
  if (fault === 2) cluster.network.partition([[victim, cluster.ids.find((id) => id !== victim)!]]);
  const second = await writeUniqueKeys(cluster, rng, { count: 40, prefix: 'b', spreadMs: 300 });
  acked.push(...second.acked);
  failures.push(...second.failures);
  if (fault === 1) await cluster.restart(victim);
  if (fault === 2) cluster.network.heal();
  // Sloppy quorum: until hinted handoff completes, a quorum read may miss a write that one
  // primary and a fallback acknowledged. Every hint must drain within a bounded time.
  const drained = await cluster
    .runUntil(() => pendingHints(cluster) === 0, 30_000)
    .then(
      () => true,
      () => false,
    );
  // Let failure detectors see the healed nodes again: until then a sloppy read may be answered
  // by a fallback that holds nothing for the key (Dynamo's documented trade-off).
  await cluster.runFor(3000);
  const read = await readBack(cluster, rng, acked, 5);
  await cluster.runFor(2000);
  return { cluster, acked, failures, read, drained };
}

/** Hints held by every running node. */
function pendingHints(cluster: SimCluster): number {
  return cluster.ids
    .filter((id) => cluster.isUp(id))
    .reduce(
      (sum, id) =>
        sum +
        cluster
          .node(id)
          .hints.targets()
          .reduce((a, t) => a + t.count, 0),
      0,
    );
}

describe('seed sweep with message delays, drops, duplicates, crashes and partitions', () => {
  it.each(SEEDS)('seed %i: every acknowledged quorum write is read back', async (seed) => {
    const { cluster, acked, failures, read, drained } = await runSeed(seed);
    const context = `seed ${seed}; trace tail:\n${cluster.scheduler.traceTail().slice(-20).join('\n')}`;
    // Not vacuous: a 2-node minority partition costs writes whose quorum spans it, but not most.
    expect(acked.length, context).toBeGreaterThanOrEqual(48);
    expect(
      failures.every((code) => code === 'TIMEOUT' || code === 'UNAVAILABLE'),
      failures.join(','),
    ).toBe(true);
    expect(drained, `hints did not drain; ${context}`).toBe(true);
    expect(read.lost, context).toEqual([]);
    expect(read.unreadable, context).toEqual([]);
    expect(keyCountMismatches(cluster)).toEqual([]);
    expect(cluster.logs.entries('error')).toEqual([]);
  });
});
