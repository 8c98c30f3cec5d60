/**
 * A client's one stream to a node (a peer link, an SDK node stream): opened on gRPC, and moved to
 * the framed stream the node announces once that is accepted. The gRPC stream it moved from
 * answers what it already carries, then ends. The owner keeps its own requests and failure
 * policy; this class keeps which stream is current and tells the owner what happened to each.
 */
import type * as grpc from '@grpc/grpc-js';
import { FramedClientStream, type FramedUpgrade } from './framed-client.js';

/** A stream to the node: gRPC, or the framed stream it was upgraded to. */
export type ClientStream<In, Out> = grpc.ClientDuplexStream<In, Out> | FramedClientStream<In, Out>;

export interface UpgradingStreamEvents<In, Out> {
  /** A message from the node, on any of its streams. */
  readonly data: (message: Out) => void;
  /** The node accepted the current gRPC stream (its initial metadata arrived). */
  readonly established: () => void;
  /** New traffic now goes to a framed stream. */
  readonly switched?: () => void;
  /**
   * The current stream ended or failed; there is no current stream until the next `current()`.
   * `wasEstablished`: the node had accepted it (else it may never have connected).
   */
  readonly broken: (stream: ClientStream<In, Out>, status: grpc.StatusObject, wasEstablished: boolean) => void;
  /** A stream traffic had moved away from ended: what it still carried has an unknown outcome. */
  readonly retired: (stream: ClientStream<In, Out>, status: grpc.StatusObject) => void;
}

export class UpgradingStream<In, Out> {
  private stream: ClientStream<In, Out> | null = null;
  private established = false;
  private closed = false;

  constructor(
    private readonly openGrpc: () => grpc.ClientDuplexStream<In, Out>,
    private readonly upgrade: FramedUpgrade<In, Out>,
    private readonly events: UpgradingStreamEvents<In, Out>,
  ) {}

  /** The stream new traffic goes to, opening a gRPC stream if there is none. */
  current(): ClientStream<In, Out> {
    return this.stream ?? this.open();
  }

  /**
   * Stops upgrading and lets go of the current stream: `end` half-closes it (the node answers
   * what it carries), `cancel` drops it.
   */
  close(how: 'end' | 'cancel'): void {
    this.closed = true;
    this.upgrade.close();
    // No longer current first: its closing status then reaches `retired`, whenever it comes.
    const stream = this.stream;
    this.stream = null;
    if (how === 'end') stream?.end();
    else stream?.cancel();
  }

  private open(): ClientStream<In, Out> {
    const stream = this.openGrpc();
    this.stream = stream;
    this.established = false;
    stream.on('metadata', (metadata: grpc.Metadata) => {
      if (this.stream !== stream) return;
      this.established = true;
      this.events.established();
      this.upgrade.offer(metadata, (framed) => this.switchTo(stream, framed));
    });
    this.listen(stream);
    return stream;
  }

  private switchTo(from: ClientStream<In, Out>, framed: FramedClientStream<In, Out>): boolean {
    if (this.closed || this.stream !== from) return false;
    this.stream = framed;
    this.events.switched?.();
    this.listen(framed);
    from.end();
    return true;
  }

  private listen(stream: ClientStream<In, Out>): void {
    stream.on('data', this.events.data);
    stream.on('error', () => {}); // the 'status' event below carries the outcome
    stream.on('status', (status: grpc.StatusObject) => {
      if (this.stream !== stream) {
        this.events.retired(stream, status);
        return;
      }
      const wasEstablished = this.established;
      if (stream instanceof FramedClientStream) this.upgrade.broke();
      this.stream = null;
      this.established = false;
      this.events.broken(stream, status, wasEstablished);
    });
  }
}
