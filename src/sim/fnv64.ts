/**
 * FNV-1a, 64-bit, over 32-bit integer halves (no BigInt on the hot path): the simulator's trace
 * hash and the way a random stream's label becomes its seed. Not cryptographic.
 */

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_32 = 0x1_0000_0000;

/** A running FNV-1a 64 hash; feed strings, read 16 hex digits. */
export class Fnv64 {
  private hi = OFFSET_HI;
  private lo = OFFSET_LO;

  /** Mixes in the UTF-16 code units of `s` (each as two bytes) and a 0xff separator. */
  update(s: string): this {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c & 0xff);
      this.byte(c >>> 8);
    }
    this.byte(0xff);
    return this;
  }

  /** The hash so far as 16 lowercase hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }

  /** The two 32-bit halves, high first. */
  words(): readonly [number, number] {
    return [this.hi, this.lo];
  }

  private byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    // x * 0x100000001b3 = x * 0x1b3 + (x << 40); every product below stays under 2^53.
    const loProduct = lo * 0x1b3;
    const carry = Math.floor(loProduct / TWO_32);
    this.lo = loProduct % TWO_32;
    this.hi = (this.hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % TWO_32;
  }
}

/** FNV-1a 64 of one string as 16 hex digits. */
export function fnv64Hex(s: string): string {
  return new Fnv64().update(s).hex();
}
