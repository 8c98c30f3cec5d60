/** The node's side of framed streams (see src/proto/framed.ts): the listener, and one accepted stream. */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import {
  ACK_OK,
  ACK_REFUSED,
  endSocket,
  FRAMED_FRAME_BYTES_MAX,
  FRAMED_HANDSHAKE_MS,
  type FramedEndpoint,
  FramedKind,
  FrameReader,
  frameOf,
  HELLO_BYTES,
  MAGIC,
  resetSocket,
  TOKEN_BYTES,
  unixSockets,
  writeFrame,
} from '../../proto/framed.js';
import type { StreamCodec } from '../../proto/stream-codec.js';

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
