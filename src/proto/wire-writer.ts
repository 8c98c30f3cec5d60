/**
 * A protobuf writer for the hand-written codecs of the hot stream messages (hot-codec.ts).
 *
 * protobufjs's Writer queues one operation object per field and forks a state per nested message,
 * then walks them to fill the buffer: a few dozen allocations per frame. This one writes into one
 * scratch buffer as it goes. A nested message's length is reserved as one byte and widened after
 * the message is written if it did not fit (the body moves right by the extra bytes): most hot
 * messages are under 128 bytes, and a move is one memmove.
 *
 * Proto3 semantics as protobufjs decodes them: scalars equal to their default are left out (a
 * decoder fills them in), repeated elements and present nested messages are always written (a
 * oneof body's presence is what names it).
 */

/** Scratch size kept between frames; a larger frame's scratch is dropped after it. */
const SCRATCH_BYTES = 64 * 1024;
const SCRATCH_KEEP_BYTES_MAX = 1024 * 1024;

/** Wire types. */
export const VARINT = 0;
export const LENGTH_DELIMITED = 2;

type BytesLike = Uint8Array | string;

export class WireWriter {
  private buf: Buffer = Buffer.allocUnsafe(SCRATCH_BYTES);
  private pos = 0;

  /** Starts a message, leaving `prefix` bytes free at the front of the result. */
  start(prefix: number): void {
    this.pos = 0;
    this.ensure(prefix);
    this.pos = prefix;
  }

  /** The bytes written since start, in a buffer of their own (the prefix left as it is). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    if (this.buf.length > SCRATCH_KEEP_BYTES_MAX) this.buf = Buffer.allocUnsafe(SCRATCH_BYTES);
    return out;
  }

  /** A uint32 field, left out when 0 (the value is taken as protobufjs takes it: `>>> 0`). */
  uint32(field: number, value: number | null | undefined): void {
    if (value === undefined || value === null) return;
    const v = value >>> 0;
    if (v === 0) return;
    this.ensure(10);
    this.varint((field << 3) | VARINT);
    this.varint(v);
  }

  /** A bool field, left out when false. */
  bool(field: number, value: boolean | null | undefined): void {
    if (value !== true) return;
    this.ensure(2);
    this.varint((field << 3) | VARINT);
    this.buf[this.pos++] = 1;
  }

  /** A string field, left out when empty. */
  string(field: number, value: string | null | undefined): void {
    if (value === undefined || value === null || value.length === 0) return;
    this.stringElement(field, value);
  }

  /** One element of a repeated string field (written even when empty). */
  stringElement(field: number, value: string): void {
    const n = value.length;
    this.ensure(10 + 3 * n);
    this.varint((field << 3) | LENGTH_DELIMITED);
    if (n < 128) {
      // ASCII fast path: one length byte, one byte per character.
      const buf = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = at + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, 'utf8');
  }

  /** A bytes field, left out when empty. A string is taken as base64, as protobufjs takes it. */
  bytes(field: number, value: BytesLike | null | undefined): void {
    if (value === undefined || value === null || value.length === 0) return;
    this.bytesElement(field, value);
  }

  /** One element of a repeated bytes field (written even when empty). */
  bytesElement(field: number, value: BytesLike): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    this.ensure(10 + bytes.length);
    this.varint((field << 3) | LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Opens a nested message field; close it with `end(start's result)`. */
  begin(field: number): number {
    this.ensure(6);
    this.varint((field << 3) | LENGTH_DELIMITED);
    this.buf[this.pos] = 0;
    return this.pos++;
  }

  /** Closes the nested message opened at `at`, writing its length there. */
  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    const extra = varintBytes(length) - 1;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.varint(length);
    this.pos = end;
  }

  /** Bytes already encoded as a message (e.g. by protobufjs), as a nested message field. */
  raw(field: number, encoded: Uint8Array): void {
    this.bytesElement(field, encoded);
  }

  private varint(value: number): void {
    const buf = this.buf;
    let v = value >>> 0;
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  private ensure(more: number): void {
    const need = this.pos + more;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

function varintBytes(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * The writer the frame codecs share: encoding a frame runs to the end without yielding, so one
 * scratch buffer per process serves them all.
 */
export const sharedWriter: WireWriter = new WireWriter();
