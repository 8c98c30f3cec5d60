import { describe, expect, it } from 'vitest';
import { realClock, realRandom } from '../../src/node/io/env-real.js';

describe('the production environment', () => {
  it('draws uniform numbers in [0, 1)', () => {
    const draws = Array.from({ length: 10_000 }, () => realRandom.next());
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(realRandom.hex(4)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('cancels timers', async () => {
    let fired = false;
    const cancel = realClock.setTimer(5, () => {
      fired = true;
    });
    cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
  });
});
