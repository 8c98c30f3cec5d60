/**
 * Framed streams: the two hot streams (Peer.Exchange and KV.Stream) carried as length-prefixed
 * protobuf frames on a plain TCP connection, next to the gRPC server.
 *
 * Why: on this 2-core machine grpc-js (HTTP/2 framing, per-message call bookkeeping) was the
 * largest single cost of a quorum put. The same messages, codecs and batching over a framed
 * socket spend about a quarter less node CPU per put (docs/performance.md, "Framed streams"). gRPC stays the protocol every
 * node and client starts with, and the one everything falls back to:
 *
 * - A node's gRPC stream handlers announce the framed listener in the stream's initial metadata
 *   (`ringkv-framed: <port>.<token>`), the token being random per server process.
 * - A peer link or SDK stream that sees it connects to that port on the same host, sends the
 *   handshake (magic, stream kind, token) and, once the node acknowledges it, sends its new
 *   frames there and half-closes the gRPC stream (whose requests are still answered on it).
 * - If the framed connection cannot be made (a port not reachable, e.g. behind a port mapping),
 *   the stream stays on gRPC and tries again only after a while.
 * - On Linux the listener also accepts on an abstract Unix socket, announced under its own key
 *   (`ringkv-framed-local: <name>`). A client whose node address is a loopback one connects there
 *   first: a frame then skips the loopback TCP stack, about half the kernel CPU per write on this
 *   machine (docs/performance.md). Abstract sockets belong to a network namespace, so a node in
 *   another namespace (or container) is not reached this way: the client falls back to the port.
 *
 * Wire: client hello = "RKF1", kind (u8: 1 peer, 2 kv), 16 token bytes; server ack = one byte
 * (0 = accepted); then frames both ways: u32 big-endian length, then the encoded PeerBatch or
 * KvFrame. A frame over FRAMED_FRAME_BYTES_MAX, a bad hello or a wrong token ends the connection.
 * A broken stream is told from a half-close on TCP by a reset. A Unix socket cannot be reset, so
 * there each side sends the length 0xFFFFFFFE before its FIN to half-close; a FIN without it
 * means the stream broke.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { FRAME_PREFIX_BYTES, type StreamCodec } from './stream-codec.js';

export const FRAMED_METADATA_KEY = 'ringkv-framed';
/** The announcement of the listener's abstract Unix socket (its name without the leading NUL). */
export const FRAMED_LOCAL_METADATA_KEY = 'ringkv-framed-local';
const LOCAL_NAME = /^ringkv-framed-[0-9a-f]{32}$/;
export const FramedKind = { peer: 1, kv: 2 } as const;
export type FramedKind = (typeof FramedKind)[keyof typeof FramedKind];

const MAGIC = Buffer.from('RKF1', 'latin1');
const TOKEN_BYTES = 16;
const HELLO_BYTES = MAGIC.length + 1 + TOKEN_BYTES;
const ACK_OK = 0;
const ACK_REFUSED = 1;
/** Largest frame either side accepts (the gRPC message limit). */
export const FRAMED_FRAME_BYTES_MAX = 16 * 1024 * 1024;
/** A connection whose peer does not read is dropped once this much waits in its send buffer. */
export const FRAMED_WRITE_BUFFER_BYTES_MAX = 64 * 1024 * 1024;
/** On a Unix socket: the length that marks a clean half-close (a FIN without it is a break). */
const END_MARKER = 0xffff_fffe;
const END_FRAME = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
/** Sockets connected over a Unix socket, which end with END_FRAME and break without it. */
const unixSockets = new WeakSet<net.Socket>();
/** Time a client waits for the node's ack, and a node for the client's hello. */
export const FRAMED_HANDSHAKE_MS = 3000;
/** After a failed upgrade, how long a stream stays on gRPC before trying again. */
export const FRAMED_RETRY_MS = 30_000;

/** Where a node's framed listener is, as announced in a gRPC stream's initial metadata. */
export interface FramedEndpoint {
  readonly port: number;
  readonly token: Buffer;
  /** The abstract Unix socket the listener also accepts on, if any (name without the NUL). */
  readonly local?: string;
}

/** A name for a listener's abstract Unix socket, from 16 random bytes. */
export function framedLocalName(random: Buffer): string {
  return `ringkv-framed-${random.toString('hex')}`;
}

