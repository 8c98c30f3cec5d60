/**
 * A protobuf reader for the hand-written codecs of the hot stream messages (hot-codec.ts). Bytes
 * fields are views into the frame, as protobufjs's reader gives them. Malformed input (a varint
 * over 10 bytes, a length past the end, a group or unknown wire type) throws a RangeError; a field
 * a codec does not know is skipped, so newer senders with more fields stay readable.
 */

const EMPTY = Buffer.alloc(0);

/** Strings up to this length are decoded in JS when they are ASCII; longer ones natively. */
const SHORT_STRING_BYTES = 16;

/** Node's Buffer decodes UTF-8 with this method, which toString calls after checking its arguments. */
interface Utf8Slicing {
  utf8Slice(start: number, end: number): string;
}

export class WireReader {
  pos: number;
  readonly buf: Buffer;
  readonly end: number;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = this.buf.length;
  }

  /** A varint as an unsigned 32-bit number (higher bits dropped, as protobufjs's uint32 does). */
  varint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('varint past the end of the message');
      const b = buf[this.pos++]!;
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) return value >>> 0;
      shift += 7;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** The end offset of the length-delimited field that starts here. */
  limit(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new RangeError(`field of ${length} bytes runs past the end of the message`);
    return end;
  }

  bytes(): Buffer {
    const end = this.limit();
    const start = this.pos;
    this.pos = end;
    // Buffer's own slice is a view, like subarray, without the typed-array species lookup.
    return start === end ? EMPTY : this.buf.slice(start, end);
  }

  string(): string {
    const end = this.limit();
    const start = this.pos;
    this.pos = end;
    if (end - start <= SHORT_STRING_BYTES) {
      // Short ASCII strings (node ids, roles, codes) are cheaper to build here than natively.
      const buf = this.buf;
      let s = '';
      let i = start;
      for (; i < end; i++) {
        const c = buf[i]!;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === end) return s;
    }
    return (this.buf as unknown as Utf8Slicing).utf8Slice(start, end);
  }

  /** Skips a field of wire type `wireType` whose tag was just read. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.pos = this.limit();
        return;
      case 5:
        this.advance(4);
        return;
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new RangeError('field runs past the end of the message');
    this.pos += n;
  }
}

/** The empty bytes value shared by decoded messages (length 0: nothing to write into). */
export const EMPTY_BYTES: Buffer = EMPTY;
