/** The production PeerTransport: one PeerLink (channel + stream) per peer, created on first use. */
import * as grpc from '@grpc/grpc-js';
import type { HelloRequest } from '../../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse__Output } from '../../gen/ringkv/v1/HelloResponse.js';
import type { PeerClient } from '../../gen/ringkv/v1/Peer.js';
import { GRPC_MESSAGE_BYTES_MAX, ringkvProto } from '../../proto/load.js';
import type { Logger, PeerAddress, PeerReply, PeerRequest, PeerTransport } from '../env.js';
import { PEER_CHANNEL_OPTIONS, PeerLink } from './peer-link.js';

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...PEER_CHANNEL_OPTIONS,
  'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
};

export class GrpcPeerTransport implements PeerTransport {
  private readonly links = new Map<string, { address: string; link: PeerLink }>();
  private closed = false;

  constructor(
    private readonly selfId: string,
    /** Upgrade peer streams to framed ones where the peer announces them. */
    private readonly framed = true,
    /** Where a peer whose framed listener cannot be reached is reported. */
    private readonly log: Logger | null = null,
  ) {}

  request(to: PeerAddress, request: PeerRequest, budgetMs: number): Promise<PeerReply> {
    return this.linkTo(to).request(request, budgetMs);
  }

  hello(address: string, request: HelloRequest, budgetMs: number): Promise<HelloResponse__Output> {
    const client = this.newClient(address);
    return new Promise<HelloResponse__Output>((resolve, reject) => {
      client.Hello(request, { deadline: Date.now() + budgetMs }, (err, res) => {
        client.close();
        if (err !== null || res === undefined) reject(err ?? new Error('empty hello response'));
        else resolve(res);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { link } of this.links.values()) link.close();
    this.links.clear();
  }

  private linkTo(to: PeerAddress): PeerLink {
    const existing = this.links.get(to.id);
    if (existing !== undefined && existing.address === to.address) return existing.link;
    existing?.link.close();
    const link = new PeerLink(this.selfId, to.id, this.newClient(to.address), to.address, this.framed, this.log);
    if (this.closed) link.close();
    else this.links.set(to.id, { address: to.address, link });
    return link;
  }

  private newClient(address: string): PeerClient {
    return new (ringkvProto().ringkv.v1.Peer)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }
}
