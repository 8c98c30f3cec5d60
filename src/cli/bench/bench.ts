/** A benchmark run: an optional load phase, then each workload in turn, against one target. */
import { type Distribution, keyChooser } from './key-chooser.js';
import { type PhaseResult, type Progress, runPhase } from './runner.js';
import { type BenchTarget, type ServerProcess, valuePool, type Workload } from './workload.js';

export interface BenchSpec {
  readonly workloads: readonly Workload[];
  /** Insert every record before the workloads. */
  readonly load: boolean;
  readonly records: number;
  readonly valueBytes: number;
  readonly concurrency: number;
  readonly distribution: Distribution;
  /** Each workload stops after this long or this many operations, whichever comes first. */
  readonly durationMs: number;
  readonly operations: number;
  /**
   * Before each workload, run it this long unmeasured (0: none). A node's JIT compiler and heap
   * take tens of seconds of load to settle; YCSB and JMH warm up for the same reason.
   */
  readonly warmupMs: number;
}

export interface BenchHooks {
  readonly onProgress?: (p: Progress) => void;
  readonly onPhase?: (r: PhaseResult) => void;
}

/** Runs the load phase (when asked) and every workload; resolves with one result per phase. */
export async function runBench(
  target: BenchTarget,
  servers: readonly ServerProcess[],
  spec: BenchSpec,
  hooks: BenchHooks = {},
): Promise<PhaseResult[]> {
  const values = valuePool(spec.valueBytes);
  const results: PhaseResult[] = [];
  const common = { target, records: spec.records, values, concurrency: spec.concurrency, servers };
  const phase = (name: string, workload: Workload | null, durationMs: number, operations: number) =>
    runPhase({
      ...common,
      name,
      workload,
      chooser: keyChooser(spec.distribution, spec.records),
      durationMs,
      operations,
      ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
    });
  const record = (result: PhaseResult) => {
    results.push(result);
    hooks.onPhase?.(result);
  };
  if (spec.load) record(await phase('load', null, Number.POSITIVE_INFINITY, spec.records));
  for (const w of spec.workloads) {
    if (spec.warmupMs > 0) await phase(`${w.name} warm-up`, w, spec.warmupMs, Number.POSITIVE_INFINITY);
    record(await phase(w.name, w, spec.durationMs, spec.operations));
  }
  return results;
}
