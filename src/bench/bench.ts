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
  const phase = async (name: string, workload: Workload | null) => {
    const result = await runPhase({
      ...common,
      name,
      workload,
      chooser: keyChooser(spec.distribution, spec.records),
      durationMs: workload === null ? Number.POSITIVE_INFINITY : spec.durationMs,
      operations: workload === null ? spec.records : spec.operations,
      ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
    });
    results.push(result);
    hooks.onPhase?.(result);
  };
  if (spec.load) await phase('load', null);
  for (const w of spec.workloads) await phase(w.name, w);
  return results;
}
