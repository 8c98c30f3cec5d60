/**
 * Sloppy quorum and hinted handoff in the simulator, over the production node code: writes for a
 * crashed primary go to fallbacks as durable hints, survive a fallback's crash, and drain to the
 * primary when it returns, after which it alone serves them.
 */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../src/sim/sim-cluster.js';
import { writeUniqueKeys } from './workload.js';

function hintsFor(cluster: SimCluster, target: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of cluster.ids) {
    if (!cluster.isUp(id)) continue;
    const n =
      cluster
        .node(id)
        .hints.targets()
        .find((t) => t.nodeId === target)?.count ?? 0;
    if (n > 0) out.set(id, n);
  }
  return out;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('hinted handoff (simulated)', () => {
  it('hints a crashed primary, keeps hints through a fallback crash, drains on return', async () => {
    const cluster = new SimCluster({ seed: 77, network: { delayMs: [1, 5] } });
    await cluster.start();
    const rng = cluster.random.fork('workload');
    cluster.crash('n3');
    const { acked, failures } = await writeUniqueKeys(cluster, rng, { count: 200, prefix: 'h', spreadMs: 1000 });
    expect(failures).toEqual([]);
    expect(acked).toHaveLength(200);
    await cluster.runFor(2000);
    const forN3 = acked.filter((a) => cluster.primariesOf(a.key).includes('n3'));
    expect(forN3.length).toBeGreaterThan(50);
    const held = hintsFor(cluster, 'n3');
    expect(total(held)).toBe(forN3.length);

    // The fallback holding the most hints crashes and restarts: its hints are on its disk.
    const [holder, count] = [...held].sort((a, b) => b[1] - a[1])[0]!;
    cluster.crash(holder);
    await cluster.restart(holder);
    expect(hintsFor(cluster, 'n3').get(holder)).toBe(count);

    await cluster.restart('n3');
    await cluster.runUntil(() => total(hintsFor(cluster, 'n3')) === 0, 30_000);

    // n3 alone now serves every key it is a primary for.
    for (const id of cluster.ids) if (id !== 'n3') cluster.crash(id);
    for (const a of forN3) {
      const r = await cluster.settle(cluster.get('n3', a.key, { r: 1, timeoutMs: 1000 }));
      expect(r.values.map((v) => v.toString())).toContain(a.value);
    }
  });

  it('strict requests count primaries only', async () => {
    const cluster = new SimCluster({ seed: 5 });
    await cluster.start();
    cluster.crash('n2');
    await cluster.runFor(3000);
    const key = Array.from({ length: 100 }, (_, i) => `s-${i}`).find((k) => cluster.primariesOf(k).includes('n2'))!;
    const coordinator = cluster.primariesOf(key).find((id) => id !== 'n2')!;
    // w = 3 is met by a fallback standing in for n2...
    const sloppy = await cluster.settle(cluster.put(coordinator, key, 'v', { w: 3 }));
    expect(sloppy.receipt?.replies.some((r) => r.role === 'fallback' && r.forNode === 'n2' && r.ok)).toBe(true);
    // ...but not when only primaries count.
    const strict = await cluster.settle(cluster.put(coordinator, key, 'v2', { w: 3, strict: true })).then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );
    expect(strict).toBe('UNAVAILABLE');
  });
});
