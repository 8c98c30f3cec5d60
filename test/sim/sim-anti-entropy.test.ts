/**
 * Anti-entropy pacing in the simulator, over the production node code: a cluster in sync slows its
 * exchanges down, a peer down brings it back to full pace, and a node that lost its data is restored
 * by exchanges alone at full pace (no client reads, hinted handoff has nothing to replay).
 */
import { describe, expect, it } from 'vitest';
import { AE_EXCHANGE_INTERVAL_MS_MAX } from '../../src/common/limits.js';
import { SimCluster } from '../../src/sim/sim-cluster.js';
import { writeUniqueKeys } from './workload.js';

function exchanges(cluster: SimCluster): number {
  return cluster.ids.reduce((sum, id) => sum + cluster.node(id).antiEntropy.exchanges, 0);
}

describe('anti-entropy pacing (simulated)', () => {
  it('slows down while trees agree, speeds up while a peer is down, and restores a wiped node at full pace', async () => {
    const cluster = new SimCluster({ seed: 31, network: { delayMs: [1, 3] } });
    await cluster.start();
    const { acked, failures } = await writeUniqueKeys(cluster, cluster.random.fork('w'), {
      count: 300,
      prefix: 'ae',
      spreadMs: 1000,
    });
    expect(failures).toEqual([]);
    await cluster.runFor(20_000);

    // In sync: about one exchange per node per AE_EXCHANGE_INTERVAL_MS_MAX, not one per
    // AE_EXCHANGE_INTERVAL_MS (10 s would be 5 * 100 exchanges at full pace).
    const windowMs = 10_000;
    const before = exchanges(cluster);
    await cluster.runFor(windowMs);
    const quiet = exchanges(cluster) - before;
    const perNode = windowMs / AE_EXCHANGE_INTERVAL_MS_MAX;
    expect(quiet).toBeGreaterThanOrEqual(cluster.ids.length * perNode * 0.8);
    expect(quiet).toBeLessThanOrEqual(cluster.ids.length * perNode * 1.2);

    // A peer down: writes may be missing somewhere, so the others go back to full pace.
    cluster.crash('n5');
    await cluster.runFor(5_000); // long enough for the failure detectors to see it
    const downBefore = exchanges(cluster);
    await cluster.runFor(windowMs);
    const whileDown = exchanges(cluster) - downBefore;
    expect(whileDown).toBeGreaterThan(4 * perNode * 3);
    await cluster.restart('n5');
    await cluster.runFor(30_000);

    // n2 loses its disk. Only anti-entropy can bring its keys back.
    const mine = acked.filter((a) => cluster.primariesOf(a.key).includes('n2'));
    expect(mine.length).toBeGreaterThan(100);
    await cluster.restart('n2', { wipe: true });
    expect(cluster.node('n2').status().keys).toBe(0);
    const start = cluster.now();
    await cluster.runUntil(() => (cluster.node('n2').status().keys ?? 0) >= mine.length, 60_000);
    expect(cluster.node('n2').status().keys).toBe(mine.length);
    // At the slowest pace one exchange a second would need more than a second per partition n2
    // replicates; at full pace (two in flight, each waiting AE_CONFIRM_MS to confirm a small
    // difference) it needs about a third of that.
    const partitions = cluster.node('n2').antiEntropy.status().partitionsReplicated;
    expect(partitions).toBeGreaterThan(20);
    expect(cluster.now() - start).toBeLessThan((partitions * AE_EXCHANGE_INTERVAL_MS_MAX) / 2);

    for (const id of cluster.ids) if (id !== 'n2') cluster.crash(id);
    for (const a of mine) {
      const r = await cluster.settle(cluster.get('n2', a.key, { r: 1, timeoutMs: 1000 }));
      expect(r.values.map((v) => v.toString())).toEqual([a.value]);
    }
  });
});
