/** Waiting on the injected clock: a pause, and a token bucket's next grant. */
import type { TokenBucket } from '../antientropy/budget.js';
import type { Clock } from './env.js';

/** Resolves after `ms` on `clock`. */
export function pause(clock: Clock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => clock.setTimer(ms, resolve));
}

/** Takes `n` tokens from `bucket`, waiting on `clock` until it can. */
export async function takeTokens(clock: Clock, bucket: TokenBucket, n: number): Promise<void> {
  for (;;) {
    const now = clock.now();
    if (bucket.tryTake(n, now)) return;
    await pause(clock, Math.max(1, bucket.msUntil(n, now)));
  }
}
