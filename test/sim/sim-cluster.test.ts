import { describe, expect, it } from 'vitest';
import { RingError } from '../../src/common/errors.js';
import { SimCluster } from '../../src/sim/sim-cluster.js';
import { errorCode, keyCountMismatches, readBack, writeUniqueKeys } from './workload.js';

/** A run with faults: delays, drops, duplicates, skewed clocks, a crash and a restart. */
async function scenario(seed: number): Promise<{ hash: string; results: string }> {
  const cluster = new SimCluster({
    seed,
    network: { delayMs: [1, 10], dropProbability: 0.02, duplicateProbability: 0.02 },
    clockSkewMs: 500,
  });
  await cluster.start();
  const rng = cluster.random.fork('workload');
  const first = await writeUniqueKeys(cluster, rng, { count: 60, prefix: 'a', spreadMs: 200 });
  cluster.crash('n3');
  const second = await writeUniqueKeys(cluster, rng, { count: 40, prefix: 'b', spreadMs: 200 });
  await cluster.restart('n3');
  const read = await readBack(cluster, rng, [...first.acked, ...second.acked]);
  const results = JSON.stringify({ first, second, read, now: cluster.now() });
  return { hash: cluster.traceHash(), results };
}

describe('simulated cluster', () => {
  it('replays a seed exactly: same trace hash and results; another seed gives another hash', async () => {
    const a = await scenario(7);
    const b = await scenario(7);
    const c = await scenario(8);
    expect(b.hash).toBe(a.hash);
    expect(b.results).toBe(a.results);
    expect(c.hash).not.toBe(a.hash);
  });

  it('replays exactly while unrelated real macrotasks and microtasks run in the same process', async () => {
    const quiet = await scenario(11);
    let noise = 0;
    const timer = setInterval(() => {
      noise++;
      void Promise.resolve().then(() => setImmediate(() => noise++));
    }, 0);
    try {
      const noisy = await scenario(11);
      expect(noisy.hash).toBe(quiet.hash);
      expect(noisy.results).toBe(quiet.results);
    } finally {
      clearInterval(timer);
    }
    expect(noise).toBeGreaterThan(0);
  });

  it('reads back every one of 300 unique-key quorum writes sent through random coordinators', async () => {
    const cluster = new SimCluster({ seed: 300 });
    await cluster.start();
    const rng = cluster.random.fork('workload');
    const { acked, failures } = await writeUniqueKeys(cluster, rng, { count: 300, prefix: 'k', spreadMs: 500 });
    expect(failures).toEqual([]);
    expect(acked).toHaveLength(300);
    const coordinators = new Set(acked.map((a) => a.coordinator));
    expect(coordinators.size).toBe(5);
    const { lost, unreadable } = await readBack(cluster, rng, acked, 1);
    expect(lost).toEqual([]);
    expect(unreadable).toEqual([]);
    await cluster.runFor(1000); // let read repair finish
    expect(keyCountMismatches(cluster)).toEqual([]);
    expect(cluster.logs.entries('error')).toEqual([]);
  });

  it('keeps blind writes through two coordinators as 2 siblings and resolves them with the merged context', async () => {
    const cluster = new SimCluster({ seed: 3 });
    await cluster.start();
    const key = 'contended';
    const [a, b] = cluster.primariesOf(key);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    await cluster.settle(cluster.put(a!, key, 'left'));
    await cluster.settle(cluster.put(b!, key, 'right'));
    const read = await cluster.settle(cluster.get(a!, key));
    expect(read.values.map(String).sort()).toEqual(['left', 'right']);
    await cluster.settle(cluster.put(b!, key, 'merged', { context: read.context }));
    const after = await cluster.settle(cluster.get(a!, key, { consistency: 'all' }));
    expect(after.values.map(String)).toEqual(['merged']);
  });

  it('with one node crashed serves quorum writes and reads, and fails consistency=all with UNAVAILABLE naming it', async () => {
    const cluster = new SimCluster({ seed: 4 });
    await cluster.start();
    cluster.crash('n2');
    const rng = cluster.random.fork('workload');
    const { acked, failures } = await writeUniqueKeys(cluster, rng, { count: 100, prefix: 'd', spreadMs: 200 });
    expect(failures).toEqual([]);
    const { lost, unreadable } = await readBack(cluster, rng, acked, 1);
    expect(lost).toEqual([]);
    expect(unreadable).toEqual([]);

    const key = acked.map((a) => a.key).find((k) => cluster.primariesOf(k).includes('n2'));
    expect(key).toBeDefined();
    const coordinator = cluster.primariesOf(key!).find((id) => id !== 'n2')!;
    const err = await cluster.settle(cluster.put(coordinator, key!, 'all-or-nothing', { consistency: 'all' })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RingError);
    expect((err as RingError).code).toBe('UNAVAILABLE');
    expect((err as RingError).details.missing).toContain('n2');

    // Through a node that is not a replica of the key, the forwarded write's error keeps its details.
    const outsider = cluster.ids.find((id) => id !== 'n2' && !cluster.primariesOf(key!).includes(id))!;
    const forwarded = await cluster.settle(cluster.put(outsider, key!, 'via-outsider', { consistency: 'all' })).then(
      () => null,
      (e: unknown) => e,
    );
    expect((forwarded as RingError).code).toBe('UNAVAILABLE');
    expect((forwarded as RingError).details.missing).toContain('n2');
  });

  it('gives a node that crashed a new actor, so dots it issued but lost are never issued again', async () => {
    // Found by seed 69: a coordinator crashed before its own copy of a write was durable, came back
    // under the same actor with its counter one behind, and gave the same dot to the next write;
    // the merge kept one of the two values and an acknowledged write vanished.
    const cluster = new SimCluster({ seed: 9 });
    await cluster.start();
    const key = Array.from({ length: 100 }, (_, i) => `dot-${i}`).find((k) => cluster.primariesOf(k)[0] === 'n2')!;
    const before = cluster.node('n2').actor;
    // Acknowledged by the other primaries (W=2) while n2's own copy is still in its disk queue.
    const first = cluster.put('n2', key, 'first');
    await cluster.runFor(8);
    cluster.crash('n2');
    await cluster.settle(first).catch(() => undefined);
    await cluster.restart('n2');
    expect(cluster.node('n2').actor).not.toBe(before);
    await cluster.settle(cluster.put('n2', key, 'second'));
    await cluster.runFor(2000);
    const read = await cluster.settle(cluster.get(cluster.primariesOf(key)[1]!, key, { consistency: 'all' }));
    expect(read.values.map((v) => v.toString()).sort()).toContain('second');
  });

  it('gives a node restarted on wiped data a new actor and keeps a blind write through it', async () => {
    const cluster = new SimCluster({ seed: 5 });
    await cluster.start();
    const rng = cluster.random.fork('workload');
    const { acked } = await writeUniqueKeys(cluster, rng, { count: 60, prefix: 'e', spreadMs: 100 });
    const before = cluster.node('n1').actor;
    cluster.crash('n1');
    await cluster.restart('n1', { wipe: true });
    expect(cluster.node('n1').actor).not.toBe(before);
    expect(cluster.slot('n1').storage.countData()).toBe(0);

    // A key n1 replicated before the wipe: its old version lives on at the other primaries.
    const old = acked.find((a) => cluster.primariesOf(a.key).includes('n1'))!;
    expect(old).toBeDefined();
    await cluster.settle(cluster.put('n1', old.key, 'after-wipe'));
    const read = await cluster.settle(cluster.get('n3', old.key));
    expect(read.values.map(String)).toContain('after-wipe');
    expect(read.values.map(String)).toContain(old.value); // a blind write supersedes nothing

    const { lost, unreadable } = await readBack(cluster, rng, acked, 1);
    expect(lost).toEqual([]);
    expect(unreadable).toEqual([]);
  });

  it('refuses client calls to a crashed node and fails calls in flight when it crashes', async () => {
    const cluster = new SimCluster({ seed: 6 });
    await cluster.start();
    const inflight = cluster.put('n1', 'x', 'y').then(
      () => 'ok',
      (e: unknown) => errorCode(e),
    );
    await cluster.runFor(2); // the call has reached n1, the replicas have not all answered
    cluster.crash('n1');
    expect(await cluster.settle(inflight)).toBe('UNAVAILABLE');
    const refused = await cluster.settle(cluster.get('n1', 'x')).then(
      () => 'ok',
      (e: unknown) => errorCode(e),
    );
    expect(refused).toBe('UNAVAILABLE');
  });
});
