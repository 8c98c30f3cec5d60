import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { KvFrame } from '../../src/gen/ringkv/v1/KvFrame.js';
import type { KvMessage } from '../../src/gen/ringkv/v1/KvMessage.js';
import type { PeerBatch } from '../../src/gen/ringkv/v1/PeerBatch.js';
import type { PeerMessage } from '../../src/gen/ringkv/v1/PeerMessage.js';
import type { Receipt } from '../../src/gen/ringkv/v1/Receipt.js';
import { PROTO_LOADER_OPTIONS } from '../../src/proto/options.js';
import { kvFrameCodec, peerBatchCodec, protoRoot } from '../../src/proto/stream-codec.js';
import { viaLoader, visible } from '../harness/proto-visible.js';

const CONVERSION = PROTO_LOADER_OPTIONS as protobuf.IConversionOptions;

/** `visible`, with bytes as hex strings: deep equality over large buffers is slow element by element. */
function seen(message: unknown, type: protobuf.Type): unknown {
  const hex = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return `0x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (Array.isArray(v)) return v.map(hex);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hex(x)]));
    return v;
  };
  return hex(visible(message, type));
}

/** A small seeded generator (mulberry32), so a failure replays. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // Lengths around the varint steps (127/128, 16383/16384) as well as small ones.
  const length = () =>
    next() < 0.05 ? pick([16383, 16384, 20000]) : pick([0, 1, 2, 5, 16, 17, 60, 127, 128, 129, 300]);
  const bytes = () => {
    const out = Buffer.allocUnsafe(length());
    for (let i = 0; i < out.length; i++) out[i] = int(256);
    return out;
  };
  const string = () => {
    // Whole code points only: a lone surrogate is not a string either side can carry.
    const alphabet = Array.from(pick(['n12345', 'primary fallback', 'é', '€✓', '😀', '\u007f\u0080 ']));
    let s = '';
    const n = pick([0, 1, 2, 15, 16, 17, 40, 127, 128, 200]);
    while (s.length < n) s += alphabet[int(alphabet.length)]!;
    return s;
  };
  const uint32 = () => pick([0, 1, 127, 128, 16384, 2 ** 31, 2 ** 32 - 1, int(2 ** 32)]);
  return { next, int, pick, bytes, string, uint32, bool: () => next() < 0.5 };
}

type Rng = ReturnType<typeof rng>;

function options(g: Rng) {
  return g.bool()
    ? null
    : { consistency: g.string(), r: g.uint32(), w: g.uint32(), timeoutMs: g.uint32(), strict: g.bool() };
}

function receipt(g: Rng): Receipt | null {
  if (g.next() < 0.2) return null;
  const replies = Array.from({ length: g.int(5) }, () => ({
    nodeId: g.string(),
    role: g.pick(['primary', 'fallback', '']),
    forNode: g.string(),
    ok: g.bool(),
    error: g.string(),
  }));
  return { coordinator: g.string(), replies, readRepair: g.bool(), required: g.uint32(), n: g.uint32() };
}

function kvMessage(g: Rng): KvMessage {
  const id = g.uint32();
  switch (g.int(6)) {
    case 0:
      return { id, get: { key: g.bytes(), options: options(g) } };
    case 1:
      return { id, put: { key: g.bytes(), value: g.bytes(), context: g.string(), options: options(g) } };
    case 2:
      return { id, delete: { key: g.bytes(), context: g.string(), options: options(g) } };
    case 3: {
      const values = Array.from({ length: g.int(4) }, () => g.bytes());
      return { id, getReply: { found: g.bool(), values, context: g.string(), receipt: receipt(g) } };
    }
    case 4:
      return { id, putReply: { context: g.string(), receipt: receipt(g) } };
    default: {
      const missing = Array.from({ length: g.int(4) }, () => g.string());
      return { id, error: { code: g.string(), message: g.string(), field: g.string(), limit: g.uint32(), missing } };
    }
  }
}

function peerMessage(g: Rng): PeerMessage {
  const id = g.uint32();
  const budgetMs = g.uint32();
  switch (g.int(7)) {
    case 0:
      return { id, budgetMs, replicaGet: { key: g.bytes(), forNode: g.string() } };
    case 1:
      return { id, budgetMs, replicaPut: { key: g.bytes(), state: g.bytes(), forNode: g.string() } };
    case 2:
      return { id, replicaReply: { found: g.bool(), state: g.bytes() } };
    case 3:
      return {
        id,
        error: { code: g.string(), message: g.string(), field: '', limit: g.uint32(), missing: [g.string()] },
      };
    // Bodies the codec hands to protobufjs, mixed into the same frames.
    case 4:
      return { id, budgetMs, treeRequest: { partition: g.uint32(), root: g.bytes() } };
    case 5:
      return {
        id,
        partitionStatsReply: { stats: [{ partition: 1, known: true, keys: 2 ** 40 + g.int(9), bytes: 7 }] },
      };
    default:
      return { id, budgetMs };
  }
}

function kvFrame(g: Rng): KvFrame {
  return { messages: Array.from({ length: g.int(8) }, () => kvMessage(g)) };
}

function peerBatch(g: Rng): PeerBatch {
  return { from: g.string(), messages: Array.from({ length: g.int(8) }, () => peerMessage(g)) };
}

const kvType = () => protoRoot().lookupType('ringkv.v1.KvFrame');
const peerType = () => protoRoot().lookupType('ringkv.v1.PeerBatch');

describe('hand-written frame codecs against protobufjs', () => {
  it.each([
    ['KvFrame', 'ringkv.v1.KvFrame', 11, () => kvFrameCodec(), kvFrame],
    ['PeerBatch (hot and protobufjs-coded bodies mixed)', 'ringkv.v1.PeerBatch', 12, () => peerBatchCodec(), peerBatch],
  ] as const)(
    '%s: 300 random frames read back as protobufjs reads them, in both directions',
    (_, name, seed, codecOf, make) => {
      const g = rng(seed);
      const codec = codecOf() as unknown as { serialize(m: object): Buffer; deserialize(b: Uint8Array): object };
      const type = protoRoot().lookupType(name);
      for (let i = 0; i < 300; i++) {
        const message = make(g);
        const expected = seen(viaLoader(name, message), type);
        const ours = codec.serialize(message);
        expect(seen(codec.deserialize(ours), type)).toEqual(expected);
        expect(seen(type.toObject(type.decode(ours), CONVERSION), type)).toEqual(expected);
        const theirs = type.encode(type.fromObject(message)).finish();
        expect(seen(codec.deserialize(theirs), type)).toEqual(expected);
      }
    },
  );

  it('leaves out scalars at their default, so a frame is no larger than protobufjs makes it', () => {
    const g = rng(13);
    for (let i = 0; i < 100; i++) {
      const frame = kvFrame(g);
      const theirs = kvType().encode(kvType().fromObject(frame)).finish();
      expect(kvFrameCodec().serialize(frame).length).toBeLessThanOrEqual(theirs.length);
    }
  });

  it('encodes a small frame correctly after a frame larger than the kept scratch buffer', () => {
    const codec = kvFrameCodec();
    const big: KvFrame = {
      messages: [{ id: 1, put: { key: Buffer.from('k'), value: Buffer.alloc(3 * 1024 * 1024, 9) } }],
    };
    expect(codec.deserialize(codec.serialize(big)).messages[0]!.put!.value.length).toBe(3 * 1024 * 1024);
    const small: KvFrame = { messages: [{ id: 2, get: { key: Buffer.from('small') } }] };
    const decoded = codec.deserialize(codec.serialize(small)).messages[0]!;
    expect(decoded.id).toBe(2);
    expect(decoded.get!.key.toString()).toBe('small');
  });
});

describe('hand-written frame decoders on unusual input', () => {
  it('skips fields they do not know, of every wire type, at every level', () => {
    const unknown = Buffer.from([
      (4 << 3) | 0,
      0x96,
      0x01, // varint
      (5 << 3) | 1,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // fixed64
      (6 << 3) | 2,
      3,
      0x61,
      0x62,
      0x63, // length-delimited
      (7 << 3) | 5,
      1,
      2,
      3,
      4, // fixed32
    ]);
    // A PeerBatch holding one ReplicaPut, with unknown fields in the put, the message and the batch.
    const put = Buffer.concat([Buffer.from([0x0a, 1, 0x6b]), unknown, Buffer.from([0x12, 1, 0x73])]);
    const message = Buffer.concat([Buffer.from([0x08, 7]), unknown, Buffer.from([0x5a, put.length]), put]);
    const batch = Buffer.concat([unknown, Buffer.from([0x12, message.length]), message]);
    const decoded = peerBatchCodec().deserialize(batch);
    expect(decoded.messages).toHaveLength(1);
    const m = decoded.messages[0]!;
    expect(m.id).toBe(7);
    expect(m.body).toBe('replicaPut');
    expect(m.replicaPut!.key.toString()).toBe('k');
    expect(m.replicaPut!.state.toString()).toBe('s');
  });

  it('takes the last oneof member sent, as protobufjs does', () => {
    const batch: PeerBatch = {
      messages: [{ id: 1, replicaGet: { key: Buffer.from('a') }, replicaReply: { found: true } }],
    };
    const bytes = peerType().encode(peerType().fromObject(batch)).finish();
    const m = peerBatchCodec().deserialize(bytes).messages[0]!;
    expect(m.body).toBe('replicaReply');
    expect(m.replicaGet).toBeNull();
    expect(m.replicaReply!.found).toBe(true);
  });

  it('rejects every truncation of a frame with a RangeError or reads only whole messages of it', () => {
    const g = rng(14);
    for (const [codec, make] of [
      [kvFrameCodec(), () => kvFrame(g)],
      [peerBatchCodec(), () => peerBatch(g)],
    ] as const) {
      for (let n = 0; n < 10; n++) {
        const full = codec.serialize(make() as never);
        const whole = codec.deserialize(full).messages.length;
        for (let cut = 0; cut < full.length; cut += Math.max(1, Math.floor(full.length / 97))) {
          let read: number | RangeError;
          try {
            read = codec.deserialize(full.subarray(0, cut)).messages.length;
          } catch (err) {
            read = err as RangeError;
          }
          if (typeof read === 'number') expect(read).toBeLessThan(Math.max(whole, 1));
          else expect(read).toBeInstanceOf(RangeError);
        }
      }
    }
  });

  it('names the fault in malformed frames: a length past the end, an overlong varint, a group', () => {
    const kv = kvFrameCodec();
    expect(() => kv.deserialize(Buffer.from([0x0a, 5, 0x08]))).toThrow(RangeError);
    expect(() =>
      kv.deserialize(Buffer.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])),
    ).toThrow(/varint longer than 10 bytes/);
    expect(() => kv.deserialize(Buffer.from([(5 << 3) | 3]))).toThrow(/unsupported wire type 3/);
    // A nested message (a put of 2 bytes) whose own field claims 3: it runs past its parent.
    expect(() => kv.deserialize(Buffer.from([0x0a, 4, 0x5a, 2, 0x0a, 3, 0x61, 0x62, 0x63]))).toThrow(RangeError);
  });
});