/** Whether `host` is this machine's loopback: only then may a node's local socket be the same node. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function framedMetadataValue(endpoint: FramedEndpoint): string {
  return `${endpoint.port}.${endpoint.token.toString('hex')}`;
}

/** The endpoint announced in `metadata`, or null if none (or malformed). */
export function framedEndpointFrom(metadata: grpc.Metadata | undefined): FramedEndpoint | null {
  const raw = metadata?.get(FRAMED_METADATA_KEY)[0];
  if (typeof raw !== 'string') return null;
  const m = /^(\d{1,5})\.([0-9a-f]{32})$/.exec(raw);
  if (m === null) return null;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return null;
  const local = metadata?.get(FRAMED_LOCAL_METADATA_KEY)[0];
  const token = Buffer.from(m[2]!, 'hex');
  return typeof local === 'string' && LOCAL_NAME.test(local) ? { port, token, local } : { port, token };
}

/** The host part of a host:port address (IPv6 brackets removed). */
export function hostOf(address: string): string {
  const i = address.lastIndexOf(':');
  const host = i < 0 ? address : address.slice(0, i);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Splits a byte stream into length-prefixed frames. `push` returns the complete frames the chunk
 * finished and, once a frame announces more than `maxBytes`, the error that ends the stream (the
 * frames before it are still returned).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private marked = false;

  /** `endMarker`: the stream is on a Unix socket, where END_MARKER announces its half-close. */
  constructor(
    private readonly maxBytes: number,
    private readonly endMarker = false,
  ) {}

  /** Whether the end marker was read: the other side half-closed cleanly. */
  get endMarked(): boolean {
    return this.marked;
  }

  push(chunk: Buffer): { frames: Buffer[]; error: string | null } {
    if (this.marked) return { frames: [], error: 'data after the end marker' };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.join();
      const length = head.readUInt32BE(0);
      if (this.endMarker && length === END_MARKER) {
        this.marked = true;
        const trailing = this.buffered > 4;
        this.chunks = [];
        this.buffered = 0;
        return { frames, error: trailing ? 'data after the end marker' : null };
      }
      if (length > this.maxBytes) {
        this.chunks = [];
        this.buffered = 0;
        return { frames, error: `frame of ${length} bytes exceeds the limit of ${this.maxBytes}` };
      }
      if (this.buffered < 4 + length) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : this.join();
      frames.push(all.subarray(4, 4 + length));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return { frames, error: null };
  }

  private join(): Buffer {
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}

/** `message` as one frame: its length, then its encoding. */
function frameOf<In>(codec: StreamCodec<In, unknown>, message: In): Buffer {
  if (codec.serializeFramed !== undefined) {
    const frame = codec.serializeFramed(message);
    frame.writeUInt32BE(frame.length - FRAME_PREFIX_BYTES, 0);
    return frame;
  }
  const payload = codec.serialize(message);
  const frame = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, FRAME_PREFIX_BYTES);
  return frame;
}

/** Writes one frame (one buffer: one write call); drops a peer that stopped reading. */
function writeFrame(socket: net.Socket, frame: Buffer): boolean {
  const ok = socket.write(frame);
  if (socket.writableLength > FRAMED_WRITE_BUFFER_BYTES_MAX) {
    socket.destroy(new Error(`more than ${FRAMED_WRITE_BUFFER_BYTES_MAX} bytes unsent: the other side is not reading`));
  }
  return ok;
}

/**
 * Closes a connection with a reset, so the other side sees a broken stream rather than a clean
 * end (a plain destroy sends FIN, which reads as a half-close). Before it connected, destroys.
 */
function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (unixSockets.has(socket)) {
    socket.destroy(); // a FIN without the end marker
    return;
  }
  if (socket.readyState === 'open' || socket.readyState === 'writeOnly' || socket.readyState === 'readOnly') {
    socket.resetAndDestroy();
  } else {
    socket.destroy();
  }
}

/** Half-closes: a FIN, after the end marker on a Unix socket. */
function endSocket(socket: net.Socket): void {
  if (unixSockets.has(socket)) socket.end(END_FRAME);
  else socket.end();
}

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

/**
 * The server side of one framed stream, with the events and methods of a grpc-js server duplex
 * call that the stream handlers use: 'data' per frame, 'end' when the client half-closed,
 * 'cancelled' when the connection broke; sendMetadata() accepts the stream, write() and end().
 */
export class FramedServerCall<T> extends EventEmitter {
  private closedSide = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly codec: StreamCodec<T, T>,
  ) {
    super();
  }

  sendMetadata(_metadata?: grpc.Metadata): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.from([ACK_OK]));
  }

  write(message: T): boolean {
    if (this.socket.destroyed || this.closedSide) return false;
    return writeFrame(this.socket, frameOf(this.codec, message));
  }

  end(): void {
    if (this.closedSide) return;
    this.closedSide = true;
    endSocket(this.socket);
  }

  /** Delivers frames read after the hello; returns false if the stream had to be dropped. */
  frames(frames: Buffer[]): boolean {
    for (const f of frames) {
      let message: T;
      try {
        message = this.codec.deserialize(f);
      } catch {
        resetSocket(this.socket);
        return false;
      }
      this.emit('data', message);
    }
    return true;
  }
}

