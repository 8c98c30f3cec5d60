/** The client side of framed streams (see src/proto/framed.ts): one stream, and the upgrade from gRPC to it. */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import {
  ACK_OK,
  endSocket,
  FRAMED_FRAME_BYTES_MAX,
  FRAMED_HANDSHAKE_MS,
  FRAMED_RETRY_MS,
  type FramedEndpoint,
  type FramedKind,
  FrameReader,
  framedEndpointFrom,
  frameOf,
  isLoopbackHost,
  MAGIC,
  resetSocket,
  unixSockets,
  writeFrame,
} from '../proto/framed.js';
import type { StreamCodec } from '../proto/stream-codec.js';

/**
 * The client side of one framed stream, with the events and methods of a grpc-js client duplex
 * stream that PeerLink and NodeStream use: 'metadata' once the node accepted it, 'data' per
 * frame, 'status' once when it ends (OK after a clean close from both sides, else UNAVAILABLE).
 */
export class FramedClientStream<In, Out> extends EventEmitter {
  private readonly socket: net.Socket;
  private readonly reader: FrameReader;
  private accepted = false;
  private endedByUs = false;
  private endedByPeer = false;
  private failure = '';
  private statusSent = false;
  private readonly handshakeTimer: NodeJS.Timeout;

  /** `viaLocal`: connect to the endpoint's abstract Unix socket instead of its port. */
  constructor(
    host: string,
    endpoint: FramedEndpoint,
    kind: FramedKind,
    private readonly codec: StreamCodec<In, Out>,
    viaLocal = false,
  ) {
    super();
    this.socket =
      viaLocal && endpoint.local !== undefined
        ? net.connect({ path: `\0${endpoint.local}`, allowHalfOpen: true })
        : net.connect({ host, port: endpoint.port, allowHalfOpen: true, noDelay: true });
    const unix = viaLocal && endpoint.local !== undefined;
    if (unix) unixSockets.add(this.socket);
    this.reader = new FrameReader(FRAMED_FRAME_BYTES_MAX, unix);
    this.socket.write(Buffer.concat([MAGIC, Buffer.from([kind]), endpoint.token]));
    this.handshakeTimer = setTimeout(() => this.fail('no framed handshake answer'), FRAMED_HANDSHAKE_MS);
    this.handshakeTimer.unref();
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('end', () => {
      this.endedByPeer = true;
      if (unix && !this.reader.endMarked) this.fail('the framed connection broke (no end marker)');
      else if (!this.endedByUs) endSocket(this.socket);
    });
    this.socket.on('error', (err) => {
      this.failure ||= err.message;
    });
    this.socket.on('close', () => this.finish());
  }

  write(message: In): boolean {
    if (this.socket.destroyed || this.endedByUs) return false;
    return writeFrame(this.socket, frameOf(this.codec, message));
  }

  /** Half-closes: the node answers what it has and then closes its side. */
  end(): void {
    if (this.endedByUs) return;
    this.endedByUs = true;
    endSocket(this.socket);
  }

  /** Abandons the stream: the connection is reset, so the node sees a cancel, not a half-close. */
  cancel(): void {
    this.failure ||= 'cancelled';
    resetSocket(this.socket);
  }

  private receive(chunk: Buffer): void {
    let data = chunk;
    if (!this.accepted) {
      const ack = data[0];
      if (ack !== ACK_OK) {
        this.fail('the node refused the framed stream');
        return;
      }
      this.accepted = true;
      clearTimeout(this.handshakeTimer);
      this.emit('metadata', new grpc.Metadata());
      data = data.subarray(1);
      if (data.length === 0) return;
    }
    const { frames, error } = this.reader.push(data);
    for (const f of frames) {
      let message: Out;
      try {
        message = this.codec.deserialize(f);
      } catch (err) {
        this.fail(`undecodable frame: ${(err as Error).message}`);
        return;
      }
      this.emit('data', message);
    }
    if (error !== null) this.fail(error);
  }

  private fail(reason: string): void {
    this.failure ||= reason;
    resetSocket(this.socket);
  }

