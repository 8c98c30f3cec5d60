/**
 * A hand-written protobuf codec of KvFrame (KV.Stream, the SDK's stream to a coordinator): the
 * wire format protobufjs reads and writes, without its per-field writer operations and
 * per-message instances. Every KvMessage body is coded here.
 *
 * Decoded messages are plain objects of one shape per message type with every field present, as
 * proto-loader's `toObject` with `defaults` and `oneofs` gives them: a message field not sent is
 * null, and `body` names the oneof member that was sent.
 */
import type { KvFrame, KvFrame__Output } from '../gen/ringkv/v1/KvFrame.js';
import type { KvMessage, KvMessage__Output } from '../gen/ringkv/v1/KvMessage.js';
import {
  closed,
  type Decoding,
  readError,
  readOptions,
  readReceipt,
  setBody,
  writeError,
  writeOptions,
  writeReceipt,
} from './hot-fields.js';
import { EMPTY_BYTES, WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';
import { sharedWriter } from './wire-writer.js';

// Tags are written as numbers: field number * 8 + wire type (0 varint, 2 length-delimited).

/** KvFrame's encoding after `prefix` free bytes. */
export function encodeKvFrame(frame: KvFrame, prefix: number): Buffer {
  const w = sharedWriter;
  w.start(prefix);
  for (const m of frame.messages ?? []) {
    const at = w.begin(1);
    w.uint32(1, m.id);
    writeKvBody(w, m);
    w.end(at);
  }
  return w.finish();
}

function writeKvBody(w: WireWriter, m: KvMessage): void {
  if (m.get !== undefined && m.get !== null) {
    const at = w.begin(10);
    w.bytes(1, m.get.key);
    writeOptions(w, 2, m.get.options);
    w.end(at);
  } else if (m.put !== undefined && m.put !== null) {
    const at = w.begin(11);
    w.bytes(1, m.put.key);
    w.bytes(2, m.put.value);
    w.string(3, m.put.context);
    writeOptions(w, 4, m.put.options);
    w.end(at);
  } else if (m.delete !== undefined && m.delete !== null) {
    const at = w.begin(12);
    w.bytes(1, m.delete.key);
    w.string(2, m.delete.context);
    writeOptions(w, 3, m.delete.options);
    w.end(at);
  } else if (m.getReply !== undefined && m.getReply !== null) {
    const at = w.begin(20);
    w.bool(1, m.getReply.found);
    for (const v of m.getReply.values ?? []) w.bytesElement(2, v);
    w.string(3, m.getReply.context);
    writeReceipt(w, 4, m.getReply.receipt);
    w.end(at);
  } else if (m.putReply !== undefined && m.putReply !== null) {
    const at = w.begin(21);
    w.string(1, m.putReply.context);
    writeReceipt(w, 2, m.putReply.receipt);
    w.end(at);
  } else if (m.error !== undefined && m.error !== null) {
    writeError(w, 22, m.error);
  }
}

/** Decodes a KvFrame; throws a RangeError on malformed bytes. */
export function decodeKvFrame(bytes: Uint8Array): KvFrame__Output {
  const r = new WireReader(bytes);
  const messages: KvMessage__Output[] = [];
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 10) messages.push(readKvMessage(r));
    else r.skip(tag & 7);
  }
  return { messages };
}

function readKvMessage(r: WireReader): KvMessage__Output {
  const end = r.limit();
  const m: Decoding<KvMessage__Output> = {
    id: 0,
    body: undefined,
    get: null,
    put: null,
    delete: null,
    getReply: null,
    putReply: null,
    error: null,
  };
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 8:
        m.id = r.varint();
        break;
      case 82:
        m.get = readGet(r);
        setBody(m, 'get');
        break;
      case 90:
        m.put = readPut(r);
        setBody(m, 'put');
        break;
      case 98:
        m.delete = readDelete(r);
        setBody(m, 'delete');
        break;
      case 162:
        m.getReply = readGetReply(r);
        setBody(m, 'getReply');
        break;
      case 170:
        m.putReply = readPutReply(r);
        setBody(m, 'putReply');
        break;
      case 178:
        m.error = readError(r);
        setBody(m, 'error');
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return closed(r, end, m) as KvMessage__Output;
}

function readGet(r: WireReader): NonNullable<KvMessage__Output['get']> {
  const end = r.limit();
  const g: NonNullable<KvMessage__Output['get']> = { key: EMPTY_BYTES, options: null };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) g.key = r.bytes();
    else if (tag === 18) g.options = readOptions(r);
    else r.skip(tag & 7);
  }
  return closed(r, end, g);
}

function readPut(r: WireReader): NonNullable<KvMessage__Output['put']> {
  const end = r.limit();
  const p: NonNullable<KvMessage__Output['put']> = { key: EMPTY_BYTES, value: EMPTY_BYTES, context: '', options: null };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) p.key = r.bytes();
    else if (tag === 18) p.value = r.bytes();
    else if (tag === 26) p.context = r.string();
    else if (tag === 34) p.options = readOptions(r);
    else r.skip(tag & 7);
  }
  return closed(r, end, p);
}

function readDelete(r: WireReader): NonNullable<KvMessage__Output['delete']> {
  const end = r.limit();
  const d: NonNullable<KvMessage__Output['delete']> = { key: EMPTY_BYTES, context: '', options: null };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) d.key = r.bytes();
    else if (tag === 18) d.context = r.string();
    else if (tag === 26) d.options = readOptions(r);
    else r.skip(tag & 7);
  }
  return closed(r, end, d);
}

function readGetReply(r: WireReader): NonNullable<KvMessage__Output['getReply']> {
  const end = r.limit();
  const g: NonNullable<KvMessage__Output['getReply']> = { found: false, values: [], context: '', receipt: null };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 8) g.found = r.bool();
    else if (tag === 18) g.values.push(r.bytes());
    else if (tag === 26) g.context = r.string();
    else if (tag === 34) g.receipt = readReceipt(r);
    else r.skip(tag & 7);
  }
  return closed(r, end, g);
}

function readPutReply(r: WireReader): NonNullable<KvMessage__Output['putReply']> {
  const end = r.limit();
  const p: NonNullable<KvMessage__Output['putReply']> = { context: '', receipt: null };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) p.context = r.string();
    else if (tag === 18) p.receipt = readReceipt(r);
    else r.skip(tag & 7);
  }
  return closed(r, end, p);
}
