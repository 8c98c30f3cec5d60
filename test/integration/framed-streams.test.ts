/**
 * Framed streams between real node processes: nodes and the SDK move their streams to the framed
 * listener a node announces, a node started with RINGKV_FRAMED=0 stays on gRPC streams and still
 * replicates with the others, and a client that turns framing off is served over gRPC.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RingClient } from '../../src/client/index.js';
import { waitFor, waitForSteady } from '../harness/async.js';
import { freePorts } from '../harness/free-ports.js';
import { ProcessCluster } from '../harness/process-cluster.js';

const BIN = resolve(import.meta.dirname, '../../bin/ringkv.js');

let cluster: ProcessCluster;
let grpcOnly: RingClient;

beforeAll(async () => {
  cluster = await ProcessCluster.start({
    nodes: 3,
    env: (id) => (id === 'n3' ? { RINGKV_FRAMED: '0' } : {}),
  });
  grpcOnly = await RingClient.connect({ seeds: cluster.addresses, framedStreams: false });
});

afterAll(async () => {
  grpcOnly?.close();
  await cluster?.destroy();
});

/** Framed connections open on each node, by id. */
async function framedCounts(): Promise<Record<string, number>> {
  const status = await grpcOnly.status();
  return Object.fromEntries(status.members.map((m) => [m.id, m.framedStreams]));
}

/** Writes and reads back `count` keys through `client`: every key lives on all three nodes. */
async function roundTrip(client: RingClient, prefix: string, count: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
  await Promise.all(keys.map((k) => client.put(k, `v-${k}`, { consistency: 'all' })));
  const gets = await Promise.all(keys.map((k) => client.get(k, { consistency: 'all' })));
  expect(gets.map((g) => g.values.map(String))).toEqual(keys.map((k) => [`v-${k}`]));
  expect(gets.every((g) => g.receipt.replies.filter((r) => r.ok).length === 3)).toBe(true);
}

describe('framed streams', () => {
  it('carries replication between framed nodes and leaves the gRPC-only node on gRPC', async () => {
    // Writes at "all" go through every pair of nodes, so every peer link opens.
    await roundTrip(grpcOnly, 'peers', 200);
    // n1 and n2 each accept the other's peer link; n3 announces nothing and n3's own links do not
    // upgrade, so its connections stay gRPC on both sides.
    await waitForSteady('the peer links between n1 and n2 framed', 15_000, 1000, async () => {
      const c = await framedCounts();
      return c.n1 === 1 && c.n2 === 1 && c.n3 === 0;
    });
  });

  it('moves an SDK stream to each node that announces framing, and back to none when closed', async () => {
    const client = await RingClient.connect({ seeds: cluster.addresses });
    try {
      // The SDK sends each key to its first primary: enough keys reach all three nodes.
      await roundTrip(client, 'sdk', 300);
      await waitFor('the SDK streams to n1 and n2 framed', 15_000, async () => {
        const c = await framedCounts();
        return c.n1 === 2 && c.n2 === 2 && c.n3 === 0;
      });
      await roundTrip(client, 'sdk-again', 100);
    } finally {
      client.close();
    }
    await waitFor('the SDK framed streams closed', 15_000, async () => {
      const c = await framedCounts();
      return c.n1 === 1 && c.n2 === 1 && c.n3 === 0;
    });
  });

  it('keeps serving when a framed node restarts: links re-open and upgrade again', async () => {
    const client = await RingClient.connect({ seeds: cluster.addresses });
    try {
      await roundTrip(client, 'before-restart', 100);
      await cluster.kill('n1');
      await cluster.startNode('n1');
      // Until the others see n1 up again a write at "all" can fail: retry until it goes through.
      let round = 0;
      await waitFor('writes at "all" through the restarted n1', 30_000, () =>
        roundTrip(client, `after-restart-${round++}`, 100).then(
          () => true,
          () => false,
        ),
      );
      await waitFor('framing restored on n1 after its restart', 20_000, async () => {
        const c = await framedCounts();
        return c.n1 === 2 && c.n2 === 2;
      });
    } finally {
      client.close();
    }
  });
});

/** Runs one `ringkv node` with `--framed-port port` until `until` matches its output or it exits. */
async function soloNode(framedPort: number, until: RegExp): Promise<{ output: string; code: number | null }> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'ringkv-framed-port-'));
  const address = `127.0.0.1:${port}`;
  const args = ['node', '--id', 'solo', '--listen', address, '--data', join(dir, 'data'), '--seeds', address];
  const proc = spawn(process.execPath, [BIN, ...args, '--secret', 's', '--framed-port', String(framedPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    return await new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${until} within 20 s: ${output}`)), 20_000);
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (until.test(output)) {
          clearTimeout(timer);
          resolvePromise({ output, code: null });
        }
      };
      proc.stdout.on('data', seen);
      proc.stderr.on('data', seen);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolvePromise({ output, code });
      });
    });
  } finally {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('--framed-port', () => {
  it('listens for framed streams on the port given', async () => {
    const [framedPort] = await freePorts(1);
    const { output } = await soloNode(framedPort!, /serving framed streams/);
    expect(output).toMatch(new RegExp(`"port":${framedPort}[,}].*serving framed streams`));
  });

  it('refuses to start when that port is taken, naming the flag', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    try {
      const taken = (busy.address() as net.AddressInfo).port;
      const { output, code } = await soloNode(taken, /failed to start/);
      expect(output).toContain(`cannot listen for framed streams on port ${taken} (--framed-port)`);
      expect(output).toContain('EADDRINUSE');
      expect(code === null || code !== 0).toBe(true);
    } finally {
      busy.close();
    }
  });
});
