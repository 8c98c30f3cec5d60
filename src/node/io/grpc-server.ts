/** Serves a RingNode over gRPC: the KV, Peer and Admin services of proto/ringkv/v1. */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { OverloadedError, RingError, TooLargeError, UnavailableError } from '../../common/errors.js';
import {
  KV_FRAME_BYTES_MAX,
  KV_FRAME_MESSAGES_MAX,
  KV_REPLY_OVERHEAD_BYTES,
  KV_STREAM_INFLIGHT_MAX,
  PEER_BATCH_MAX,
} from '../../common/limits.js';
import type { AdminHandlers } from '../../gen/ringkv/v1/Admin.js';
import type { KVHandlers } from '../../gen/ringkv/v1/KV.js';
import type { KvError } from '../../gen/ringkv/v1/KvError.js';
import type { KvFrame, KvFrame__Output } from '../../gen/ringkv/v1/KvFrame.js';
import type { KvMessage, KvMessage__Output } from '../../gen/ringkv/v1/KvMessage.js';
import type { PeerHandlers } from '../../gen/ringkv/v1/Peer.js';
import type { PeerBatch, PeerBatch__Output } from '../../gen/ringkv/v1/PeerBatch.js';
import type { PeerMessage } from '../../gen/ringkv/v1/PeerMessage.js';
import { announceFramed, type FramedEndpoint, framedLocalName, hostOf } from '../../proto/framed.js';
import { GRPC_MESSAGE_BYTES_MAX, ringkvProto } from '../../proto/load.js';
import { kvFrameCodec, peerBatchCodec } from '../../proto/stream-codec.js';
import type { Logger } from '../env.js';
import type { RingNode } from '../node.js';
import { FramedServer } from './framed-server.js';
import { toServiceError } from './grpc-errors.js';
import { replyToWire, requestFromWire } from './peer-codec.js';

/** Adapts a promise-returning handler to a unary gRPC handler with typed error mapping. */
function unary<Req, Res>(log: Logger, fn: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          if (err instanceof RingError) {
            callback(toServiceError(err));
            return;
          }
          log.error({ err }, 'request failed with an unexpected error');
          callback({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) });
        },
      );
  };
}

/** The initial metadata of a gRPC stream: announces the framed listener, if there is one. */
type StreamMetadata = () => grpc.Metadata;

function kvHandlers(
  node: RingNode,
  log: Logger,
  kvStreams: Map<KvStream, () => void>,
  metadata: StreamMetadata,
): KVHandlers {
  return {
    Get: unary(log, (req) => node.get(req)),
    Put: unary(log, (req) => node.put(req)),
    Delete: unary(log, (req) => node.delete(req)),
    GetRing: unary(log, () => node.ringView()),
    Stream: (call) => kvStream(node, log, call, kvStreams, metadata()),
  };
}

type KvStream = grpc.ServerDuplexStream<KvFrame__Output, KvFrame>;

/** A failure as the stream's error reply; unexpected errors are logged and become INTERNAL. */
function kvError(err: unknown, log: Logger): KvError {
  if (!(err instanceof RingError)) {
    log.error({ err }, 'request failed with an unexpected error');
    return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
  }
  const d = err.details;
  return {
    code: err.code,
    message: err.message,
    field: d.field ?? '',
    limit: d.limit ?? 0,
    missing: [...(d.missing ?? [])],
  };
}

/** A reply that would exceed the client's message limit, replaced by its error. */
function tooLargeReply(id: number, log: Logger): KvMessage {
  const err = new TooLargeError('reply', 'the reply is too large for the transport', GRPC_MESSAGE_BYTES_MAX);
  return { id, error: kvError(err, log) };
}

/** Serves one request message of a client stream; rejects with the request's error. */
async function serveKv(node: RingNode, m: KvMessage__Output): Promise<KvMessage> {
  switch (m.body) {
    case 'get':
      return { id: m.id, getReply: await node.get(m.get!) };
    case 'put':
      return { id: m.id, putReply: await node.put(m.put!) };
    case 'delete':
      return { id: m.id, putReply: await node.delete(m.delete!) };
    default:
      throw new RingError('INVALID_ARGUMENT', `unknown stream message ${m.body ?? '(empty)'}`, { field: 'body' });
  }
}

