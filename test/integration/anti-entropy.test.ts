/**
 * Issue "anti-entropy": real node processes with hinted handoff disabled, so only anti-entropy
 * can repair. Diverged replicas converge, deletes stay deleted through tombstone removal, and a
 * node whose data directory was deleted is restored without any client read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterStatus, RingClient } from '../../src/client/index.js';
import { pool, waitFor } from '../harness/async.js';
import { ProcessCluster } from '../harness/process-cluster.js';

const GRACE_MS = 3000;
let cluster: ProcessCluster;
let client: RingClient;

beforeAll(async () => {
  cluster = await ProcessCluster.start({
    nodes: 5,
    extraArgs: ['--no-hinted-handoff', '--tombstone-grace-ms', String(GRACE_MS)],
  });
  client = await cluster.client();
});

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

const isPrimary = (key: string, node: string) =>
  client.replicasFor(key).some((r) => r.role === 'primary' && r.nodeId === node);

/** True when every node's last exchange found every partition equal to its peer's. */
function allInSync(status: ClusterStatus): boolean {
  return status.members.every(
    (m) => m.reachable && m.partitionsReplicated > 0 && m.partitionsInSync === m.partitionsReplicated,
  );
}

describe('anti-entropy with real processes (hinted handoff off)', () => {
  it('replicas that diverged while a node was stopped converge after it returns', async () => {
    const node = 'n4';
    await cluster.stopNode(node);
    const keys = Array.from({ length: 600 }, (_, i) => `diverged:${i}`);
    await pool(keys, 16, async (k) => {
      await client.put(k, k, { w: 1 });
    });
    const missed = keys.filter((k) => isPrimary(k, node));
    expect(missed.length).toBeGreaterThan(100);
    await cluster.startNode(node);
    const ms = await waitFor('every tree equal', 60_000, async () => allInSync(await client.status()));
    console.log(`${missed.length} keys missed by ${node}; all trees equal ${ms} ms after it returned`);
    const status = await client.status();
    expect(
      status.members.find((m) => m.id === node)!.keysRepaired + status.members.reduce((s, m) => s + m.keysRepaired, 0),
    ).toBeGreaterThan(0);
  });

  it('a key deleted while a replica was away stays deleted, before and after tombstone removal', async () => {
    const key = 'doomed:1';
    await client.put(key, 'alive', { consistency: 'all' });
    const away = client.replicasFor(key).find((r) => r.role === 'primary')!.nodeId;
    await cluster.stopNode(away);
    const read = await client.get(key);
    await client.delete(key, { context: read.context });
    await cluster.startNode(away);
    // The returning replica still holds "alive": anti-entropy must carry the tombstone to it.
    await waitFor(
      'the tombstone reaches every replica',
      60_000,
      async () => !(await client.get(key, { consistency: 'all' })).found,
    );
    // Then, once every primary holds it and the grace period passed, the tombstone is removed.
    await waitFor('tombstones removed', 60_000, async () =>
      (await client.status()).members.every((m) => m.tombstonesPending === 0),
    );
    const after = await client.get(key, { consistency: 'all' });
    expect(after.found).toBe(false);
    // More exchanges must not resurrect it.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await client.get(key, { consistency: 'all' })).found).toBe(false);
    // A key re-created after removal keeps its new value.
    await client.put(key, 'reborn');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await client.get(key, { consistency: 'all' })).values.map(String)).toEqual(['reborn']);
  });

  it('a node whose data directory was deleted is restored by anti-entropy alone', async () => {
    const node = 'n2';
    const keys = Array.from({ length: 10_000 }, (_, i) => `restore:${i}`);
    await pool(keys, 64, async (k) => {
      await client.put(k, `v:${k}`, { consistency: 'all' });
    });
    const mine = keys.filter((k) => isPrimary(k, node));
    await cluster.stopNode(node);
    cluster.wipe(node);
    const started = Date.now();
    await cluster.startNode(node);
    await waitFor(`${node} holds its keys again`, 240_000, async () => {
      const status = await client.status();
      const m = status.members.find((x) => x.id === node);
      return m !== undefined && m.keys >= mine.length && allInSync(status);
    });
    const ms = Date.now() - started;
    console.log(`anti-entropy restored ${mine.length} of 10,000 keys to a wiped ${node} in ${ms} ms`);
    // Check its data directly: with every other node stopped, it alone serves them at r = 1.
    for (const id of cluster.ids) if (id !== node) await cluster.stopNode(id);
    const alone = await RingClient.connect({ seeds: [cluster.address(node)] });
    try {
      const wrong: string[] = [];
      await pool(mine, 32, async (k) => {
        const r = await alone.get(k, { r: 1 });
        if (r.values.map(String).join() !== `v:${k}`) wrong.push(k);
      });
      expect(wrong).toEqual([]);
    } finally {
      alone.close();
    }
  }, 420_000);
});
