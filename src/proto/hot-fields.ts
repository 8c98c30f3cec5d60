/**
 * Message parts shared by the hand-written frame codecs (kv-frame-codec.ts, peer-batch-codec.ts):
 * request options, error replies, receipts.
 */
import type { ErrorReply, ErrorReply__Output } from '../gen/ringkv/v1/ErrorReply.js';
import type { Receipt, Receipt__Output } from '../gen/ringkv/v1/Receipt.js';
import type { ReceiptReply__Output } from '../gen/ringkv/v1/ReceiptReply.js';
import type { RequestOptions, RequestOptions__Output } from '../gen/ringkv/v1/RequestOptions.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

// Tags are written as numbers: field number * 8 + wire type (0 varint, 2 length-delimited).

export function writeOptions(w: WireWriter, field: number, o: RequestOptions | null | undefined): void {
  if (o === undefined || o === null) return;
  const at = w.begin(field);
  w.string(1, o.consistency);
  w.uint32(2, o.r);
  w.uint32(3, o.w);
  w.uint32(4, o.timeoutMs);
  w.bool(5, o.strict);
  w.end(at);
}

export function readOptions(r: WireReader): RequestOptions__Output {
  const end = r.limit();
  const o: RequestOptions__Output = { consistency: '', r: 0, w: 0, timeoutMs: 0, strict: false };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) o.consistency = r.string();
    else if (tag === 16) o.r = r.varint();
    else if (tag === 24) o.w = r.varint();
    else if (tag === 32) o.timeoutMs = r.varint();
    else if (tag === 40) o.strict = r.bool();
    else r.skip(tag & 7);
  }
  return closed(r, end, o);
}

/** ErrorReply and KvError: the same fields. */
export function writeError(w: WireWriter, field: number, e: ErrorReply): void {
  const at = w.begin(field);
  w.string(1, e.code);
  w.string(2, e.message);
  w.string(3, e.field);
  w.uint32(4, e.limit);
  for (const m of e.missing ?? []) w.stringElement(5, m);
  w.end(at);
}

export function readError(r: WireReader): ErrorReply__Output {
  const end = r.limit();
  const e: ErrorReply__Output = { code: '', message: '', field: '', limit: 0, missing: [] };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) e.code = r.string();
    else if (tag === 18) e.message = r.string();
    else if (tag === 26) e.field = r.string();
    else if (tag === 32) e.limit = r.varint();
    else if (tag === 42) e.missing.push(r.string());
    else r.skip(tag & 7);
  }
  return closed(r, end, e);
}

export function writeReceipt(w: WireWriter, field: number, receipt: Receipt | null | undefined): void {
  if (receipt === undefined || receipt === null) return;
  const at = w.begin(field);
  w.string(1, receipt.coordinator);
  for (const reply of receipt.replies ?? []) {
    const r = w.begin(2);
    w.string(1, reply.nodeId);
    w.string(2, reply.role);
    w.string(3, reply.forNode);
    w.bool(4, reply.ok);
    w.string(5, reply.error);
    w.end(r);
  }
  w.bool(3, receipt.readRepair);
  w.uint32(4, receipt.required);
  w.uint32(5, receipt.n);
  w.end(at);
}

export function readReceipt(r: WireReader): Receipt__Output {
  const end = r.limit();
  const receipt: Receipt__Output = { coordinator: '', replies: [], readRepair: false, required: 0, n: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) receipt.coordinator = r.string();
    else if (tag === 18) receipt.replies.push(readReceiptReply(r));
    else if (tag === 24) receipt.readRepair = r.bool();
    else if (tag === 32) receipt.required = r.varint();
    else if (tag === 40) receipt.n = r.varint();
    else r.skip(tag & 7);
  }
  return closed(r, end, receipt);
}

function readReceiptReply(r: WireReader): ReceiptReply__Output {
  const end = r.limit();
  const reply: ReceiptReply__Output = { nodeId: '', role: '', forNode: '', ok: false, error: '' };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) reply.nodeId = r.string();
    else if (tag === 18) reply.role = r.string();
    else if (tag === 26) reply.forNode = r.string();
    else if (tag === 32) reply.ok = r.bool();
    else if (tag === 42) reply.error = r.string();
    else r.skip(tag & 7);
  }
  return closed(r, end, reply);
}

/** A message with a oneof while it is decoded: no member named until one is read. */
export type Decoding<M extends { body?: string }> = Omit<M, 'body'> & { body: M['body'] | undefined };

/**
 * Names `body` as the decoded message's oneof member, clearing an earlier, other one: the last
 * member sent wins, as in protobufjs.
 */
export function setBody<M extends { body?: string }>(m: Decoding<M>, body: NonNullable<M['body']>): void {
  if (m.body !== undefined && m.body !== body) (m as unknown as Record<string, unknown>)[m.body] = null;
  m.body = body;
}

/** A nested message must end exactly where its length said. */
export function closed<T>(r: WireReader, end: number, value: T): T {
  if (r.pos !== end) throw new RangeError('a field runs past the end of its message');
  return value;
}