/** Approximate encoded size of a reply, for framing. */
function replyBytes(m: KvMessage): number {
  let bytes = 64;
  for (const v of m.getReply?.values ?? []) bytes += v.length + 8;
  return bytes + (m.getReply?.context?.length ?? 0) + (m.putReply?.context?.length ?? 0);
}

/**
 * One client stream (KV.Stream): requests are served concurrently, at most KV_STREAM_INFLIGHT_MAX
 * at once, and the replies finished in one turn of the event loop go back as one frame.
 */
function kvStream(
  node: RingNode,
  log: Logger,
  call: KvStream,
  streams: Map<KvStream, () => void>,
  metadata: grpc.Metadata,
): void {
  call.sendMetadata(metadata); // tells the client its stream is established
  let outbox: KvMessage[] = [];
  let scheduled = false;
  let open = true;
  let ended = false;
  let inflight = 0;
  const flush = () => {
    scheduled = false;
    let frame: KvMessage[] = [];
    let bytes = 0;
    for (const m of outbox) {
      const size = replyBytes(m);
      if (frame.length >= KV_FRAME_MESSAGES_MAX || (frame.length > 0 && bytes + size > KV_FRAME_BYTES_MAX)) {
        if (open) call.write({ messages: frame });
        frame = [];
        bytes = 0;
      }
      frame.push(m);
      bytes += size;
    }
    outbox = [];
    if (open && frame.length > 0) call.write({ messages: frame });
    if (ended && inflight === 0 && open) {
      open = false;
      streams.delete(call);
      call.end();
    }
  };
  const send = (m: KvMessage) => {
    // A reply the client could not receive would break the whole stream: send its error instead.
    const tooLarge = replyBytes(m) > GRPC_MESSAGE_BYTES_MAX - KV_REPLY_OVERHEAD_BYTES;
    outbox.push(tooLarge ? tooLargeReply(m.id ?? 0, log) : m);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  call.on('data', (frame: KvFrame__Output) => {
    for (const m of frame.messages) {
      if (ended || inflight >= KV_STREAM_INFLIGHT_MAX) {
        const why = ended
          ? `${node.config.id} is shutting down`
          : `too many requests in flight on this stream (${KV_STREAM_INFLIGHT_MAX})`;
        send({ id: m.id, error: kvError(ended ? new UnavailableError(why) : new OverloadedError(why), log) });
        continue;
      }
      inflight++;
      void serveKv(node, m)
        .catch((err: unknown): KvMessage => ({ id: m.id, error: kvError(err, log) }))
        .then((reply) => {
          inflight--;
          send(reply);
        });
    }
  });
  const finish = () => {
    ended = true;
    if (!scheduled) flush();
  };
  streams.set(call, finish); // the server's stop() drains the stream through `finish`
  call.on('end', finish);
  const drop = () => {
    open = false;
    outbox = [];
    streams.delete(call);
  };
  call.on('error', drop);
  call.on('cancelled', drop);
}

function adminHandlers(node: RingNode, log: Logger, framedStreams: () => number): AdminHandlers {
  return {
    Status: unary(log, () => {
      const ring = node.membership.ring;
      return {
        node: {
          ...node.status(),
          pid: process.pid,
          rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
          framedStreams: framedStreams(),
        },
        ...(ring === null ? {} : { ring: node.ringView() }),
      };
    }),
    Join: unary(log, (req) => node.join(req)),
    Leave: unary(log, (req) => node.leave(req)),
  };
}

type PeerStream = grpc.ServerDuplexStream<PeerBatch__Output, PeerBatch>;

/** One incoming peer stream: requests are served concurrently, replies batched per tick. */
function exchange(node: RingNode, call: PeerStream, streams: Set<PeerStream>, metadata: grpc.Metadata): void {
  streams.add(call);
  call.sendMetadata(metadata); // tells the sender its stream is established
  let outbox: PeerMessage[] = [];
  let scheduled = false;
  let open = true;
  let inflight = 0;
  let ended = false;
  const flush = () => {
    scheduled = false;
    while (open && outbox.length > 0) call.write({ from: node.config.id, messages: outbox.splice(0, PEER_BATCH_MAX) });
    if (ended && inflight === 0 && open) {
      open = false;
      streams.delete(call);
      call.end();
    }
  };
  const send = (m: PeerMessage) => {
    outbox.push(m);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  call.on('data', (batch: PeerBatch__Output) => {
    for (const m of batch.messages) {
      const request = requestFromWire(m);
      if (request === null) {
        send({ id: m.id, error: { code: 'INVALID_ARGUMENT', message: `unknown peer message ${m.body ?? ''}` } });
        continue;
      }
      inflight++;
      void node.handlePeer(batch.from, request, m.budgetMs).then((reply) => {
        inflight--;
        send(replyToWire(m.id, reply));
      });
    }
  });
  call.on('end', () => {
    ended = true;
    if (!scheduled) flush();
  });
  const drop = () => {
    open = false;
    outbox = [];
    streams.delete(call);
  };
  call.on('error', drop);
  call.on('cancelled', drop);
}

function peerHandlers(node: RingNode, log: Logger, streams: Set<PeerStream>, metadata: StreamMetadata): PeerHandlers {
  return {
    Exchange: (call) => exchange(node, call, streams, metadata()),
    Hello: unary(log, (req) => node.hello(req)),
  };
}

/** The gRPC face of a node. */
export interface GrpcServer {
  /** Stops accepting calls, closes peer streams, waits up to `graceMs` for running calls. */
  stop(graceMs: number): Promise<void>;
}

export interface GrpcServerOptions {
  /** Also serve the hot streams framed on a second port, announced to gRPC streams. */
  readonly framed: boolean;
  /** That port on the same host; 0 takes any free one. */
  readonly framedPort?: number;
}

/** Binds the services on `address` and resolves with the running server. */
export async function startGrpcServer(
  node: RingNode,
  address: string,
  log: Logger,
  options: GrpcServerOptions = { framed: true },
): Promise<GrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
  });
  const streams = new Set<PeerStream>();
  const kvStreams = new Map<KvStream, () => void>();
  let framed: FramedServer | null = null;
  let announced: FramedEndpoint | null = null;
  const metadata = () => {
    const md = new grpc.Metadata();
    if (announced !== null) announceFramed(md, announced);
    return md;
  };
  const v1 = ringkvProto().ringkv.v1;
  server.addService(v1.KV.service, kvHandlers(node, log, kvStreams, metadata));
  server.addService(v1.Peer.service, peerHandlers(node, log, streams, metadata));
  server.addService(
    v1.Admin.service,
    adminHandlers(node, log, () => framed?.connections ?? 0),
  );
  await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) =>
      err === null ? resolve(port) : reject(err),
    );
  });
  if (options.framed) {
    const plain = new grpc.Metadata();
    framed = new FramedServer(
      randomBytes(16),
      { peer: peerBatchCodec() as never, kv: kvFrameCodec() as never },
      {
        peer: (call) => exchange(node, call as unknown as PeerStream, streams, plain),
        kv: (call) => kvStream(node, log, call as unknown as KvStream, kvStreams, plain),
      },
    );
    try {
      announced = await framed.listen(hostOf(address), options.framedPort ?? 0, framedLocalName(randomBytes(16)));
      log.info({ port: framed.port, local: announced.local !== undefined }, 'serving framed streams');
    } catch (err) {
      if ((options.framedPort ?? 0) !== 0) {
        // A port the operator chose (and opened in a firewall, say) must not be silently replaced.
        server.forceShutdown();
        throw new Error(
          `cannot listen for framed streams on port ${options.framedPort} (--framed-port): ${(err as Error).message}`,
        );
      }
      // Everything still works over gRPC alone.
      log.warn({ err }, 'could not listen for framed streams; serving gRPC streams only');
      framed = null;
    }
  }
  return {
    stop: async (graceMs) => {
      framed?.stopAccepting();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
        timer.unref();
      });
      const grpcDone = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      // Peers' streams are long-lived: ending them lets the graceful shutdown finish now.
      for (const call of streams) call.end();
      streams.clear();
      // Client streams end once the requests already in flight on them are answered.
      for (const drain of [...kvStreams.values()]) drain();
      const outcome = await Promise.race([Promise.all([grpcDone, framed?.idle()]), late]);
      clearTimeout(timer);
      if (outcome === 'late') server.forceShutdown();
      framed?.destroyAll();
    },
  };
}
