import { describe, it } from 'vitest';
import { CI_DURATION_S, CI_SEEDS, expectSeedPasses, seedRange } from './sweep-seeds.js';

// Half 2 of the CI sweep (the other half is in sweep-ci-1.test.ts, so both workers share it).
const SEEDS = seedRange(101, CI_SEEDS / 2);

describe(`sweep: seeds ${SEEDS[0]}..${SEEDS.at(-1)}, ${CI_DURATION_S} virtual s each, under the nemesis`, () => {
  it.each(SEEDS)('seed %i keeps every property', async (seed) => {
    await expectSeedPasses(seed);
  });
});
