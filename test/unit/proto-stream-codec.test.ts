import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { KvFrame } from '../../src/gen/ringkv/v1/KvFrame.js';
import type { PeerBatch } from '../../src/gen/ringkv/v1/PeerBatch.js';
import { PROTO_LOADER_OPTIONS } from '../../src/proto/options.js';
import { FRAME_PREFIX_BYTES, kvFrameCodec, peerBatchCodec, protoRoot } from '../../src/proto/stream-codec.js';
import { viaLoader, visible } from '../harness/proto-visible.js';

const b = (s: string) => Buffer.from(s);

const PEER_BATCHES: PeerBatch[] = [
  {
    from: 'n1',
    messages: [
      { id: 1, budgetMs: 900, replicaPut: { key: b('k1'), state: b('state'), forNode: '' } },
      { id: 2, budgetMs: 900, replicaPut: { key: b('k2'), state: b('s'), forNode: 'n4' } },
      { id: 3, budgetMs: 10, replicaGet: { key: b('k3'), forNode: '' } },
      { id: 4, replicaReply: { found: false, state: new Uint8Array(0) } },
      { id: 5, replicaReply: { found: true, state: b('version') } },
    ],
  },
  {
    from: 'n2',
    messages: [
      { id: 6, partitionStatsReply: { stats: [{ partition: 3, known: true, keys: 2 ** 40, bytes: 12345 }] } },
      { id: 7, gossip: { epoch: 3, heartbeats: [{ nodeId: 'n1', actor: 'a', startedAtS: 5, counter: 9 }] } },
      { id: 8, error: { code: 'TIMEOUT', message: 'late', field: '', limit: 0, missing: ['n3'] } },
      { id: 9, segmentRequest: { partition: 1, segments: [1, 2, 3] } },
      { id: 10 },
    ],
  },
];

describe('peerBatchCodec', () => {
  const type = protoRoot().lookupType('ringkv.v1.PeerBatch');

  it('decodes to what the loader gives a reader, for hot and cold bodies alike', () => {
    for (const batch of PEER_BATCHES) {
      const codec = peerBatchCodec();
      const decoded = codec.deserialize(codec.serialize(batch));
      expect(visible(decoded, type)).toEqual(visible(viaLoader('ringkv.v1.PeerBatch', batch), type));
    }
  });

  it('gives 64-bit counts as numbers, not Long', () => {
    const codec = peerBatchCodec();
    const decoded = codec.deserialize(codec.serialize(PEER_BATCHES[1]!));
    const stats = decoded.messages[0]!.partitionStatsReply!.stats[0]!;
    expect(stats.keys).toBe(2 ** 40);
    expect(typeof stats.bytes).toBe('number');
  });

  it('shows defaults and the oneof name on a hot message whose fields were left out', () => {
    const codec = peerBatchCodec();
    const decoded = codec.deserialize(
      codec.serialize({ from: 'n1', messages: [{ id: 3, replicaPut: { key: b('k') } }] }),
    );
    const m = decoded.messages[0]!;
    expect(m.body).toBe('replicaPut');
    expect(m.budgetMs).toBe(0);
    expect(m.replicaPut!.forNode).toBe('');
    expect(m.replicaPut!.state.length).toBe(0);
    expect(m.replicaGet).toBeNull();
  });

  it('reads frames the loader serialized, and the loader reads its frames', () => {
    const codec = peerBatchCodec();
    for (const batch of PEER_BATCHES) {
      const loaderBytes = type.encode(type.fromObject(batch)).finish();
      expect(visible(codec.deserialize(loaderBytes), type)).toEqual(
        visible(viaLoader('ringkv.v1.PeerBatch', batch), type),
      );
      const back = type.toObject(
        type.decode(codec.serialize(batch)),
        PROTO_LOADER_OPTIONS as protobuf.IConversionOptions,
      );
      expect(back).toEqual(viaLoader('ringkv.v1.PeerBatch', batch));
    }
  });
});

describe('kvFrameCodec', () => {
  const type = protoRoot().lookupType('ringkv.v1.KvFrame');
  const frame: KvFrame = {
    messages: [
      { id: 1, put: { key: b('k'), value: b('v'), context: 'ctx', options: { consistency: 'all', w: 3 } } },
      { id: 2, get: { key: b('k') } },
      { id: 3, delete: { key: b('k'), context: '' } },
      {
        id: 4,
        getReply: {
          found: true,
          values: [b('a'), b('b')],
          context: 'c',
          receipt: { coordinator: 'n1', replies: [{ nodeId: 'n2', role: 'primary', ok: true }], required: 2, n: 3 },
        },
      },
      { id: 5, error: { code: 'TOO_LARGE', message: 'big', field: 'value', limit: 1024 } },
    ],
  };

  it('decodes to what the loader gives a reader', () => {
    const codec = kvFrameCodec();
    expect(visible(codec.deserialize(codec.serialize(frame)), type)).toEqual(
      visible(viaLoader('ringkv.v1.KvFrame', frame), type),
    );
  });

  it('shows an absent options message as null and absent scalars as their defaults', () => {
    const codec = kvFrameCodec();
    const m = codec.deserialize(codec.serialize(frame)).messages[1]!;
    expect(m.body).toBe('get');
    expect(m.get!.options).toBeNull();
    const put = codec.deserialize(codec.serialize(frame)).messages[0]!.put!;
    expect(put.options!.r).toBe(0);
    expect(put.options!.strict).toBe(false);
    expect(put.options!.timeoutMs).toBe(0);
  });
});

describe('serializeFramed', () => {
  it('gives the same encoding as serialize, after four free bytes, in one buffer', () => {
    const peer = peerBatchCodec();
    for (const batch of PEER_BATCHES) {
      const framed = peer.serializeFramed!(batch);
      expect(framed.length).toBe(FRAME_PREFIX_BYTES + peer.serialize(batch).length);
      expect(framed.subarray(FRAME_PREFIX_BYTES).equals(peer.serialize(batch))).toBe(true);
    }
    const kv = kvFrameCodec();
    const frame: KvFrame = { messages: [{ id: 1, put: { key: b('k'), value: b('v'.repeat(300)), context: '' } }] };
    expect(kv.serializeFramed!(frame).subarray(FRAME_PREFIX_BYTES).equals(kv.serialize(frame))).toBe(true);
  });
});
