/**
 * One peer as seen from this node: a single long-lived bidirectional stream on a dedicated
 * channel, carrying batches of requests out and batches of replies back, correlated by id.
 * Requests queued in the same turn of the event loop go out in one frame.
 */
import * as grpc from '@grpc/grpc-js';
import { FramedUpgrade } from '../../client/framed-client.js';
import { type ClientStream, UpgradingStream } from '../../client/upgrading-stream.js';
import { ErrorCode } from '../../common/errors.js';
import {
  PEER_BATCH_BYTES_MAX,
  PEER_BATCH_MAX,
  PEER_INFLIGHT_MAX,
  PEER_QUEUE_MAX,
  PEER_RECONNECT_MS_MAX,
  PEER_RECONNECT_MS_MIN,
} from '../../common/limits.js';
import type { PeerClient } from '../../gen/ringkv/v1/Peer.js';
import type { PeerBatch, PeerBatch__Output } from '../../gen/ringkv/v1/PeerBatch.js';
import type { PeerMessage } from '../../gen/ringkv/v1/PeerMessage.js';
import { FRAMED_RETRY_MS, FramedKind, hostOf } from '../../proto/framed.js';
import { peerBatchCodec } from '../../proto/stream-codec.js';
import type { Logger, PeerReply, PeerRequest } from '../env.js';
import { replyFromWire, requestToWire } from './peer-codec.js';

type LinkStream = ClientStream<PeerBatch, PeerBatch__Output>;

interface Pending {
  readonly resolve: (reply: PeerReply) => void;
  readonly timer: NodeJS.Timeout;
  /** The stream the request was written to, or null while it waits in the outbox. */
  stream: LinkStream | null;
}

/** Channel options for node-to-node traffic. */
export const PEER_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // One TCP connection per peer link, not shared with other channels to the same address.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': PEER_RECONNECT_MS_MIN,
  'grpc.max_reconnect_backoff_ms': PEER_RECONNECT_MS_MAX,
};