/** What a framed listener hands each accepted stream to. */
export interface FramedHandlers {
  peer(call: FramedServerCall<never>): void;
  kv(call: FramedServerCall<never>): void;
}

/** The node's framed listener: accepts framed streams carrying the right token. */
export class FramedServer {
  private readonly server: net.Server;
  private localServer: net.Server | null = null;
  private localName: string | null = null;
  private readonly sockets = new Set<net.Socket>();
  private idleWaiters: (() => void)[] = [];
  readonly token: Buffer;
  private boundPort = 0;

  constructor(
    token: Buffer,
    private readonly codecs: { peer: StreamCodec<unknown, unknown>; kv: StreamCodec<unknown, unknown> },
    private readonly handlers: FramedHandlers,
  ) {
    if (token.length !== TOKEN_BYTES) throw new Error(`the framed token must be ${TOKEN_BYTES} bytes`);
    this.token = token;
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket, false));
  }

  /**
   * Listens on `port` of `host` (0: any free port) and, given `localName` on Linux, on the abstract
   * Unix socket of that name too (a failure there only leaves it out of the endpoint); resolves
   * with the endpoint to announce.
   */
  async listen(host: string, port = 0, localName?: string): Promise<FramedEndpoint> {
    await listenOn(this.server, { host, port });
    this.boundPort = (this.server.address() as net.AddressInfo).port;
    if (localName !== undefined && process.platform === 'linux') {
      const local = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, true));
      try {
        await listenOn(local, { path: `\0${localName}` });
        this.localServer = local;
        this.localName = localName;
      } catch {
        local.close();
      }
    }
    return this.localName === null
      ? { port: this.boundPort, token: this.token }
      : { port: this.boundPort, token: this.token, local: this.localName };
  }

  get port(): number {
    return this.boundPort;
  }

  /** Open framed connections. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Open framed connections that came in on the abstract Unix socket. */
  get unixConnections(): number {
    let n = 0;
    for (const socket of this.sockets) if (unixSockets.has(socket)) n++;
    return n;
  }

  /** Stops accepting; open streams are ended by their handlers' owners. */
  stopAccepting(): void {
    this.server.close();
    this.localServer?.close();
  }

  /** Resolves once no framed connection is open. */
  idle(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
    });
  }

  /** Drops every open connection. */
  destroyAll(): void {
    for (const s of this.sockets) resetSocket(s);
    this.sockets.clear();
  }

  private accept(socket: net.Socket, unix: boolean): void {
    if (unix) unixSockets.add(socket);
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
    socket.on('error', () => {}); // 'close' follows
    const timer = setTimeout(() => socket.destroy(), FRAMED_HANDSHAKE_MS);
    timer.unref();
    let hello = Buffer.alloc(0);
    const onHello = (chunk: Buffer) => {
      hello = Buffer.concat([hello, chunk]);
      if (hello.length < HELLO_BYTES) return;
      socket.off('data', onHello);
      clearTimeout(timer);
      const kind = hello[MAGIC.length];
      const token = hello.subarray(MAGIC.length + 1, HELLO_BYTES);
      const valid =
        hello.subarray(0, MAGIC.length).equals(MAGIC) &&
        (kind === FramedKind.peer || kind === FramedKind.kv) &&
        token.equals(this.token);
      if (!valid) {
        socket.end(Buffer.from([ACK_REFUSED]));
        socket.destroySoon();
        return;
      }
      this.serve(socket, kind === FramedKind.peer ? 'peer' : 'kv', hello.subarray(HELLO_BYTES));
    };
    socket.on('data', onHello);
  }

  private serve(socket: net.Socket, kind: 'peer' | 'kv', rest: Buffer): void {
    const call = new FramedServerCall<never>(socket, this.codecs[kind] as StreamCodec<never, never>);
    const unix = unixSockets.has(socket);
    const reader = new FrameReader(FRAMED_FRAME_BYTES_MAX, unix);
    let gone = false;
    const cancelled = () => {
      if (gone) return;
      gone = true;
      call.emit('cancelled');
    };
    const read = (chunk: Buffer) => {
      const { frames, error } = reader.push(chunk);
      if (call.frames(frames) && error !== null) resetSocket(socket);
    };
    socket.on('end', () => {
      if (gone) return;
      if (unix && !reader.endMarked) {
        // A FIN without the end marker: the client broke. Nothing more will come; close our side.
        cancelled();
        socket.destroy();
      } else call.emit('end');
    });
    socket.on('close', (hadError) => {
      if (hadError || !socket.readableEnded) cancelled();
      gone = true;
    });
    this.handlers[kind](call);
    if (rest.length > 0) read(rest);
    socket.on('data', read);
  }
}

function listenOn(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
