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
 *
 * This file holds the wire (announcement, hello, frames, closing), which both sides share. The
 * sockets and timers live with their side: src/client/framed-client.ts holds the client stream and
 * the upgrade (the SDK's streams and the node's peer links are both clients of a node), and
 * src/node/io/framed-server.ts the listener and its streams.
 */
import type * as net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { FRAME_PREFIX_BYTES, type StreamCodec } from './stream-codec.js';

export const FRAMED_METADATA_KEY = 'ringkv-framed';
/** The announcement of the listener's abstract Unix socket (its name without the leading NUL). */
export const FRAMED_LOCAL_METADATA_KEY = 'ringkv-framed-local';
const LOCAL_NAME = /^ringkv-framed-[0-9a-f]{32}$/;
export const FramedKind = { peer: 1, kv: 2 } as const;
export type FramedKind = (typeof FramedKind)[keyof typeof FramedKind];

export const MAGIC = Buffer.from('RKF1', 'latin1');
export const TOKEN_BYTES = 16;
export const HELLO_BYTES = MAGIC.length + 1 + TOKEN_BYTES;
export const ACK_OK = 0;
export const ACK_REFUSED = 1;
/** Largest frame either side accepts (the gRPC message limit). */
export const FRAMED_FRAME_BYTES_MAX = 16 * 1024 * 1024;
/** A connection whose peer does not read is dropped once this much waits in its send buffer. */
export const FRAMED_WRITE_BUFFER_BYTES_MAX = 64 * 1024 * 1024;
/** On a Unix socket: the length that marks a clean half-close (a FIN without it is a break). */
const END_MARKER = 0xffff_fffe;
const END_FRAME = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
/** Sockets connected over a Unix socket, which end with END_FRAME and break without it. */
export const unixSockets = new WeakSet<net.Socket>();
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

/** Announces `endpoint` in `metadata`: its port and token, and its local socket if it has one. */
export function announceFramed(metadata: grpc.Metadata, endpoint: FramedEndpoint): void {
  metadata.set(FRAMED_METADATA_KEY, framedMetadataValue(endpoint));
  if (endpoint.local !== undefined) metadata.set(FRAMED_LOCAL_METADATA_KEY, endpoint.local);
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
export function frameOf<In>(codec: StreamCodec<In, unknown>, message: In): Buffer {
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
export function writeFrame(socket: net.Socket, frame: Buffer): boolean {
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
export function resetSocket(socket: net.Socket): void {
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
export function endSocket(socket: net.Socket): void {
  if (unixSockets.has(socket)) socket.end(END_FRAME);
  else socket.end();
}
