/**
 * Network partitions between real node processes, each in its own network namespace (Linux, root).
 * The harness verifies every cut with TCP connects; these tests check what the nodes make of it:
 * failure detection across the cut, sloppy quorum with hints on the majority side, and the hints
 * draining after the heal. Also the harness's own cleanup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus, RingClient } from '../../src/client/index.js';
import { retryTransient, waitFor } from '../harness/async.js';
import { NetnsCluster } from '../harness/netns-cluster.js';
import { cleanupLeftovers, NetnsNetwork, sh } from '../harness/netns-network.js';
import { RawKv } from '../harness/raw-kv.js';
import { netnsUnavailable, requireOrSkip } from '../harness/requirements.js';

const available = requireOrSkip('network namespaces (root, ip, iptables)', await netnsUnavailable());

/** Hints held across the cluster for `target`. */
function pendingFor(status: ClusterStatus, target: string): number {
  return status.members.reduce((sum, m) => sum + (m.hints.find((h) => h.nodeId === target)?.count ?? 0), 0);
}

/** How `observer` sees `peer` in its own status, via the client (which reaches every node). */
function peerState(status: ClusterStatus, observer: string, peer: string): string | undefined {
  return status.members.find((m) => m.id === observer)?.peers.find((p) => p.nodeId === peer)?.state;
}

describe.runIf(available)('network partitions between nodes in their own namespaces', () => {
  let cluster: NetnsCluster;
  let client: RingClient;

  beforeAll(async () => {
    cluster = await NetnsCluster.start({ nodes: 5 });
    client = await cluster.client();
  });

  afterAll(async () => {
    client?.close();
    await cluster?.destroy();
  });

  it('before any cut, every node reaches every other one', async () => {
    const probes = await cluster.verify();
    expect(probes.size).toBe(20);
    expect([...probes.values()].every((p) => p === 'open')).toBe(true);
  });

  it('an isolated node is seen down by the others and sees them down; the majority writes with hints; the hints drain after the heal', async () => {
    const victim = 'n5';
    await cluster.isolate(victim);
    await waitFor('both sides detect the cut', 30_000, async () => {
      const s = await client.status();
      return peerState(s, 'n1', victim) === 'down' && peerState(s, victim, 'n1') === 'down';
    });
    const raw = new RawKv(cluster.nodes.address('n1'));
    const keys = Array.from({ length: 400 }, (_, i) => `isolated:${i}`).filter((k) =>
      client.replicasFor(k).some((r) => r.role === 'primary' && r.nodeId === victim),
    );
    try {
      for (const key of keys)
        await raw.put({ key: Buffer.from(key), value: Buffer.from(`v:${key}`), options: { w: 2 } });
    } finally {
      raw.close();
    }
    expect(keys.length).toBeGreaterThan(100);
    // A write replies at W, possibly before its fallback has stored the hint: wait, then count exactly.
    await waitFor('every hint stored', 10_000, async () => pendingFor(await client.status(), victim) >= keys.length);
    expect(pendingFor(await client.status(), victim)).toBe(keys.length);
    await cluster.heal();
    const ms = await waitFor('hints drain after the heal', 30_000, async () => {
      return pendingFor(await client.status(), victim) === 0;
    });
    console.log(`isolated ${victim}: ${keys.length} hinted writes drained ${ms} ms after the heal`);
    await waitFor('every peer up again', 30_000, async () => {
      const s = await client.status();
      return s.members.every((m) => m.peers.every((p) => p.state === 'up'));
    });
    for (const key of keys.slice(0, 50)) {
      // A coordinator's own link to the healed node may still be in its reconnect backoff.
      const read = await retryTransient(20_000, () => client.get(key, { consistency: 'all' }));
      expect(read.values.map(String)).toEqual([`v:${key}`]);
    }
  });

  it('halves: each side sees the other down, and the heal brings every peer back up', async () => {
    await cluster.halves();
    await waitFor('the halves detect each other down', 30_000, async () => {
      const s = await client.status();
      return (
        peerState(s, 'n1', 'n3') === 'down' && peerState(s, 'n5', 'n2') === 'down' && peerState(s, 'n1', 'n2') === 'up'
      );
    });
    await cluster.heal();
    await waitFor('every peer up again', 30_000, async () => {
      const s = await client.status();
      return s.members.every((m) => m.peers.every((p) => p.state === 'up'));
    });
  });

  it('bridge: the two sides are cut from each other and both reach the middle node', async () => {
    await cluster.bridge(['n1', 'n2'], 'n3', ['n4', 'n5']);
    const probes = await cluster.verify();
    expect(probes.get('n1>n4')).toBe('timeout');
    expect(probes.get('n5>n2')).toBe('timeout');
    expect(probes.get('n1>n3')).toBe('open');
    expect(probes.get('n5>n3')).toBe('open');
    await cluster.heal();
  });

  it('a killed node is refused, not cut: the verification tells the two apart', async () => {
    await cluster.nodes.kill('n2');
    const probes = await cluster.verify();
    expect(probes.get('n1>n2')).toBe('refused');
    await cluster.nodes.startNode('n2');
  });
});

describe.runIf(available)('test network hygiene', () => {
  it('removes the namespaces, veths, bridge and FORWARD rule it made', async () => {
    const net = await NetnsNetwork.create(['a', 'b']);
    expect(await sh('ip', ['netns', 'list'])).toContain(net.namespace('a'));
    await net.destroy();
    expect(await sh('ip', ['netns', 'list'])).not.toContain(net.namespace('a'));
    expect(await sh('ip', ['-o', 'link', 'show'])).not.toContain(net.bridge);
    expect(await sh('iptables', ['-w', '-S', 'FORWARD'])).not.toContain(`rkvt-${process.pid}`);
    // The next network of this process takes names of its own: the veths of a deleted namespace
    // linger while a process in it is still exiting, and a reused name would then collide.
    const next = await NetnsNetwork.create(['a']);
    try {
      expect(next.namespace('a')).not.toBe(net.namespace('a'));
      expect(next.bridge).not.toBe(net.bridge);
    } finally {
      await next.destroy();
    }
  });

  it("removes leftovers of a crashed run (dead owner), and never another live run's", async () => {
    const deadPid = 4_194_399; // above the kernel's pid_max: never a live process
    const leftover = `rkvt-${deadPid}-n1`;
    const live = `rkvt-${process.ppid}-n1`;
    await sh('ip', ['netns', 'add', leftover]);
    await sh('ip', ['netns', 'add', live]);
    await sh('ip', ['link', 'add', `rkb${deadPid}`, 'type', 'bridge']);
    try {
      const removed = await cleanupLeftovers();
      expect(removed).toEqual(expect.arrayContaining([leftover, `rkb${deadPid}`]));
      const list = await sh('ip', ['netns', 'list']);
      expect(list).not.toContain(leftover);
      expect(list).toContain(live);
    } finally {
      await sh('ip', ['netns', 'del', live]);
    }
  });
});
