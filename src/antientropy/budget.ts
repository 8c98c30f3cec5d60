/**
 * Bounds on anti-entropy work, pure: the caller passes the time (Env clock, ms) to every call.
 * A token bucket limits keys repaired per second; a counter limits exchanges in flight.
 */

import { assert } from '../ring/assert.js';

// Tokens are held in thousandths, so with integer rates and integer ms every refill is exact.
const SCALE = 1000;

/**
 * A token bucket of `capacity` tokens refilled at `ratePerSecond`, full at creation. Over any window of
 * t ms it grants at most capacity + ratePerSecond × t / 1000 tokens. Time going backwards refills nothing.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly capacity: number;
  #scaled: number;
  #last: number;

  constructor(ratePerSecond: number, capacity: number, now: number) {
    assert(Number.isFinite(ratePerSecond) && ratePerSecond > 0, `rate must be positive, got ${ratePerSecond}`);
    assert(Number.isInteger(capacity) && capacity >= 1, `capacity must be a positive integer, got ${capacity}`);
    assert(Number.isFinite(now), `now must be finite, got ${now}`);
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.#scaled = capacity * SCALE;
    this.#last = now;
  }

  /** Whole tokens available at `now`. O(1). */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#scaled / SCALE);
  }

  /** Takes up to `wanted` tokens and returns how many it took (0 when empty). O(1). */
  take(wanted: number, now: number): number {
    assert(Number.isInteger(wanted) && wanted >= 0, `wanted must be a non-negative integer, got ${wanted}`);
    const granted = Math.min(wanted, this.available(now));
    this.#scaled -= granted * SCALE;
    return granted;
  }

  /** Takes exactly `n` tokens if available, else none. O(1). */
  tryTake(n: number, now: number): boolean {
    assert(Number.isInteger(n) && n >= 0, `n must be a non-negative integer, got ${n}`);
    if (this.available(now) < n) return false;
    this.#scaled -= n * SCALE;
    return true;
  }

  /** Milliseconds from `now` until `n` (≤ capacity) tokens are available; 0 if they are now. O(1). */
  msUntil(n: number, now: number): number {
    assert(Number.isInteger(n) && n >= 0 && n <= this.capacity, `n must be an integer in 0..${this.capacity}`);
    this.#refill(now);
    const missing = n * SCALE - this.#scaled;
    return missing <= 0 ? 0 : Math.ceil(missing / this.ratePerSecond);
  }

  #refill(now: number): void {
    assert(Number.isFinite(now), `now must be finite, got ${now}`);
    if (now <= this.#last) return;
    this.#scaled = Math.min(this.capacity * SCALE, this.#scaled + (now - this.#last) * this.ratePerSecond);
    this.#last = now;
  }
}

/** The limits of a RepairBudget. */
export interface RepairLimits {
  /** Keys repaired per second, sustained. */
  readonly keysPerSecond: number;
  /** Keys that may be repaired in one burst after idling; defaults to keysPerSecond (rounded up). */
  readonly keysBurst?: number;
  /** Exchanges running at once on this node. */
  readonly exchangesInFlightMax: number;
}

/** The anti-entropy budget of one node: exchanges in flight and keys repaired per second. */
export class RepairBudget {
  readonly exchangesInFlightMax: number;
  readonly #keys: TokenBucket;
  #inFlight = 0;

  constructor(limits: RepairLimits, now: number) {
    const { exchangesInFlightMax: max } = limits;
    assert(Number.isInteger(max) && max >= 1, `exchangesInFlightMax must be a positive integer, got ${max}`);
    this.exchangesInFlightMax = max;
    this.#keys = new TokenBucket(limits.keysPerSecond, limits.keysBurst ?? Math.ceil(limits.keysPerSecond), now);
  }

  /** Exchanges started and not yet ended. */
  get exchangesInFlight(): number {
    return this.#inFlight;
  }

  /** Claims an exchange slot; false when all are taken. Pair every true with one endExchange(). O(1). */
  tryBeginExchange(): boolean {
    if (this.#inFlight >= this.exchangesInFlightMax) return false;
    this.#inFlight++;
    return true;
  }

  /** Releases a slot claimed by tryBeginExchange. O(1). */
  endExchange(): void {
    assert(this.#inFlight > 0, 'endExchange without a matching tryBeginExchange');
    this.#inFlight--;
  }

  /** Grants up to `wanted` keys to repair now; the caller repairs exactly that many, the rest later. O(1). */
  takeKeys(wanted: number, now: number): number {
    return this.#keys.take(wanted, now);
  }

  /** Milliseconds until `n` keys (at most the burst) can be granted. O(1). */
  msUntilKeys(n: number, now: number): number {
    return this.#keys.msUntil(Math.min(n, this.#keys.capacity), now);
  }
}
