/**
 * A latency histogram in the manner of HdrHistogram: log-linear buckets with 128 sub-buckets per
 * power of two, so every recorded value is kept within 1/128 (< 0.8%) of its true value, in
 * constant memory (about 4k counters) whatever the number of samples.
 */

/** Sub-buckets per power of two (a power of two itself). */
const SUB_BUCKETS = 128;
const SUB_BITS = 7;
/** Values below this are counted exactly. */
const LINEAR_MAX = 2 * SUB_BUCKETS;
/** Largest value kept (larger ones are clamped): 2^32 - 1 units. */
const VALUE_MAX = 0xffffffff;
const BUCKETS = LINEAR_MAX + (32 - SUB_BITS - 1) * SUB_BUCKETS;

/** The bucket of a non-negative integer value. */
export function bucketOf(value: number): number {
  const v = Math.min(VALUE_MAX, Math.max(0, Math.floor(value)));
  if (v < LINEAR_MAX) return v;
  const top = 31 - Math.clz32(v); // v in [2^top, 2^(top+1)), top >= 8
  const shift = top - SUB_BITS;
  return LINEAR_MAX + (top - SUB_BITS - 1) * SUB_BUCKETS + ((v >>> shift) - SUB_BUCKETS);
}

/** The largest value that falls in `bucket` (what a percentile reports, as HdrHistogram does). */
export function highestInBucket(bucket: number): number {
  if (bucket < LINEAR_MAX) return bucket;
  const octave = Math.floor((bucket - LINEAR_MAX) / SUB_BUCKETS);
  const sub = (bucket - LINEAR_MAX) % SUB_BUCKETS;
  const shift = octave + 1;
  return (SUB_BUCKETS + sub + 1) * 2 ** shift - 1;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = 0;

  /** Records one value (an integer count of units, e.g. microseconds). */
  record(value: number): void {
    this.counts[bucketOf(value)]! += 1;
    this.n++;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
  }

  /** Adds every sample of `other`. */
  add(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.n += other.n;
    this.sum += other.sum;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }

  get max(): number {
    return this.maxValue;
  }

  get min(): number {
    return this.n === 0 ? 0 : this.minValue;
  }

  /** The value at percentile `p` (0..100): no more than p% of samples are above it; 0 when empty. */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(highestInBucket(i), this.maxValue);
    }
    return this.maxValue;
  }
}
