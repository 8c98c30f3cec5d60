/**
 * The SDK's stream transport against five real node processes: requests share one stream per
 * node, an abort or a deadline ends one request without breaking its stream, and when a node is
 * killed mid-stream its reads are retried on the next replica while writes are retried only
 * when they never reached it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RingClient, RingError } from '../../src/client/index.js';
import { ProcessCluster } from '../harness/process-cluster.js';

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

/** Keys whose first primary (the node the SDK sends them to) is `nodeId`. */
function keysCoordinatedBy(nodeId: string, prefix: string, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const k = `${prefix}:${i}`;
    if (client.replicasFor(k)[0]?.nodeId === nodeId) keys.push(k);
  }
  return keys;
}

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof RingError ? e.code : `not a RingError: ${String(e)}`),
  );
}

describe('the SDK over streams, against real nodes', () => {
  it('serves many concurrent requests, returning the same receipts as before', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `many:${i}`);
    const puts = await Promise.all(keys.map((k) => client.put(k, `v-${k}`)));
    for (const p of puts) expect(p.receipt.replies.filter((r) => r.ok).length).toBeGreaterThanOrEqual(2);
    const gets = await Promise.all(keys.map((k) => client.get(k)));
    expect(gets.map((g) => g.values.map(String))).toEqual(keys.map((k) => [`v-${k}`]));
    expect(gets[0]!.receipt.required).toBe(2);
    expect(gets[0]!.receipt.n).toBe(3);
  });

  it('completes aborted requests with ABORTED and keeps serving on the same streams', async () => {
    const ac = new AbortController();
    const keys = Array.from({ length: 300 }, (_, i) => `abort:${i}`);
    const inflight = keys.map((k) => outcome(client.put(k, 'v', { signal: ac.signal })));
    setTimeout(() => ac.abort(), 2);
    const outcomes = await Promise.all(inflight);
    expect(outcomes.every((o) => o === 'ok' || o === 'ABORTED')).toBe(true);
    expect(outcomes).toContain('ABORTED');
    const after = await Promise.all(keys.map((k) => outcome(client.get(k))));
    expect(after.every((o) => o === 'ok')).toBe(true);
  });

  it('honours the deadline of a request whose node does not answer', async () => {
    const victim = 'n2';
    const [key] = keysCoordinatedBy(victim, 'deadline', 1);
    cluster.pause(victim);
    try {
      const started = Date.now();
      const code = await outcome(client.put(key!, 'v', { timeoutMs: 400 }));
      const took = Date.now() - started;
      expect(code).toBe('TIMEOUT');
      expect(took).toBeGreaterThanOrEqual(390);
      expect(took).toBeLessThan(2000);
    } finally {
      cluster.resume(victim);
    }
    expect(await outcome(client.put(key!, 'after'))).toBe('ok');
  });

  it('retries reads on the next replica when a node is killed mid-stream', async () => {
    const victim = 'n4';
    const keys = keysCoordinatedBy(victim, 'killed', 60);
    await Promise.all(keys.map((k) => client.put(k, k)));
    let stop = false;
    const failures: string[] = [];
    let reads = 0;
    const reader = async (k: string) => {
      while (!stop) {
        const r = await client.get(k).catch((e: Error) => e);
        if (r instanceof Error) failures.push(`${k}: ${r.message}`);
        else {
          expect(r.values.map(String)).toEqual([k]);
          reads++;
        }
      }
    };
    const readers = keys.map(reader);
    await new Promise((r) => setTimeout(r, 300));
    const before = reads;
    await cluster.kill(victim);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(readers);
    expect(before).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(before);
    expect(failures).toEqual([]);
  });

  it('retries a write elsewhere once the dead node refuses connections, never one that may have landed', async () => {
    const victim = 'n4'; // killed by the test above
    const keys = keysCoordinatedBy(victim, 'after-kill', 20);
    const results = await Promise.all(keys.map((k) => client.put(k, 'v')));
    for (const r of results) expect(r.receipt.coordinator).not.toBe(victim);
    await cluster.startNode(victim);
    expect(await outcome(client.put(keys[0]!, 'back'))).toBe('ok');
  });
});
