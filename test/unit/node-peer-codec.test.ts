import { describe, expect, it } from 'vitest';
import type { PeerBatch__Output } from '../../src/gen/ringkv/v1/PeerBatch.js';
import type { PeerReply, PeerRequest } from '../../src/node/env.js';
import { replyFromWire, replyToWire, requestFromWire, requestToWire } from '../../src/node/io/peer-codec.js';
import { ringkvProto } from '../../src/proto/load.js';

const exchange = ringkvProto().ringkv.v1.Peer.service.Exchange;

/** Sends messages through the real protobuf serializer and back, as gRPC would. */
function overTheWire(messages: ReturnType<typeof requestToWire>[]): PeerBatch__Output {
  const bytes = exchange.requestSerialize({ from: 'n1', messages });
  return exchange.requestDeserialize(bytes) as PeerBatch__Output;
}

const b = (s: string) => Buffer.from(s);

describe('peer message codec', () => {
  it('carries every request type through protobuf unchanged', () => {
    const requests: PeerRequest[] = [
      { type: 'replicaGet', key: b('k'), forNode: '' },
      { type: 'replicaPut', key: b('k'), state: b('\x01\x02\x03'), forNode: 'n3' },
      {
        type: 'coordinatePut',
        key: b('k'),
        value: b('v'),
        context: 'ctx',
        delete: true,
        options: { consistency: 'all', r: 0, w: 2, timeoutMs: 100, strict: false },
        hops: 2,
      },
      { type: 'transferPull', partition: 7, after: b('last-key'), limit: 500 },
      { type: 'partitionStats', partitions: [1, 2, 300] },
    ];
    const batch = overTheWire(requests.map((r, i) => requestToWire(i + 1, 250, r)));
    expect(batch.from).toBe('n1');
    expect(batch.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
    expect(batch.messages.every((m) => m.budgetMs === 250)).toBe(true);
    expect(batch.messages.map(requestFromWire)).toEqual(requests);
  });

  it('carries every reply type through protobuf unchanged', () => {
    const replies: PeerReply[] = [
      { type: 'replicaReply', found: true, state: b('state') },
      { type: 'error', code: 'UNAVAILABLE', message: 'quorum not reachable' },
      { type: 'error', code: 'UNAVAILABLE', message: 'n2 down', details: { missing: ['n2'] } },
      { type: 'error', code: 'TOO_LARGE', message: 'too big', details: { field: 'value', limit: 1024 } },
    ];
    const batch = overTheWire(replies.map((r, i) => replyToWire(i + 7, r)));
    expect(batch.messages.map(replyFromWire)).toEqual(replies);
  });

  it('does not mistake a reply for a request or the reverse', () => {
    const batch = overTheWire([replyToWire(1, { type: 'replicaReply', found: false, state: b('') })]);
    expect(requestFromWire(batch.messages[0]!)).toBeNull();
    const req = overTheWire([requestToWire(1, 10, { type: 'replicaGet', key: b('k'), forNode: '' })]);
    expect(replyFromWire(req.messages[0]!)).toBeNull();
  });
});
