import { describe, expect, it } from 'vitest';
import { runSeed } from '../../src/sim/sweep.js';
import { parseSweepArgs, replayCommand, sweepMain } from '../../src/sim/sweep-cli.js';

async function cli(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await sweepMain(parseSweepArgs(argv), (line) => lines.push(line));
  return { code, lines };
}

describe('sweep determinism and CLI', () => {
  it('runs one seed twice to the same trace hash, violations and stats; another seed differs', async () => {
    const a = await runSeed(7);
    const b = await runSeed(7);
    const c = await runSeed(8);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.violations).toEqual(a.violations);
    expect(b.stats).toEqual(a.stats);
    expect(b.traceTail).toEqual(a.traceTail);
    expect(c.traceHash).not.toBe(a.traceHash);
    expect(a.stats.virtualMs).toBeGreaterThanOrEqual(60_000);
  });

  it('prints the same trace hash for `--seed S` run twice', async () => {
    const first = await cli(['--seed', '3', '--duration', '20']);
    const second = await cli(['--seed', '3', '--duration', '20']);
    expect(first.code).toBe(0);
    expect(first.lines[0]).toMatch(/^seed 3: ok; trace hash [0-9a-f]{16}$/);
    expect(second.lines).toEqual(first.lines);
  });

  it('reports a failing seed with its violations and the exact replay command, and exits 1', async () => {
    const sweep = await cli(['--seeds', '60', '--inject-bug', 'ack-before-quorum', '--json']);
    expect(sweep.code).toBe(1);
    const { summary } = JSON.parse(sweep.lines.at(-1)!) as { summary: { failed: number[] } };
    const seed = summary.failed[0]!;
    expect(seed).toBeDefined();
    const result = JSON.parse(sweep.lines[seed - 1]!) as {
      ok: boolean;
      seed: number;
      traceHash: string;
      violations: unknown[];
    };
    expect(result).toMatchObject({ ok: false, seed });
    expect(result.violations.length).toBeGreaterThan(0);
    const replay = await cli(['--seed', String(seed), '--inject-bug', 'ack-before-quorum']);
    expect(replay.code).toBe(1);
    expect(replay.lines[0]).toBe(
      `seed ${seed}: FAILED with ${result.violations.length} violation(s); trace hash ${result.traceHash}`,
    );
    expect(replay.lines).toContain(`  replay: npm run sim -- --seed ${seed} --inject-bug ack-before-quorum --verbose`);
  });

  it('parses its options and rejects bad ones by name', () => {
    expect(parseSweepArgs(['--seeds', '1000', '--from', '5', '--duration', '30', '--json'])).toMatchObject({
      seeds: 1000,
      from: 5,
      single: false,
      durationS: 30,
      json: true,
    });
    expect(parseSweepArgs(['--seed', '9', '--verbose'])).toMatchObject({
      seeds: 1,
      from: 9,
      single: true,
      verbose: true,
    });
    expect(replayCommand(9, parseSweepArgs(['--duration', '30']))).toBe(
      'npm run sim -- --seed 9 --duration 30 --verbose',
    );
    expect(() => parseSweepArgs(['--seeds', '0'])).toThrow(/--seeds must be an integer >= 1/);
    expect(() => parseSweepArgs(['--duration'])).toThrow(/--duration needs a value/);
    expect(() => parseSweepArgs(['--frobnicate'])).toThrow(/unknown option --frobnicate/);
  });
});
