/** The CI sweep's seeds, split in halves so that two test files run them on two workers. */
import { expect } from 'vitest';
import { runSeed, type SeedResult } from '../../src/sim/sweep.js';
import { parseSweepArgs, replayCommand } from '../../src/sim/sweep-cli.js';

/** At least 200 seeds of at least 60 virtual seconds each (issue 7). */
export const CI_SEEDS = 200;
export const CI_DURATION_S = 60;

/** Seeds [from, from + count). */
export function seedRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A failure message with the violations and the command that replays the seed bit for bit. */
export function explain(result: SeedResult, bug = false): string {
  const args = parseSweepArgs(bug ? ['--inject-bug', 'ack-before-quorum'] : []);
  const lines = result.violations.map((v) => `  ${v.check} ${v.key}: ${v.message}`);
  return [`seed ${result.seed} failed:`, ...lines, `replay: ${replayCommand(result.seed, args)}`].join('\n');
}

/** Runs one seed of the CI sweep and asserts it keeps every property. */
export async function expectSeedPasses(seed: number): Promise<void> {
  const result = await runSeed(seed, { durationS: CI_DURATION_S });
  expect(result.violations, explain(result)).toEqual([]);
  expect(result.stats.virtualMs).toBeGreaterThanOrEqual(CI_DURATION_S * 1000);
  // Not vacuous: the workload got through even with the faults.
  expect(result.stats.ops['unique.ok'] ?? 0).toBeGreaterThan(0);
}
