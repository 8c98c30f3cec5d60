import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../src/sim/sim-cluster.js';
import { decodeDvvSet, encodeDvvSet } from '../../src/versioning/dvv-codec.js';
import { isDeleted, liveValues } from '../../src/versioning/dvv-set.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("a replica's answer to a peer read", () => {
  it('carries the stored version in canonical form, a tombstone as found, and nothing for an absent key', async () => {
    const cluster = new SimCluster({ seed: 41 });
    await cluster.start();
    const key = new TextEncoder().encode('answered-as-stored');
    const [primary] = cluster.primariesOf(key);
    const node = cluster.node(primary!);
    const ask = () => cluster.settle(node.handlePeer('n0', { type: 'replicaGet', key, forNode: '' }, 1000));

    expect(await ask()).toMatchObject({ type: 'replicaReply', found: false, state: new Uint8Array(0) });

    await cluster.settle(cluster.put(primary!, key, 'v1', { consistency: 'all' }));
    const written = await ask();
    if (written.type !== 'replicaReply') throw new Error(`unexpected reply ${written.type}`);
    expect(written.found).toBe(true);
    const state = decodeDvvSet(written.state);
    expect(liveValues(state).map(text)).toEqual(['v1']);
    // The bytes are exactly what the codec makes of that state: a peer may compare them as bytes.
    expect(Buffer.from(encodeDvvSet(state)).equals(Buffer.from(written.state))).toBe(true);

    const read = await cluster.settle(cluster.get(primary!, key));
    await cluster.settle(cluster.delete(primary!, key, { context: read.context, consistency: 'all' }));
    const deleted = await ask();
    if (deleted.type !== 'replicaReply') throw new Error(`unexpected reply ${deleted.type}`);
    expect(deleted.found).toBe(true);
    expect(isDeleted(decodeDvvSet(deleted.state))).toBe(true);
  });
});