  private finish(): void {
    clearTimeout(this.handshakeTimer);
    if (this.statusSent) return;
    this.statusSent = true;
    const clean = this.accepted && this.endedByPeer && this.failure === '';
    const details = clean ? '' : this.failure || 'framed connection closed';
    // A connection refused before the handshake is reported like grpc-js's failed connect.
    const prefix = this.accepted ? '' : 'No connection established. Last error: ';
    this.emit('status', {
      code: clean ? grpc.status.OK : grpc.status.UNAVAILABLE,
      details: clean ? '' : prefix + details,
      metadata: new grpc.Metadata(),
    } satisfies grpc.StatusObject);
  }

  /** True once the node accepted the stream. */
  get established(): boolean {
    return this.accepted;
  }
}

/** After an established framed stream broke, how long before the link upgrades again. */
export const FRAMED_REUPGRADE_MS = 2000;

export interface FramedUpgradeOptions {
  /** Wait after a failed attempt (default FRAMED_RETRY_MS). */
  readonly retryMs?: number;
  /** Wait after an established framed stream broke (default FRAMED_REUPGRADE_MS). */
  readonly reupgradeMs?: number;
  /** Told why an attempt failed; the stream stays on gRPC until the next one. */
  readonly onFailed?: (reason: string) => void;
}

interface Offer<In, Out> {
  readonly endpoint: FramedEndpoint;
  readonly ready: (stream: FramedClientStream<In, Out>) => boolean;
  /** The endpoint's local socket could not be reached: use its port. */
  readonly localFailed?: boolean;
}

/**
 * The client side of the upgrade: given a gRPC stream's initial metadata, connects to the framed
 * listener it announces and hands the accepted stream to `ready`, which returns false if it is no
 * longer wanted (its gRPC stream was replaced). One attempt at a time; after a failed attempt the
 * latest offer is tried again FRAMED_RETRY_MS later, and after an established framed stream broke
 * the next attempt waits FRAMED_REUPGRADE_MS, so a node that lost its framed listener is not
 * hammered while a healthy gRPC stream carries the traffic.
 */
export class FramedUpgrade<In, Out> {
  private probe: FramedClientStream<In, Out> | null = null;
  private offered: Offer<In, Out> | null = null;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly kind: FramedKind,
    private readonly codec: StreamCodec<In, Out>,
    private readonly enabled: boolean,
    private readonly options: FramedUpgradeOptions = {},
  ) {}

  /** A gRPC stream was established with `metadata`: upgrade it if the node announces framing. */
  offer(metadata: grpc.Metadata | undefined, ready: (stream: FramedClientStream<In, Out>) => boolean): void {
    if (!this.enabled || this.closed) return;
    const endpoint = framedEndpointFrom(metadata);
    if (endpoint === null) return;
    this.offered = { endpoint, ready };
    this.attempt();
  }

  /** The framed stream in use broke: stay on gRPC for a moment before upgrading again. */
  broke(): void {
    this.retryAt = Math.max(this.retryAt, Date.now() + (this.options.reupgradeMs ?? FRAMED_REUPGRADE_MS));
  }

  close(): void {
    this.closed = true;
    this.offered = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.probe?.cancel();
    this.probe = null;
  }

  private attempt(): void {
    if (this.closed || this.probe !== null || this.offered === null) return;
    const wait = this.retryAt - Date.now();
    if (wait > 0) {
      if (this.timer === null) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.attempt();
        }, wait);
        this.timer.unref();
      }
      return;
    }
    const offer = this.offered;
    this.offered = null;
    const viaLocal = offer.endpoint.local !== undefined && offer.localFailed !== true && isLoopbackHost(this.host);
    const probe = new FramedClientStream<In, Out>(this.host, offer.endpoint, this.kind, this.codec, viaLocal);
    this.probe = probe;
    const failed = (status: grpc.StatusObject) => {
      if (this.probe !== probe) return;
      this.probe = null;
      if (viaLocal) {
        // Not this node's namespace (or no such socket): try its port straight away.
        this.offered ??= { ...offer, localFailed: true };
        this.attempt();
        return;
      }
      this.retryAt = Date.now() + (this.options.retryMs ?? FRAMED_RETRY_MS);
      this.options.onFailed?.(status.details);
      this.offered ??= offer; // a newer offer replaces this one
      this.attempt();
    };
    probe.once('status', failed);
    probe.once('metadata', () => {
      if (this.probe !== probe) return;
      this.probe = null;
      probe.off('status', failed);
      if (!offer.ready(probe)) probe.end();
    });
  }
}
