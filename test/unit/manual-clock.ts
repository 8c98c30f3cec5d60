/** A Clock for unit tests: time moves and timers fire only when the test calls advance(). */
import type { Clock } from '../../src/node/env.js';

export function manualClock(): { clock: Clock; advance: (ms: number) => void } {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimer(ms, fn) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers) {
      if (!t.live || t.at > now) continue;
      t.live = false;
      t.fn();
    }
  };
  return { clock, advance };
}
