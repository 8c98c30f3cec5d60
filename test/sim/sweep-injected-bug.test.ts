import { describe, expect, it } from 'vitest';
import { runSeed, type SeedResult } from '../../src/sim/sweep.js';
import { CI_DURATION_S, CI_SEEDS, explain, seedRange } from './sweep-seeds.js';

describe('the sweep catches a deliberately injected bug', () => {
  it('with ackBeforeQuorum, a seed of the CI sweep breaks a property; the same seed passes without the bug', async () => {
    let caught: SeedResult | null = null;
    for (const seed of seedRange(1, CI_SEEDS)) {
      const result = await runSeed(seed, { durationS: CI_DURATION_S, ackBeforeQuorum: true });
      if (!result.ok) {
        caught = result;
        break;
      }
    }
    expect(caught, `no violation in ${CI_SEEDS} seeds with the bug injected`).not.toBeNull();
    const found = caught!;
    console.log(`ackBeforeQuorum caught by ${explain(found, true)}`);
    // The checkers that can see a write acknowledged by fewer than W replicas, at the final strict
    // reads or at the quorum reads taken first once the cluster healed.
    expect(found.violations.map((v) => v.check)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^(healed-quorum-read:)?(stale-read|lost-write|set-element|siblings)$/),
      ]),
    );
    const clean = await runSeed(found.seed, { durationS: CI_DURATION_S });
    expect(clean.violations, explain(clean)).toEqual([]);
  }, 180_000);
});