export class PeerLink {
  private framedFailureWarned = false;
  private readonly link: UpgradingStream<PeerBatch, PeerBatch__Output>;
  private readonly outbox: { id: number; message: PeerMessage; bytes: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private flushScheduled = false;
  private downUntil = 0;
  private backoffMs = PEER_RECONNECT_MS_MIN;
  private closed = false;

  constructor(
    private readonly selfId: string,
    readonly peerId: string,
    private readonly client: PeerClient,
    address: string,
    framed: boolean,
    log: Logger | null = null,
  ) {
    // The first failure is a warning, repeats until the next success are debug lines: a peer
    // whose framed port is firewalled would otherwise log every FRAMED_RETRY_MS forever.
    const upgrade = new FramedUpgrade(hostOf(address), FramedKind.peer, peerBatchCodec(), framed, {
      onFailed: (reason) => {
        const line = `no framed stream to the peer; staying on its gRPC stream, next try in ${FRAMED_RETRY_MS / 1000} s (--no-framed turns framing off)`;
        if (this.framedFailureWarned) log?.debug({ peer: peerId, address, reason }, line);
        else log?.warn({ peer: peerId, address, reason }, line);
        this.framedFailureWarned = true;
      },
    });
    this.link = new UpgradingStream(() => client.Exchange(), upgrade, {
      data: (batch) => this.receive(batch),
      established: () => {
        this.backoffMs = PEER_RECONNECT_MS_MIN;
      },
      switched: () => {
        this.framedFailureWarned = false;
      },
      broken: (stream, status, wasEstablished) => this.broken(stream, status, wasEstablished),
      // Whatever a stream this link moved away from still carried has an unknown outcome.
      retired: (stream, status) => this.failAll(stream, `peer ${peerId} stream closed: ${statusText(status)}`, false),
    });
  }

  /** Sends a request; resolves with the reply or an error reply, never rejects. */
  request(request: PeerRequest, budgetMs: number): Promise<PeerReply> {
    if (this.closed) return Promise.resolve(this.unreachable('the transport is closed'));
    if (Date.now() < this.downUntil) {
      return Promise.resolve(this.unreachable(`peer ${this.peerId} is unreachable (reconnecting)`));
    }
    if (this.pending.size >= PEER_INFLIGHT_MAX || this.outbox.length >= PEER_QUEUE_MAX) {
      return Promise.resolve({
        type: 'error',
        code: ErrorCode.OVERLOADED,
        message: `too many requests queued for ${this.peerId}`,
        undelivered: true,
      });
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0xfffffff0 ? 1 : this.nextId + 1;
    const message = requestToWire(id, budgetMs, request);
    return new Promise<PeerReply>((resolve) => {
      const timer = setTimeout(() => this.expire(id, budgetMs), Math.max(1, budgetMs));
      timer.unref();
      this.pending.set(id, { resolve, timer, stream: null });
      this.outbox.push({ id, message, bytes: approximateBytes(request) });
      this.scheduleFlush();
    });
  }

  /** Fails everything outstanding and closes the stream. */
  close(): void {
    this.closed = true;
    this.failAll(null, 'the transport is closed');
    this.link.close('end');
    this.client.close();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.outbox.length === 0 || this.closed) return;
    const stream = this.link.current();
    while (this.outbox.length > 0) {
      const frame: PeerMessage[] = [];
      let bytes = 0;
      while (this.outbox.length > 0 && frame.length < PEER_BATCH_MAX) {
        const next = this.outbox[0]!;
        if (frame.length > 0 && bytes + next.bytes > PEER_BATCH_BYTES_MAX) break;
        this.outbox.shift();
        const p = this.pending.get(next.id);
        if (p === undefined) continue; // expired while queued
        p.stream = stream;
        frame.push(next.message);
        bytes += next.bytes;
      }
      if (frame.length > 0) stream.write({ from: this.selfId, messages: frame });
    }
  }

  private receive(batch: PeerBatch__Output): void {
    for (const m of batch.messages) {
      const p = this.pending.get(m.id);
      const reply = replyFromWire(m);
      if (p === undefined || reply === null) continue;
      this.settle(m.id, p, reply);
    }
  }

  private broken(stream: LinkStream, status: grpc.StatusObject, wasEstablished: boolean): void {
    if (!wasEstablished) {
      // Never connected: back off before trying again, and fail fast meanwhile.
      this.downUntil = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, PEER_RECONNECT_MS_MAX);
    }
    const reason = `peer ${this.peerId} ${wasEstablished ? 'stream closed' : 'unreachable'}: ${statusText(status)}`;
    this.failAll(stream, reason, !wasEstablished);
    if (this.outbox.length > 0) this.scheduleFlush();
  }

  private failAll(stream: LinkStream | null, reason: string, undelivered = true): void {
    for (const [id, p] of this.pending) {
      if (stream !== null && p.stream !== stream) continue;
      this.settle(id, p, { type: 'error', code: ErrorCode.UNAVAILABLE, message: reason, undelivered });
    }
  }

  private expire(id: number, budgetMs: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.settle(id, p, {
      type: 'error',
      code: ErrorCode.TIMEOUT,
      message: `peer ${this.peerId} did not answer within ${budgetMs} ms`,
      undelivered: p.stream === null,
    });
  }

  private settle(id: number, p: Pending, reply: PeerReply): void {
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  private unreachable(message: string): PeerReply {
    return { type: 'error', code: ErrorCode.UNAVAILABLE, message, undelivered: true };
  }
}

function statusText(status: grpc.StatusObject): string {
  return tidy(status.details) || grpc.status[status.code];
}

/** grpc-js details without its boilerplate ("Last error: Error: ...", an empty resolution note). */
export function tidy(details: string): string {
  return details
    .replace(/\s*Resolution note:\s*$/, '')
    .replace('No connection established. Last error: Error: ', '')
    .trim();
}

function approximateBytes(r: PeerRequest): number {
  if (r.type === 'replicaGet') return r.key.length + 16;
  if (r.type === 'replicaPut') return r.key.length + r.state.length + 16;
  if (r.type === 'gossip') return 32 * r.heartbeats.length + 16;
  if (r.type === 'treeRequest') return r.root.length + 16;
  if (r.type === 'segmentRequest') return 4 * r.segments.length + 16;
  if (r.type === 'purge') return r.key.length + r.state.length + 16;
  if (r.type === 'transferPull') return r.after.length + 16;
  if (r.type === 'partitionStats') return 4 * r.partitions.length + 16;
  return r.key.length + r.value.length + r.context.length + 64;
}
