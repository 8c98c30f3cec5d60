import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RepairBudget, TokenBucket } from '../../src/antientropy/budget.js';

const bucketParams = fc.record({
  rate: fc.integer({ min: 1, max: 5000 }),
  capacity: fc.integer({ min: 1, max: 200 }),
  start: fc.integer({ min: 0, max: 2 ** 40 }),
});
const steps = fc.array(
  fc.record({ dt: fc.integer({ min: 0, max: 500 }), wanted: fc.integer({ min: 0, max: 300 }), all: fc.boolean() }),
  { maxLength: 80 },
);

describe('TokenBucket', () => {
  it('never grants more than capacity + rate × elapsed over any window', () => {
    fc.assert(
      fc.property(bucketParams, steps, ({ rate, capacity, start }, ops) => {
        const bucket = new TokenBucket(rate, capacity, start);
        const grants: { at: number; n: number }[] = [];
        let now = start;
        for (const { dt, wanted, all } of ops) {
          now += dt;
          const n = all ? (bucket.tryTake(wanted, now) ? wanted : 0) : bucket.take(wanted, now);
          expect(n).toBeLessThanOrEqual(wanted);
          grants.push({ at: now, n });
        }
        for (let i = 0; i < grants.length; i++) {
          let sum = 0;
          for (let j = i; j < grants.length; j++) {
            sum += grants[j]!.n;
            expect(sum).toBeLessThanOrEqual(capacity + (rate * (grants[j]!.at - grants[i]!.at)) / 1000);
          }
        }
      }),
    );
  });

  it('grants n tokens exactly msUntil(n) later, and not a millisecond sooner', () => {
    fc.assert(
      fc.property(bucketParams, steps, fc.nat(), ({ rate, capacity, start }, ops, pick) => {
        const bucket = new TokenBucket(rate, capacity, start);
        let now = start;
        for (const { dt, wanted } of ops) {
          now += dt;
          bucket.take(wanted, now);
        }
        const n = pick % (capacity + 1);
        const wait = bucket.msUntil(n, now);
        if (wait > 0) expect(bucket.available(now + wait - 1)).toBeLessThan(n);
        expect(bucket.tryTake(n, now + wait)).toBe(true);
      }),
    );
  });

  it('starts full, caps at capacity after idling, and refills nothing when time goes back', () => {
    const bucket = new TokenBucket(10, 5, 1000);
    expect(bucket.take(8, 1000)).toBe(5);
    expect(bucket.take(1, 1000)).toBe(0);
    expect(bucket.available(1100)).toBe(1);
    expect(bucket.available(500)).toBe(1);
    expect(bucket.available(1_000_000)).toBe(5);
    expect(bucket.tryTake(6, 1_000_000)).toBe(false);
    expect(bucket.available(1_000_000)).toBe(5);
  });

  it('rejects invalid parameters as programmer errors', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(/rate/);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(/capacity/);
    expect(() => new TokenBucket(1, 1, Number.NaN)).toThrow(/now/);
    expect(() => new TokenBucket(1, 1, 0).take(-1, 0)).toThrow(/wanted/);
    expect(() => new TokenBucket(1, 1, 0).msUntil(2, 0)).toThrow(/n must be/);
  });
});

describe('RepairBudget', () => {
  it('bounds exchanges in flight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { maxLength: 100 }), (max, begins) => {
        const budget = new RepairBudget({ keysPerSecond: 100, exchangesInFlightMax: max }, 0);
        let running = 0;
        for (const begin of begins) {
          if (begin) {
            const started = budget.tryBeginExchange();
            expect(started).toBe(running < max);
            if (started) running++;
          } else if (running > 0) {
            budget.endExchange();
            running--;
          }
          expect(budget.exchangesInFlight).toBe(running);
        }
      }),
    );
    expect(() => new RepairBudget({ keysPerSecond: 1, exchangesInFlightMax: 1 }, 0).endExchange()).toThrow(
      /endExchange/,
    );
  });

  it('grants keys at the configured rate and burst', () => {
    const budget = new RepairBudget({ keysPerSecond: 100, keysBurst: 20, exchangesInFlightMax: 1 }, 0);
    expect(budget.takeKeys(50, 0)).toBe(20);
    expect(budget.msUntilKeys(50, 0)).toBe(200); // capped at the burst: 20 keys at 100/s
    expect(budget.takeKeys(50, 100)).toBe(10);
    const defaults = new RepairBudget({ keysPerSecond: 2.5, exchangesInFlightMax: 1 }, 0);
    expect(defaults.takeKeys(10, 0)).toBe(3);
  });
});
