/** Byte helpers shared by every layer. */
import { Buffer } from 'node:buffer';

/** Longest array turned into a string with one String.fromCharCode call (far below its argument limit). */
const CHAR_CODE_ARGS_MAX = 4096;

/**
 * The bytes as a latin1 string, one character per byte (a Map key for a byte string). Short arrays
 * go through String.fromCharCode: reading `.buffer` of a small Uint8Array, as Buffer.from(buffer)
 * must, makes V8 move it off the heap (a malloc and a tracked backing store), several times the
 * cost of the conversion itself.
 */
export function latin1(bytes: Uint8Array): string {
  if (bytes.length <= CHAR_CODE_ARGS_MAX) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Whether two byte strings are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
