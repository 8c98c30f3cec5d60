/**
 * One node as the SDK reaches it for reads and writes: a single long-lived KV.Stream on the
 * node's channel, carrying requests multiplexed by id and replies correlated by id. Requests
 * made in the same turn of the event loop go out in one frame. The stream reopens on the next
 * request after it breaks; while a node refuses connections, requests fail fast for a backoff.
 */
import type * as grpc from '@grpc/grpc-js';
import { AbortedError, RingError, ringErrorFromCode, TimeoutError, UnavailableError } from '../common/errors.js';
import type { DeleteRequest } from '../gen/ringkv/v1/DeleteRequest.js';
import type { GetRequest } from '../gen/ringkv/v1/GetRequest.js';
import type { GetResponse__Output } from '../gen/ringkv/v1/GetResponse.js';
import type { KVClient } from '../gen/ringkv/v1/KV.js';
import type { KvError__Output } from '../gen/ringkv/v1/KvError.js';
import type { KvFrame, KvFrame__Output } from '../gen/ringkv/v1/KvFrame.js';
import type { KvMessage, KvMessage__Output } from '../gen/ringkv/v1/KvMessage.js';
import type { PutRequest } from '../gen/ringkv/v1/PutRequest.js';
import type { PutResponse__Output } from '../gen/ringkv/v1/PutResponse.js';
import { FramedKind, hostOf } from '../proto/framed.js';
import { GRPC_MESSAGE_BYTES_MAX } from '../proto/load.js';
import { kvFrameCodec } from '../proto/stream-codec.js';
import { watchAbort } from './abort-watch.js';
import { FramedUpgrade } from './framed-client.js';
import { type CallFailure, fail, isUndeliveredStatus, streamStatusFailure, tidyDetails } from './grpc-errors.js';
import {
  CLIENT_FRAME_BYTES_MAX,
  CLIENT_FRAME_MESSAGES_MAX,
  CLIENT_REQUEST_OVERHEAD_BYTES,
  CLIENT_STREAM_INFLIGHT_MAX,
  CLIENT_STREAM_RECONNECT_MS_MAX,
  CLIENT_STREAM_RECONNECT_MS_MIN,
} from './limits.js';
import { type ClientStream, UpgradingStream } from './upgrading-stream.js';

type Duplex = ClientStream<KvFrame, KvFrame__Output>;
type ReplyKind = 'getReply' | 'putReply';

interface Pending {
  readonly nodeId: string;
  readonly expect: ReplyKind;
  readonly resolve: (reply: GetResponse__Output & PutResponse__Output) => void;
  readonly reject: (failure: CallFailure) => void;
  readonly timer: NodeJS.Timeout;
  /** Stops watching the request's AbortSignal, if it had one. */
  readonly unwatch: (() => void) | undefined;
  /** The stream the request was written to, or null while it waits in the outbox. */
  stream: Duplex | null;
  /** When it was written to the stream (ms since the epoch). */
  sentAt: number;
}

interface Queued {
  readonly id: number;
  readonly message: KvMessage;
  readonly bytes: number;
}

