/**
 * Which record an operation touches: uniform, or zipfian as YCSB draws it (Gray et al., "Quickly
 * generating billion-record synthetic databases", theta 0.99), scrambled by a hash so that the
 * popular records are spread over the key space instead of being the first ones.
 */

export type Distribution = 'uniform' | 'zipfian';
export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'zipfian'];

/** YCSB's default skew. */
export const ZIPFIAN_THETA = 0.99;

/** Draws record indexes in 0..records-1; `random` returns numbers in [0, 1). */
export type KeyChooser = () => number;

export function uniformChooser(records: number, random: () => number = Math.random): KeyChooser {
  return () => Math.floor(random() * records);
}

function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / i ** theta;
  return sum;
}

/** Zipfian ranks 0..records-1 (0 the most popular), unscrambled. */
export function zipfianRanks(records: number, random: () => number = Math.random, theta = ZIPFIAN_THETA): KeyChooser {
  const zetan = zeta(records, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - (2 / records) ** (1 - theta)) / (1 - zeta2 / zetan);
  const half = 1 + 0.5 ** theta;
  return () => {
    const u = random();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < half) return Math.min(1, records - 1);
    return Math.min(records - 1, Math.floor(records * (eta * u - eta + 1) ** alpha));
  };
}

/** FNV-1a over the four bytes of a 32-bit integer. */
export function fnv32(x: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) {
    h ^= (x >>> (8 * i)) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Zipfian over records, the rank hashed onto a record so hot keys land all over the ring. */
export function zipfianChooser(records: number, random: () => number = Math.random): KeyChooser {
  const rank = zipfianRanks(records, random);
  return () => fnv32(rank()) % records;
}

export function keyChooser(distribution: Distribution, records: number, random?: () => number): KeyChooser {
  return distribution === 'uniform' ? uniformChooser(records, random) : zipfianChooser(records, random);
}

/** The key of record `i`, YCSB style: "user" and ten digits. */
export function recordKey(i: number): string {
  return `user${String(i).padStart(10, '0')}`;
}
