/**
 * The SDK's stream transport against an in-process KV.Stream server whose replies the test
 * controls: correlation, errors, aborts and deadlines without breaking the stream, and how a
 * broken or never-established stream is classified for the retry rules.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf } from '../../src/client/grpc-errors.js';
import { NodeStream } from '../../src/client/node-stream.js';
import { RingError } from '../../src/common/errors.js';
import type { KVClient } from '../../src/gen/ringkv/v1/KV.js';
import type { KvFrame, KvFrame__Output } from '../../src/gen/ringkv/v1/KvFrame.js';
import type { KvMessage, KvMessage__Output } from '../../src/gen/ringkv/v1/KvMessage.js';
import { FramedServer, type FramedServerCall } from '../../src/node/io/framed-server.js';
import { FRAMED_METADATA_KEY, type FramedEndpoint, framedMetadataValue } from '../../src/proto/framed.js';
import { ringkvProto } from '../../src/proto/load.js';
import { kvFrameCodec } from '../../src/proto/stream-codec.js';

type Call = grpc.ServerDuplexStream<KvFrame__Output, KvFrame>;
/** Decides the reply to one request; null keeps it unanswered. */
type Behaviour = (m: KvMessage__Output, call: Call) => KvMessage | null;

const receipt = { coordinator: 'n1', replies: [], readRepair: false, required: 2, n: 3 };
const echo: Behaviour = (m) =>
  m.body === 'get'
    ? { id: m.id, getReply: { found: true, values: [m.get!.key], context: 'c', receipt } }
    : { id: m.id, putReply: { context: `ctx-${m.put?.value?.toString() ?? 'deleted'}`, receipt } };

interface Fixture {
  server: grpc.Server;
  client: KVClient;
  stream: NodeStream;
  opened: number;
  frames: number;
}

const fixtures: Fixture[] = [];