export class NodeStream {
  private outbox: Queued[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private flushScheduled = false;
  private downUntil = 0;
  private downReason = '';
  private backoffMs = CLIENT_STREAM_RECONNECT_MS_MIN;
  private closed = false;
  private lastFrameAt = 0;
  private readonly link: UpgradingStream<KvFrame, KvFrame__Output>;

  constructor(client: KVClient, address: string, framed: boolean) {
    const upgrade = new FramedUpgrade(hostOf(address), FramedKind.kv, kvFrameCodec(), framed);
    this.link = new UpgradingStream(() => client.Stream(), upgrade, {
      data: (frame) => {
        this.lastFrameAt = Date.now();
        for (const m of frame.messages) this.receive(m);
      },
      established: () => {
        this.backoffMs = CLIENT_STREAM_RECONNECT_MS_MIN;
      },
      broken: (stream, status, wasEstablished) => this.broken(stream, status, wasEstablished),
      retired: (stream, status) => {
        // A stream this client moved away from: what it still carried has an unknown outcome.
        for (const [id, p] of this.pending) {
          if (p.stream === stream) this.settle(id, p).reject(streamStatusFailure(status, p.nodeId, false));
        }
      },
    });
  }

  /** KV.Get over the stream; rejects with a RingError classified by `fail`. */
  get(
    nodeId: string,
    req: GetRequest,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<GetResponse__Output> {
    return this.request(nodeId, { get: req }, 'getReply', (req.key?.length ?? 0) + 64, deadline, signal);
  }

  /** KV.Put, or KV.Delete when `req` has no value. */
  write(
    nodeId: string,
    req: PutRequest | DeleteRequest,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<PutResponse__Output> {
    const value = 'value' in req ? req.value : undefined;
    const body: KvMessage = value === undefined ? { delete: req } : { put: req };
    const bytes = (req.key?.length ?? 0) + (value?.length ?? 0) + (req.context?.length ?? 0) + 64;
    return this.request(nodeId, body, 'putReply', bytes, deadline, signal);
  }

  /** Requests awaiting a reply. */
  get inflight(): number {
    return this.pending.size;
  }

  /** Fails everything outstanding and cancels the stream. */
  close(): void {
    this.closed = true;
    this.outbox = [];
    for (const [id, p] of this.pending) {
      this.settle(id, p).reject({
        error: new UnavailableError('the client is closed'),
        fromNode: false,
        undelivered: p.stream === null,
      });
    }
    this.link.close('cancel');
  }

  private request<T>(
    nodeId: string,
    body: KvMessage,
    expect: ReplyKind,
    bytes: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const early = this.refuse(nodeId, bytes, deadline, signal);
    if (early !== null) return Promise.reject(fail(early));
    const id = this.nextId;
    this.nextId = this.nextId >= 0xfffffff0 ? 1 : this.nextId + 1;
    body.id = id;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id), deadline - Date.now());
      const unwatch = signal === undefined ? undefined : watchAbort(signal, () => this.abort(id));
      this.pending.set(id, {
        nodeId,
        expect,
        resolve: resolve as (reply: unknown) => void,
        reject: (failure) => reject(fail(failure)),
        timer,
        unwatch,
        stream: null,
        sentAt: 0,
      });
      this.outbox.push({ id, message: body, bytes });
      this.scheduleFlush();
    });
  }

  /** Why a request cannot even be queued, or null. */
  private refuse(nodeId: string, bytes: number, deadline: number, signal: AbortSignal | undefined): CallFailure | null {
    const undelivered = (error: RingError): CallFailure => ({ error, fromNode: false, undelivered: true });
    if (this.closed) return undelivered(new UnavailableError('the client is closed'));
    if (signal?.aborted === true) return undelivered(new AbortedError());
    if (deadline <= Date.now()) {
      return undelivered(new TimeoutError(`no answer from ${nodeId} before the deadline`, [nodeId]));
    }
    if (Date.now() < this.downUntil) {
      return undelivered(new UnavailableError(`node ${nodeId} unreachable: ${this.downReason}`, [nodeId]));
    }
    if (this.pending.size >= CLIENT_STREAM_INFLIGHT_MAX) {
      return undelivered(
        new RingError('OVERLOADED', `${CLIENT_STREAM_INFLIGHT_MAX} requests already in flight to ${nodeId}`),
      );
    }
    if (bytes > GRPC_MESSAGE_BYTES_MAX - CLIENT_REQUEST_OVERHEAD_BYTES) {
      return {
        error: new RingError('TOO_LARGE', 'request too large for the transport', {
          field: 'request',
          limit: GRPC_MESSAGE_BYTES_MAX,
        }),
        fromNode: false,
        undelivered: true,
      };
    }
    return null;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * True when the oldest request on the stream has waited longer than `thresholdMs` and the node
   * has sent nothing since: it is paused, overloaded or cut off.
   */
  stalled(now: number, thresholdMs: number): boolean {
    for (const p of this.pending.values()) {
      if (p.stream === null) continue;
      return now - p.sentAt > thresholdMs && this.lastFrameAt < p.sentAt;
    }
    return false;
  }

  private flush(): void {
    if (this.outbox.length === 0 || this.closed) return;
    const stream = this.link.current();
    let frame: KvMessage[] = [];
    let bytes = 0;
    for (const q of this.outbox) {
      const p = this.pending.get(q.id);
      if (p === undefined) continue; // aborted or expired while queued
      if (frame.length >= CLIENT_FRAME_MESSAGES_MAX || (frame.length > 0 && bytes + q.bytes > CLIENT_FRAME_BYTES_MAX)) {
        stream.write({ messages: frame });
        frame = [];
        bytes = 0;
      }
      p.stream = stream;
      p.sentAt = Date.now();
      frame.push(q.message);
      bytes += q.bytes;
    }
    this.outbox = [];
    if (frame.length > 0) stream.write({ messages: frame });
  }

  private receive(m: KvMessage__Output): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return; // aborted or expired: its late reply is dropped
    this.settle(m.id, p);
    if (m.body === 'error' && m.error) {
      p.reject({ error: errorFromWire(m.error), fromNode: true, undelivered: false });
      return;
    }
    const reply = m.body === p.expect ? m[p.expect] : undefined;
    if (reply === undefined || reply === null) {
      const error = new RingError('INTERNAL', `unexpected reply ${m.body ?? '(empty)'} from ${p.nodeId}`);
      p.reject({ error, fromNode: true, undelivered: false });
      return;
    }
    p.resolve(reply as GetResponse__Output & PutResponse__Output);
  }

  /** The stream ended or failed: everything written to it fails; the next request reopens it. */
  private broken(stream: Duplex, status: grpc.StatusObject, wasEstablished: boolean): void {
    // Only a stream the node never accepted, failing to connect, certainly delivered nothing.
    const undelivered = !wasEstablished && isUndeliveredStatus(status);
    if (undelivered) {
      // Fail fast for a while rather than dial a node that refuses connections for every request.
      this.downUntil = Date.now() + this.backoffMs;
      this.downReason = tidyDetails(status.details);
      this.backoffMs = Math.min(this.backoffMs * 2, CLIENT_STREAM_RECONNECT_MS_MAX);
    }
    for (const [id, p] of this.pending) {
      if (p.stream === stream) this.settle(id, p).reject(streamStatusFailure(status, p.nodeId, undelivered));
    }
    if (this.outbox.length > 0) this.scheduleFlush();
  }

  private expire(id: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    const error = new TimeoutError(`no answer from ${p.nodeId} before the deadline`, [p.nodeId]);
    this.settle(id, p).reject({ error, fromNode: false, undelivered: p.stream === null });
  }

  private abort(id: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    // The stream stays up; the node's reply, if it comes, is dropped.
    this.settle(id, p).reject({ error: new AbortedError(), fromNode: false, undelivered: p.stream === null });
  }

  private settle(id: number, p: Pending): Pending {
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.unwatch?.();
    return p;
  }
}

/** A stream error reply as the RingError the unary call would have thrown. */
function errorFromWire(e: KvError__Output): RingError {
  return ringErrorFromCode(e.code, e.message, {
    ...(e.field === '' ? {} : { field: e.field }),
    ...(e.limit === 0 ? {} : { limit: e.limit }),
    missing: e.missing,
  });
}
