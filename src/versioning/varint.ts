/**
 * Unsigned LEB128 varints over Number (values up to 2^53 - 1) and a bounds-checked reader, shared by
 * the DVV set codec and the context codec. Internal to src/versioning.
 */

/** Longest varint of a safe integer: 53 bits in 7-bit groups. */
const VARINT_BYTES_MAX = 8;

/** Bytes needed to write `value` as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  // Division rather than >>> because counters may exceed 32 bits.
  for (let v = value; v >= 128; v = Math.floor(v / 128)) size++;
  return size;
}

/** Writes `value` (a non-negative safe integer) at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint: not a non-negative safe integer: ${value}`);
  let v = value;
  let at = offset;
  while (v >= 128) {
    out[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

/** Reads from a byte array and never past it; every malformation is reported through `fail`. */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly fail: (reason: string) => never,
  ) {}

  /** Bytes not yet read. */
  remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** One raw byte. */
  byte(): number {
    if (this.offset >= this.bytes.length) return this.fail('unexpected end of input');
    return this.bytes[this.offset++]!;
  }

  /** A minimal-length varint of at most 2^53 - 1; overlong encodings are rejected so bytes stay canonical. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      const b = this.byte();
      value += (b & 127) * scale;
      if (b < 128) {
        if (b === 0 && i > 0) return this.fail('overlong varint');
        if (!Number.isSafeInteger(value)) return this.fail('varint exceeds 2^53 - 1');
        return value;
      }
      scale *= 128;
    }
    return this.fail('varint longer than 8 bytes');
  }

  /** The next `length` bytes as a view into the input (no copy). */
  view(length: number): Uint8Array {
    if (length > this.remaining()) return this.fail(`length ${length} exceeds the ${this.remaining()} bytes left`);
    const start = this.offset;
    this.offset += length;
    return this.bytes.subarray(start, this.offset);
  }

  /** Fails unless the whole input was consumed, so trailing garbage is not silently ignored. */
  end(): void {
    if (this.remaining() !== 0) this.fail(`${this.remaining()} trailing bytes`);
  }
}