async function start(
  behaviour: Behaviour,
  metadata: () => grpc.Metadata = () => new grpc.Metadata(),
): Promise<Fixture> {
  const v1 = ringkvProto().ringkv.v1;
  const server = new grpc.Server();
  const f = { server } as Fixture;
  f.opened = 0;
  f.frames = 0;
  server.addService(v1.KV.service, {
    Stream: (call: Call) => {
      f.opened++;
      call.sendMetadata(metadata());
      call.on('data', (frame: KvFrame__Output) => {
        f.frames++;
        const replies = frame.messages.map((m) => behaviour(m, call)).filter((r): r is KvMessage => r !== null);
        if (replies.length > 0) call.write({ messages: replies });
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err === null ? resolve(p) : reject(err),
    ),
  );
  f.client = new v1.KV(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  f.stream = new NodeStream(f.client, `127.0.0.1:${port}`, true);
  fixtures.push(f);
  return f;
}

const framedServers: FramedServer[] = [];

/** A framed listener answering KV frames with `behaviour`; counts the frames it receives. */
async function framedKv(behaviour: Behaviour): Promise<{ endpoint: FramedEndpoint; frames: () => number }> {
  let frames = 0;
  const serve = (raw: FramedServerCall<never>) => {
    const call = raw as unknown as FramedServerCall<KvFrame>;
    call.sendMetadata();
    call.on('data', (frame: KvFrame__Output) => {
      frames++;
      const replies = frame.messages.map((m) => behaviour(m, null as never)).filter((r): r is KvMessage => r !== null);
      if (replies.length > 0) call.write({ messages: replies });
    });
    call.on('end', () => call.end());
  };
  const server = new FramedServer(
    Buffer.alloc(16, 3),
    { peer: kvFrameCodec() as never, kv: kvFrameCodec() as never },
    {
      peer: serve,
      kv: serve,
    },
  );
  framedServers.push(server);
  return { endpoint: await server.listen('127.0.0.1'), frames: () => frames };
}

function announcing(endpoint: FramedEndpoint): () => grpc.Metadata {
  return () => {
    const md = new grpc.Metadata();
    md.set(FRAMED_METADATA_KEY, framedMetadataValue(endpoint));
    return md;
  };
}

afterEach(() => {
  for (const s of framedServers.splice(0)) {
    s.stopAccepting();
    s.destroyAll();
  }
  for (const f of fixtures.splice(0)) {
    f.stream.close();
    f.client.close();
    f.server.forceShutdown();
  }
});

const soon = (ms = 5000) => Date.now() + ms;

async function rejection(p: Promise<unknown>): Promise<RingError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RingError);
  return err as RingError;
}

describe('NodeStream', () => {
  it('moves to the framed stream the node announces, and keeps serving on it', async () => {
    const framed = await framedKv(echo);
    const f = await start(echo, announcing(framed.endpoint));
    expect((await f.stream.get('n1', { key: Buffer.from('first') }, soon(), undefined)).values[0]!.toString()).toBe(
      'first',
    );
    const grpcFrames = f.frames;
    const deadline = Date.now() + 5000;
    while (framed.frames() === 0 && Date.now() < deadline) {
      await f.stream.get('n1', { key: Buffer.from('probe') }, soon(), undefined);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(framed.frames()).toBeGreaterThan(0);
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const results = await Promise.all(keys.map((k) => f.stream.get('n1', { key: Buffer.from(k) }, soon(), undefined)));
    expect(results.map((r) => r.values[0]!.toString())).toEqual(keys);
    expect(
      (await f.stream.write('n1', { key: Buffer.from('p'), value: Buffer.from('v') }, soon(), undefined)).context,
    ).toBe('ctx-v');
    // Nothing more went over gRPC once the framed stream was in use, and no stream was reopened.
    expect(f.frames).toBeLessThanOrEqual(grpcFrames + 1);
    expect(f.opened).toBe(1);
  });

  it('stays on gRPC when the announced framed port cannot be reached', async () => {
    const framed = await framedKv(echo);
    const server = framedServers.pop()!;
    server.stopAccepting();
    server.destroyAll();
    const f = await start(echo, announcing(framed.endpoint));
    for (let i = 0; i < 20; i++) {
      const r = await f.stream.get('n1', { key: Buffer.from(`k${i}`) }, soon(), undefined);
      expect(r.values[0]!.toString()).toBe(`k${i}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(f.opened).toBe(1);
    expect(f.frames).toBe(20);
  });

  it('multiplexes concurrent requests on one stream and correlates the replies', async () => {
    const f = await start(echo);
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const gets = keys.map((k) => f.stream.get('n1', { key: Buffer.from(k) }, soon(), undefined));
    const put = f.stream.write('n1', { key: Buffer.from('p'), value: Buffer.from('v') }, soon(), undefined);
    const del = f.stream.write('n1', { key: Buffer.from('p'), context: '' }, soon(), undefined);
    const results = await Promise.all(gets);
    expect(results.map((r) => r.values[0]!.toString())).toEqual(keys);
    expect((await put).context).toBe('ctx-v');
    expect((await del).context).toBe('ctx-deleted');
    expect(f.opened).toBe(1);
    // Requests made in one turn share frames.
    expect(f.frames).toBeLessThan(10);
  });

  it('turns an error reply into the RingError, marked as coming from the node', async () => {
    const f = await start((m) => ({
      id: m.id,
      error: { code: 'INVALID_ARGUMENT', message: 'key must not be empty', field: 'key', limit: 0, missing: [] },
    }));
    const err = await rejection(f.stream.get('n1', { key: Buffer.alloc(0) }, soon(), undefined));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details.field).toBe('key');
    expect(failureOf(err)?.fromNode).toBe(true);
  });

  it('completes an aborted request with ABORTED and keeps the stream for the next ones', async () => {
    const f = await start((m) => (m.get?.key?.toString() === 'slow' ? null : echo(m, null as never)));
    const ac = new AbortController();
    const slow = f.stream.get('n1', { key: Buffer.from('slow') }, soon(), ac.signal);
    await f.stream.get('n1', { key: Buffer.from('warm') }, soon(), undefined); // the slow one is on the wire
    ac.abort();
    const err = await rejection(slow);
    expect(err.code).toBe('ABORTED');
    expect(failureOf(err)?.undelivered).toBe(false);
    const after = await f.stream.get('n1', { key: Buffer.from('after') }, soon(), undefined);
    expect(after.values[0]!.toString()).toBe('after');
    expect(f.opened).toBe(1);
    expect(f.stream.inflight).toBe(0);
  });

  it('rejects at once when the signal has already fired', async () => {
    const f = await start(echo);
    const err = await rejection(f.stream.get('n1', { key: Buffer.from('k') }, soon(), AbortSignal.abort()));
    expect(err.code).toBe('ABORTED');
    expect(f.opened).toBe(0);
  });

  it('fails a request with TIMEOUT at its deadline, and the stream stays usable', async () => {
    const f = await start((m) => (m.get?.key?.toString() === 'never' ? null : echo(m, null as never)));
    const started = Date.now();
    const err = await rejection(f.stream.get('n1', { key: Buffer.from('never') }, soon(150), undefined));
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.details.missing).toEqual(['n1']);
    expect((await f.stream.get('n1', { key: Buffer.from('ok') }, soon(), undefined)).found).toBe(true);
    expect(f.opened).toBe(1);
  });

  it('fails requests on a broken established stream as delivered (outcome unknown), then reconnects', async () => {
    let broken = false;
    const f = await start((m, call) => {
      if (!broken && m.body === 'put') {
        broken = true;
        call.emit('error', { code: grpc.status.INTERNAL, details: 'boom' });
        return null;
      }
      return echo(m, call);
    });
    await f.stream.get('n1', { key: Buffer.from('a') }, soon(), undefined);
    const err = await rejection(
      f.stream.write('n1', { key: Buffer.from('p'), value: Buffer.from('v') }, soon(), undefined),
    );
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/outcome of a write is unknown/);
    expect(failureOf(err)).toMatchObject({ fromNode: false, undelivered: false });
    const again = await f.stream.write('n1', { key: Buffer.from('p'), value: Buffer.from('w') }, soon(), undefined);
    expect(again.context).toBe('ctx-w');
    expect(f.opened).toBe(2);
  });

  it('fails requests to a node that refuses connections as undelivered, and fast while it stays down', async () => {
    const v1 = ringkvProto().ringkv.v1;
    const client = new v1.KV('127.0.0.1:1', grpc.credentials.createInsecure());
    const stream = new NodeStream(client, '127.0.0.1:1', true);
    try {
      const err = await rejection(
        stream.write('n9', { key: Buffer.from('k'), value: Buffer.from('v') }, soon(), undefined),
      );
      expect(err.code).toBe('UNAVAILABLE');
      expect(failureOf(err)).toMatchObject({ fromNode: false, undelivered: true });
      const t = Date.now();
      const again = await rejection(stream.get('n9', { key: Buffer.from('k') }, soon(), undefined));
      expect(failureOf(again)?.undelivered).toBe(true);
      expect(Date.now() - t).toBeLessThan(50);
    } finally {
      stream.close();
      client.close();
    }
  });

  it('fails everything outstanding when closed', async () => {
    const f = await start(() => null);
    const pending = f.stream.get('n1', { key: Buffer.from('k') }, soon(), undefined);
    await new Promise((r) => setTimeout(r, 50));
    f.stream.close();
    expect((await rejection(pending)).code).toBe('UNAVAILABLE');
  });
});
