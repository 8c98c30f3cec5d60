/**
 * PeerLink against an in-process Peer.Exchange server that announces a framed listener: requests
 * move to the framed stream once it is accepted, the gRPC stream is ended after answering what it
 * carried, a framed stream that breaks fails its requests with an unknown outcome, and the link
 * comes back on gRPC and upgrades again after the re-upgrade delay.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAMED_REUPGRADE_MS } from '../../src/client/framed-client.js';
import type { PeerClient } from '../../src/gen/ringkv/v1/Peer.js';
import type { PeerBatch, PeerBatch__Output } from '../../src/gen/ringkv/v1/PeerBatch.js';
import type { PeerMessage, PeerMessage__Output } from '../../src/gen/ringkv/v1/PeerMessage.js';
import type { Logger, PeerReply } from '../../src/node/env.js';
import { FramedServer, type FramedServerCall } from '../../src/node/io/framed-server.js';
import { replyToWire, requestFromWire } from '../../src/node/io/peer-codec.js';
import { PeerLink } from '../../src/node/io/peer-link.js';
import { FRAMED_METADATA_KEY, framedMetadataValue } from '../../src/proto/framed.js';
import { ringkvProto } from '../../src/proto/load.js';
import { peerBatchCodec } from '../../src/proto/stream-codec.js';

type Call = grpc.ServerDuplexStream<PeerBatch__Output, PeerBatch>;

/** Answers a replicaGet with its key as the state; `hold` keeps a request unanswered. */
function answer(m: PeerMessage__Output, via: string): PeerMessage[] {
  const request = requestFromWire(m);
  if (request?.type !== 'replicaGet') return [];
  if (Buffer.from(request.key).toString() === 'hold') return [];
  const reply: PeerReply = {
    type: 'replicaReply',
    found: true,
    state: Buffer.from(`${via}:${Buffer.from(request.key)}`),
  };
  return [replyToWire(m.id, reply)];
}

interface Fixture {
  grpcServer: grpc.Server;
  framed: FramedServer;
  link: PeerLink;
  grpcStreams: number;
  grpcEnded: number;
  framedStreams: number;
}

const fixtures: Fixture[] = [];

afterEach(() => {
  for (const f of fixtures.splice(0)) {
    f.link.close();
    f.framed.stopAccepting();
    f.framed.destroyAll();
    f.grpcServer.forceShutdown();
  }
});

async function start(log: Logger | null = null): Promise<Fixture> {
  const f = { grpcStreams: 0, grpcEnded: 0, framedStreams: 0 } as Fixture;
  f.framed = new FramedServer(
    Buffer.alloc(16, 5),
    { peer: peerBatchCodec() as never, kv: peerBatchCodec() as never },
    {
      peer: (raw: FramedServerCall<never>) => {
        const call = raw as unknown as FramedServerCall<PeerBatch>;
        f.framedStreams++;
        call.sendMetadata();
        call.on('data', (batch: PeerBatch__Output) => {
          const messages = batch.messages.flatMap((m) => answer(m, 'framed'));
          if (messages.length > 0) call.write({ from: 'n2', messages });
        });
        call.on('end', () => call.end());
      },
      kv: () => {},
    },
  );
  const endpoint = await f.framed.listen('127.0.0.1');
  const v1 = ringkvProto().ringkv.v1;
  f.grpcServer = new grpc.Server();
  f.grpcServer.addService(v1.Peer.service, {
    Exchange: (call: Call) => {
      f.grpcStreams++;
      const md = new grpc.Metadata();
      md.set(FRAMED_METADATA_KEY, framedMetadataValue(endpoint));
      call.sendMetadata(md);
      call.on('data', (batch: PeerBatch__Output) => {
        const messages = batch.messages.flatMap((m) => answer(m, 'grpc'));
        if (messages.length > 0) call.write({ from: 'n2', messages });
      });
      call.on('end', () => {
        f.grpcEnded++;
        call.end();
      });
      call.on('error', () => undefined);
    },
    Hello: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
  });
  const port = await new Promise<number>((resolve, reject) =>
    f.grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err === null ? resolve(p) : reject(err),
    ),
  );
  const address = `127.0.0.1:${port}`;
  const client = new v1.Peer(address, grpc.credentials.createInsecure()) as unknown as PeerClient;
  f.link = new PeerLink('n1', 'n2', client, address, true, log);
  fixtures.push(f);
  return f;
}

function get(f: Fixture, key: string, budgetMs = 2000): Promise<PeerReply> {
  return f.link.request({ type: 'replicaGet', key: Buffer.from(key), forNode: '' }, budgetMs);
}

function stateOf(reply: PeerReply): string {
  return reply.type === 'replicaReply' ? Buffer.from(reply.state).toString() : `${reply.type}:${JSON.stringify(reply)}`;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PeerLink over a framed stream', () => {
  it('moves requests to the framed stream and ends the gRPC one after it answered', async () => {
    const f = await start();
    expect(stateOf(await get(f, 'a'))).toBe('grpc:a');
    await until(() => f.framedStreams === 1, 2000);
    await until(async () => stateOf(await get(f, 'b')) === 'framed:b', 2000);
    await until(() => f.grpcEnded === 1, 2000);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => get(f, `k${i}`)));
    expect(replies.map(stateOf)).toEqual(Array.from({ length: 200 }, (_, i) => `framed:k${i}`));
    expect(f.grpcStreams).toBe(1);
  });

  it('fails what a broken framed stream carried as of unknown outcome, then upgrades again', async () => {
    const f = await start();
    await get(f, 'a');
    await until(async () => stateOf(await get(f, 'b')) === 'framed:b', 2000);
    const held = get(f, 'hold', 5000);
    await new Promise((r) => setTimeout(r, 50));
    f.framed.destroyAll();
    const reply = await held;
    expect(reply.type).toBe('error');
    if (reply.type === 'error') {
      expect(reply.code).toBe('UNAVAILABLE');
      expect(reply.undelivered).toBe(false);
    }
    // Back on a new gRPC stream at once; the framed listener is tried again after the delay.
    const broke = Date.now();
    await until(async () => stateOf(await get(f, 'c')) === 'grpc:c', 2000);
    expect(f.grpcStreams).toBe(2);
    await until(async () => stateOf(await get(f, 'd')) === 'framed:d', FRAMED_REUPGRADE_MS + 3000);
    expect(Date.now() - broke).toBeGreaterThanOrEqual(FRAMED_REUPGRADE_MS - 100);
    expect(f.framedStreams).toBe(2);
  });

  it('stays on gRPC when the framed listener refuses, and warns once', async () => {
    const lines: { level: string; obj: object; msg: string }[] = [];
    const log: Logger = {
      debug: (obj, msg = '') => lines.push({ level: 'debug', obj, msg }),
      info: (obj, msg = '') => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg = '') => lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg = '') => lines.push({ level: 'error', obj, msg }),
      child: () => log,
    };
    const f = await start(log);
    f.framed.stopAccepting();
    expect(stateOf(await get(f, 'a'))).toBe('grpc:a');
    await until(() => lines.length > 0, 3000);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('warn');
    expect(lines[0]!.msg).toMatch(/^no framed stream to the peer; staying on its gRPC stream/);
    expect(lines[0]!.obj).toMatchObject({ peer: 'n2' });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => get(f, `k${i}`)));
    expect(replies.map(stateOf)).toEqual(Array.from({ length: 50 }, (_, i) => `grpc:k${i}`));
    expect(f.framedStreams).toBe(0);
  });
});
