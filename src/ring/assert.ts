/** Throws when a caller inside ringkv broke a ring contract; such errors are bugs, never caught. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`ring: ${message}`);
}

/** True for an integer power of two in 1..max, the only partition counts whose top hash bits map evenly. */
export function isPowerOfTwo(q: number, max: number): boolean {
  return Number.isInteger(q) && q >= 1 && q <= max && (q & (q - 1)) === 0;
}

/** Orders node ids by UTF-16 code units, so every process sorts identically whatever its locale. */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
