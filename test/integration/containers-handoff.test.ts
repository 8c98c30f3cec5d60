/**
 * The deploy/ image as a 5-node cluster of containers (testcontainers; needs a Docker engine):
 * one container killed, quorum writes stored as hints for it, the container started again and
 * its hints drained to zero, every write then read back from all replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus, RingClient } from '../../src/client/index.js';
import { retryTransient, waitFor } from '../harness/async.js';
import { buildTestImage, ContainerCluster } from '../harness/container-cluster.js';
import { dockerUnavailable, requireOrSkip } from '../harness/requirements.js';

const available = requireOrSkip('Docker', await dockerUnavailable());
const VICTIM = 'n3';

function pendingFor(status: ClusterStatus, target: string): number {
  return status.members.reduce((sum, m) => sum + (m.hints.find((h) => h.nodeId === target)?.count ?? 0), 0);
}

describe.runIf(available)('a 5-node cluster of containers from the deploy image', () => {
  let cluster: ContainerCluster;
  let client: RingClient;
  const written: string[] = [];

  beforeAll(async () => {
    await buildTestImage();
    cluster = await ContainerCluster.start(5);
    client = await cluster.client();
  }, 400_000);

  afterAll(async () => {
    client?.close();
    await cluster?.destroy();
  });

  it('serves: every container is a serving member', async () => {
    const status = await client.status();
    expect(status.members.map((m) => [m.id, m.state])).toEqual(cluster.ids.map((id) => [id, 'serving']));
  });

  it('with one container killed, quorum writes succeed and are held as hints for it', async () => {
    await cluster.kill(VICTIM);
    await waitFor(`the others see ${VICTIM} down`, 20_000, async () => {
      const s = await client.status();
      return s.members.find((m) => m.id === 'n1')?.peers.find((p) => p.nodeId === VICTIM)?.state === 'down';
    });
    const keys = Array.from({ length: 600 }, (_, i) => `container:${i}`).filter((k) =>
      client.replicasFor(k).some((r) => r.role === 'primary' && r.nodeId === VICTIM),
    );
    for (const key of keys) {
      await client.put(key, `v:${key}`, { consistency: 'quorum' });
      written.push(key);
    }
    expect(written.length).toBeGreaterThan(150);
    // A write replies at W, possibly before its fallback has stored the hint: wait, then count exactly.
    await waitFor('every hint stored', 10_000, async () => pendingFor(await client.status(), VICTIM) >= written.length);
    expect(pendingFor(await client.status(), VICTIM)).toBe(written.length);
  });

  it('after docker start, its hints drain to zero and every write reads back at all', async () => {
    await cluster.restart(VICTIM);
    const ms = await waitFor('hints drain', 30_000, async () => pendingFor(await client.status(), VICTIM) === 0);
    console.log(`containers: ${written.length} hints for ${VICTIM} drained ${ms} ms after it served again`);
    const missing: string[] = [];
    for (const key of written) {
      // A coordinator's own link to the restarted node may still be in its reconnect backoff.
      const r = await retryTransient(20_000, () => client.get(key, { consistency: 'all' }));
      if (!r.values.map(String).includes(`v:${key}`)) missing.push(key);
    }
    expect(missing).toEqual([]);
  });
});
