/**
 * Issue "Foundation": five real `ringkv node` processes; reads and writes at every consistency
 * level, siblings and their resolution, deletes, a stopped node, and every kind of bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consistency, type RingClient, RingError } from '../../src/client/index.js';
import { pool } from '../harness/async.js';
import { ProcessCluster } from '../harness/process-cluster.js';
import { RawKv } from '../harness/raw-kv.js';

let cluster: ProcessCluster;
let client: RingClient;

beforeAll(async () => {
  cluster = await ProcessCluster.start({ nodes: 5 });
  client = await cluster.client();
});

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

async function expectRingError(p: Promise<unknown>, code: string, field?: string): Promise<RingError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RingError);
  const re = err as RingError;
  expect(re.code).toBe(code);
  if (field !== undefined) expect(re.details.field).toBe(field);
  return re;
}

async function expectHealthy(): Promise<void> {
  const status = await client.status();
  expect(status.members.filter((m) => m.state === 'serving').map((m) => m.id)).toEqual(cluster.ids);
  const key = `health-${Math.random()}`;
  await client.put(key, 'ok');
  expect((await client.get(key)).values.map(String)).toEqual(['ok']);
}

describe('a 5-node cluster of real processes', () => {
  it.each(['one', 'quorum', 'all'] as Consistency[])(
    'writes 1,000 keys at %s and reads every one back',
    async (level) => {
      const keys = Array.from({ length: 1000 }, (_, i) => `${level}:key:${i}`);
      await pool(keys, 32, async (k) => {
        const r = await client.put(k, `value of ${k}`, { consistency: level });
        expect(r.receipt.replies.filter((x) => x.ok).length).toBeGreaterThanOrEqual(r.receipt.required);
      });
      // Reads at the same level; a write at `one` is read at `all` so every replica is consulted.
      const readLevel: Consistency = level === 'one' ? 'all' : level;
      await pool(keys, 32, async (k) => {
        const r = await client.get(k, { consistency: readLevel });
        expect(r.found).toBe(true);
        expect(r.values.map(String)).toEqual([`value of ${k}`]);
      });
    },
  );

  it('keeps concurrent blind writes as siblings and resolves them with the merged context', async () => {
    const key = 'siblings:1';
    const [first, second] = client.replicasFor(key).filter((r) => r.role === 'primary');
    const a = new RawKv(first!.address);
    const b = new RawKv(second!.address);
    try {
      // Two coordinators, no context: neither write saw the other.
      await Promise.all([
        a.put({ key: Buffer.from(key), value: Buffer.from('from-a') }),
        b.put({ key: Buffer.from(key), value: Buffer.from('from-b') }),
      ]);
    } finally {
      a.close();
      b.close();
    }
    const read = await client.get(key, { consistency: 'all' });
    expect(read.values.map(String).sort()).toEqual(['from-a', 'from-b']);
    await client.put(key, 'merged', { context: read.context });
    const after = await client.get(key, { consistency: 'all' });
    expect(after.values.map(String)).toEqual(['merged']);
  });

  it('keeps blind writes through the SDK as siblings too', async () => {
    await client.put('siblings:2', 'x');
    await client.put('siblings:2', 'y');
    const r = await client.get('siblings:2');
    expect(r.values.map(String).sort()).toEqual(['x', 'y']);
  });

  it('reports a deleted key as not found, and lets it be written again', async () => {
    await client.put('deleted:1', 'soon gone');
    const read = await client.get('deleted:1');
    await client.delete('deleted:1', { context: read.context });
    const gone = await client.get('deleted:1', { consistency: 'all' });
    expect(gone.found).toBe(false);
    expect(gone.values).toEqual([]);
    await client.put('deleted:1', 'back', { context: gone.context });
    expect((await client.get('deleted:1')).values.map(String)).toEqual(['back']);
  });

  it('reports where a key lives', () => {
    const replicas = client.replicasFor('user:1');
    const primaries = replicas.filter((r) => r.role === 'primary');
    expect(primaries).toHaveLength(3);
    expect(new Set(primaries.map((p) => p.nodeId)).size).toBe(3);
    expect(replicas).toHaveLength(5);
  });

  describe('bad input gets a typed error naming the field, and the cluster keeps serving', () => {
    it('empty key', async () => {
      await expectRingError(client.put('', 'v'), 'INVALID_ARGUMENT', 'key');
      await expectRingError(client.get(''), 'INVALID_ARGUMENT', 'key');
    });

    it('key over 1 KiB', async () => {
      const err = await expectRingError(client.put('k'.repeat(1025), 'v'), 'TOO_LARGE', 'key');
      expect(err.details.limit).toBe(1024);
      expect(err.message).toMatch(/1025 bytes.*1024/);
    });

    it('value over 1 MiB', async () => {
      const err = await expectRingError(client.put('big', Buffer.alloc(1024 * 1024 + 1)), 'TOO_LARGE', 'value');
      expect(err.details.limit).toBe(1024 * 1024);
      // Exactly at the limit is accepted.
      await client.put('big', Buffer.alloc(1024 * 1024));
      expect((await client.get('big')).values[0]?.length).toBe(1024 * 1024);
    });

    it('r or w outside 1..N, in the SDK and at the node', async () => {
      await expectRingError(client.get('k', { r: 0 }), 'INVALID_ARGUMENT', 'r');
      await expectRingError(client.put('k', 'v', { w: 4 }), 'INVALID_ARGUMENT', 'w');
      const raw = new RawKv(cluster.addresses[0]!);
      try {
        const e1 = await raw.get({ key: Buffer.from('k'), options: { r: 9 } }).catch((e) => e);
        expect(e1.ringCode).toBe('INVALID_ARGUMENT');
        expect(e1.message).toMatch(/r must be between 1 and N=3/);
        const e2 = await raw.put({ key: Buffer.from('k'), value: Buffer.from('v'), options: { w: 4 } }).catch((e) => e);
        expect(e2.ringCode).toBe('INVALID_ARGUMENT');
        expect(e2.message).toMatch(/w must be between 1 and N=3/);
      } finally {
        raw.close();
      }
    });

    it('unknown consistency', async () => {
      const err = await expectRingError(
        client.put('k', 'v', { consistency: 'most' as Consistency }),
        'INVALID_ARGUMENT',
        'consistency',
      );
      expect(err.message).toMatch(/one, quorum, all/);
    });

    it('malformed and forged contexts', async () => {
      await expectRingError(client.put('k', 'v', { context: 'not a context!' }), 'INVALID_ARGUMENT', 'context');
      const real = (await client.put('ctx', 'v')).context;
      // Flip one character of a genuine context: the MAC no longer matches.
      const i = Math.floor(real.length / 2);
      const forged = real.slice(0, i) + (real[i] === 'A' ? 'B' : 'A') + real.slice(i + 1);
      await expectRingError(client.put('ctx', 'v2', { context: forged }), 'INVALID_ARGUMENT', 'context');
      await expectRingError(client.put('ctx', 'v2', { context: 'x'.repeat(20_000) }), 'INVALID_ARGUMENT', 'context');
      expect((await client.get('ctx')).values.map(String)).toEqual(['v']);
    });

    it('more than 100 siblings', async () => {
      for (let i = 0; i < 100; i++) await client.put('crowded', `v${i}`);
      const err = await expectRingError(client.put('crowded', 'one too many'), 'TOO_LARGE', 'siblings');
      expect(err.details.limit).toBe(100);
      const r = await client.get('crowded');
      expect(r.values).toHaveLength(100);
      await client.put('crowded', 'resolved', { context: r.context });
      expect((await client.get('crowded')).values.map(String)).toEqual(['resolved']);
    });

    it('the cluster is still healthy after all of them', async () => {
      await expectHealthy();
    });
  });

  describe('with one node stopped', () => {
    const victim = 'n3';
    let actorBefore = '';

    beforeAll(async () => {
      actorBefore = (await client.status()).members.find((m) => m.id === victim)!.actor;
      await cluster.stopNode(victim);
    });

    it('quorum writes and reads succeed for keys the stopped node replicates', async () => {
      const keys = Array.from({ length: 300 }, (_, i) => `down:${i}`).filter((k) =>
        client.replicasFor(k).some((r) => r.role === 'primary' && r.nodeId === victim),
      );
      expect(keys.length).toBeGreaterThan(50);
      await pool(keys, 16, async (k) => {
        await client.put(k, k, { consistency: 'quorum' });
        const r = await client.get(k, { consistency: 'quorum' });
        expect(r.values.map(String)).toEqual([k]);
        expect(r.receipt.replies.some((x) => x.nodeId === victim && x.ok)).toBe(false);
      });
    });

    it('`all` fails with UNAVAILABLE naming the stopped replica', async () => {
      const key = Array.from({ length: 100 }, (_, i) => `all:${i}`).find((k) =>
        client.replicasFor(k).some((r) => r.role === 'primary' && r.nodeId === victim),
      )!;
      const w = await expectRingError(client.put(key, 'v', { consistency: 'all' }), 'UNAVAILABLE');
      expect(w.details.missing).toContain(victim);
      expect(w.message).toContain(victim);
      const r = await expectRingError(client.get(key, { consistency: 'all' }), 'UNAVAILABLE');
      expect(r.details.missing).toContain(victim);
    });

    it('after the node returns, `all` works again', async () => {
      await cluster.startNode(victim);
      // A clean stop (SIGTERM) keeps the node's incarnation.
      expect((await client.status()).members.find((m) => m.id === victim)!.actor).toBe(actorBefore);
      const key = 'after-return';
      await client.put(key, 'v', { consistency: 'all' });
      expect((await client.get(key, { consistency: 'all' })).values.map(String)).toEqual(['v']);
    });
  });
});
