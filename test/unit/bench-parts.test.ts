/** The benchmark's pure parts: the histogram's precision, the key distributions, /proc parsing, flag parsing. */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/cli/bench/bench.js';
import { comparisonTable, roundsTable } from '../../src/cli/bench/compare-tables.js';
import { bucketOf, Histogram, highestInBucket } from '../../src/cli/bench/histogram.js';
import { fnv32, recordKey, uniformChooser, zipfianChooser, zipfianRanks } from '../../src/cli/bench/key-chooser.js';
import { cpuSecondsFromStat, cpuTimesFromStat, rssMbFromStatus } from '../../src/cli/bench/proc-stats.js';
import { formatPhase, phaseJson } from '../../src/cli/bench/report.js';
import { combinePhases, type PhaseResult } from '../../src/cli/bench/runner.js';
import { errorCode, workloadByName } from '../../src/cli/bench/workload.js';
import { benchSpecFromFlags } from '../../src/cli/command-bench.js';
import { parseDurationMs } from '../../src/cli/parse-flags.js';
import { RingError } from '../../src/common/errors.js';

/** A deterministic generator in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Histogram', () => {
  it('puts every value in a bucket whose upper bound is within 1/128 above it', () => {
    for (const v of [0, 1, 255, 256, 257, 1000, 12_345, 999_999, 2 ** 31 + 5]) {
      const high = highestInBucket(bucketOf(v));
      expect(high).toBeGreaterThanOrEqual(v);
      expect(high - v).toBeLessThanOrEqual(Math.max(0, v / 128));
    }
    // Buckets are ordered like values.
    let last = -1;
    for (let v = 0; v < 100_000; v += 37) {
      expect(bucketOf(v)).toBeGreaterThanOrEqual(last);
      last = bucketOf(v);
    }
  });

  it('reports percentiles within 1% of the exact ones', () => {
    const h = new Histogram();
    const values: number[] = [];
    const random = seeded(7);
    for (let i = 0; i < 50_000; i++) {
      const v = Math.floor(100 + random() ** 3 * 200_000);
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 95, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.01);
    }
    expect(h.count).toBe(50_000);
    expect(h.max).toBe(values.at(-1));
    expect(h.percentile(100)).toBe(values.at(-1));
  });

  it('adds histograms and reports zeros when empty', () => {
    const a = new Histogram();
    const b = new Histogram();
    expect(a.percentile(99)).toBe(0);
    a.record(10);
    b.record(1000);
    a.add(b);
    expect(a.count).toBe(2);
    expect(a.percentile(50)).toBe(10);
    expect(a.percentile(100)).toBe(1000);
  });
});

describe('key choice', () => {
  it('uniform spreads over every record', () => {
    const choose = uniformChooser(100, seeded(1));
    const counts = new Array(100).fill(0);
    for (let i = 0; i < 100_000; i++) counts[choose()]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it('zipfian makes rank 0 the most popular and stays in range', () => {
    const rank = zipfianRanks(1000, seeded(2));
    const counts = new Array(1000).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rank()]++;
    expect(counts[0]).toBeGreaterThan(counts[1]);
    expect(counts[1]).toBeGreaterThan(counts[10]);
    // With theta 0.99 the top 1% of records draw far more than 1% of the operations.
    const top = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(top / 100_000).toBeGreaterThan(0.2);
    const scrambled = zipfianChooser(1000, seeded(3));
    for (let i = 0; i < 10_000; i++) {
      const k = scrambled();
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(1000);
    }
  });

  it('names records like YCSB and hashes ranks deterministically', () => {
    expect(recordKey(42)).toBe('user0000000042');
    expect(fnv32(1)).toBe(fnv32(1));
    expect(fnv32(1)).not.toBe(fnv32(2));
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime past a command name with spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0 11 0 100 2000 300';
    expect(cpuSecondsFromStat(stat)).toBe(2);
    expect(cpuTimesFromStat(stat)).toEqual({ userS: 1.5, systemS: 0.5 });
  });

  it('reads VmRSS in MiB', () => {
    expect(rssMbFromStatus('Name:\tnode\nVmRSS:\t  102400 kB\n')).toBe(100);
    expect(rssMbFromStatus('Name:\tnode\n')).toBeNull();
  });
});

describe('bench flags and workloads', () => {
  it('parses durations', () => {
    expect(parseDurationMs('--duration', '15')).toBe(15_000);
    expect(parseDurationMs('--duration', '500ms')).toBe(500);
    expect(parseDurationMs('--duration', '2m')).toBe(120_000);
    expect(() => parseDurationMs('--duration', 'soon')).toThrow(/--duration/);
  });

  it('defaults to the load phase, A, B and C, zipfian keys, 64 in flight, 10 s each', () => {
    const spec = benchSpecFromFlags({});
    expect(spec.workloads.map((w) => w.name)).toEqual(['A', 'B', 'C']);
    expect(spec).toMatchObject({ load: true, distribution: 'zipfian', concurrency: 64, durationMs: 10_000 });
  });

  it('runs until the operation count when only --operations is given, and rejects unknown workloads', () => {
    const spec = benchSpecFromFlags({ operations: '5000', workloads: 'c,u', load: false });
    expect(spec.durationMs).toBe(Number.POSITIVE_INFINITY);
    expect(spec.operations).toBe(5000);
    expect(spec.workloads.map((w) => w.name)).toEqual(['C', 'U']);
    expect(() => benchSpecFromFlags({ workloads: 'Z' })).toThrow(/unknown workload "Z"/);
    expect(() => benchSpecFromFlags({ distribution: 'pareto' })).toThrow(/--distribution/);
  });

  it('runs each workload unmeasured for --warmup first, and reports only the measured phases', async () => {
    expect(benchSpecFromFlags({}).warmupMs).toBe(0);
    const spec = benchSpecFromFlags({ warmup: '200ms', duration: '100ms', workloads: 'U,C', load: false });
    expect(spec.warmupMs).toBe(200);
    const calls = { read: 0, update: 0 };
    const phases: string[] = [];
    const target = {
      system: 'fake',
      read: async () => {
        calls.read++;
        await new Promise((r) => setTimeout(r, 1));
      },
      update: async () => {
        calls.update++;
        await new Promise((r) => setTimeout(r, 1));
      },
      close: async () => {},
    };
    const results = await runBench(target, [], { ...spec, concurrency: 4 }, { onPhase: (r) => phases.push(r.name) });
    expect(results.map((r) => r.name)).toEqual(['U', 'C']);
    expect(phases).toEqual(['U', 'C']);
    // The warm-up ran about twice as long as the measured phase, and its operations are not counted.
    const u = results[0]!;
    expect(calls.update).toBeGreaterThan(u.ops * 1.5);
    expect(u.elapsedS).toBeLessThan(0.19);
  });

  it('counts errors by their stable code', () => {
    expect(errorCode(new RingError('TIMEOUT', 'late'))).toBe('TIMEOUT');
    expect(errorCode({ code: 14 })).toBe('code 14');
    expect(errorCode(new TypeError('x'))).toBe('TypeError');
    expect(workloadByName('b')?.readShare).toBe(0.95);
  });
});

describe('combining rounds of a phase', () => {
  function phase(
    latenciesUs: number[],
    elapsedS: number,
    errors: Record<string, number>,
    cpuS: number | null,
    rssMb: number,
  ): PhaseResult {
    const all = new Histogram();
    for (const v of latenciesUs) all.record(v);
    const failed = Object.values(errors).reduce((a, b) => a + b, 0);
    return {
      name: 'U',
      system: 'ringkv',
      elapsedS,
      ops: latenciesUs.length + failed,
      okOps: latenciesUs.length,
      opsPerS: latenciesUs.length / elapsedS,
      latency: { all, read: new Histogram(), update: all },
      errors,
      nodes: [{ id: 'n1', pid: 10, cpuS, systemS: cpuS === null ? null : cpuS / 4, rssMb }],
      serverCpuS: cpuS,
      serverSystemS: cpuS === null ? null : cpuS / 4,
      clientCpuS: 0.5,
    };
  }

  it('adds operations, time, errors and CPU, merges latencies, and keeps the largest RSS', () => {
    const fast = phase([100, 100, 100], 1, { TIMEOUT: 1 }, 2, 150);
    const slow = phase([5000], 1, { TIMEOUT: 2, UNAVAILABLE: 1 }, 3, 120);
    const c = combinePhases([fast, slow]);
    expect(c.okOps).toBe(4);
    expect(c.ops).toBe(8);
    expect(c.elapsedS).toBe(2);
    expect(c.opsPerS).toBe(2);
    expect(c.errors).toEqual({ TIMEOUT: 3, UNAVAILABLE: 1 });
    expect(c.serverCpuS).toBe(5);
    expect(c.serverSystemS).toBe(1.25);
    expect(c.clientCpuS).toBe(1);
    expect(c.nodes).toEqual([{ id: 'n1', pid: 10, cpuS: 5, systemS: 1.25, rssMb: 150 }]);
    // Percentiles over every sample: three fast and one slow.
    expect(c.latency.all.count).toBe(4);
    expect(c.latency.all.percentile(50)).toBe(100);
    expect(c.latency.all.percentile(100)).toBeGreaterThanOrEqual(5000);
    // The inputs are left as they were.
    expect(fast.latency.all.count).toBe(3);
  });

  it('reports CPU per operation and its kernel share, in JSON and in the text summary', () => {
    const p = phaseJson(combinePhases([phase([100, 100], 1, {}, 0.001, 150), phase([100, 100], 1, {}, 0.001, 150)]));
    expect(p.serverCpuUsPerOp).toBe(500);
    expect(p.serverKernelShare).toBe(0.25);
    expect(p.nodes[0]).toMatchObject({ cpuS: 0, systemS: 0 }); // rounded to 10 ms
    expect(formatPhase(p)).toMatch(/server CPU: 500\.0 µs\/op \(all nodes together, 25% of it in the kernel\)/);
    const unknown = phaseJson(phase([100], 1, {}, null, 150));
    expect(unknown.serverKernelShare).toBeNull();
    expect(formatPhase(unknown)).toMatch(
      /server CPU: unknown \(the server processes are not on this machine, so \/proc has no figures for them\); load generator/,
    );
    expect(formatPhase(unknown)).not.toMatch(/all nodes together/);
  });

  it("puts the kernel share beside the CPU in the comparison, and each round's CPU and load generator CPU in the rounds table", () => {
    const ringkv = phaseJson(phase([100, 100], 1, {}, 0.001, 150)); // 500 µs/op, a quarter in the kernel
    const etcd = { ...phaseJson(phase([100], 1, {}, null, 90)), system: 'etcd' as const };
    const table = comparisonTable([ringkv], [etcd]).split('\n');
    expect(table[0]).toContain('ringkv server CPU µs/op');
    expect(table[2]).toMatch(
      /^\| U: 100% put \| 2 \| 1 \| 2\.00x \| .* \| 500 \(25% kernel\) \| \? \| 150 \| 90 \| 0 \/ 0 \|$/,
    );
    const rounds = roundsTable([[ringkv], [ringkv]], [[etcd], [etcd]]).split('\n');
    expect(rounds[0]).toBe('| round | U ratio | ringkv U server CPU µs/op | ringkv U load generator CPU µs/op |');
    expect(rounds[2]).toBe('| 1 (ringkv first) | 2.00x | 500.0 | 250000.0 |');
    expect(rounds[3]).toMatch(/^\| 2 \(etcd first\) \| 2\.00x \|/);
    const noPuts = { ...ringkv, name: 'C' };
    expect(roundsTable([[noPuts]], [[{ ...etcd, name: 'C' }]]).split('\n')[0]).toBe('| round | C ratio |');
  });

  it('reports CPU as unknown when a round could not read it, and refuses different phases', () => {
    expect(combinePhases([phase([1], 1, {}, 1, 1), phase([1], 1, {}, null, 1)]).serverCpuS).toBeNull();
    const other = { ...phase([1], 1, {}, 1, 1), name: 'C' };
    expect(() => combinePhases([phase([1], 1, {}, 1, 1), other])).toThrow(/is not ringkv U/);
    expect(() => combinePhases([])).toThrow(/no runs/);
  });
});
