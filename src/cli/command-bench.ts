/** `ringkv bench`: YCSB-style workloads against a running cluster, with latency, errors, CPU and memory. */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Command } from 'commander';
import type { RingClient } from '../client/index.js';
import type { Consistency } from '../client/types.js';
import { type BenchSpec, runBench } from './bench/bench.js';
import { DISTRIBUTIONS, type Distribution } from './bench/key-chooser.js';
import { processMatches } from './bench/proc-stats.js';
import { formatPhase, formatProgress, phaseJson } from './bench/report.js';
import { ringkvTarget } from './bench/ringkv-target.js';
import type { Progress } from './bench/runner.js';
import { type ServerProcess, WORKLOADS, type Workload, workloadByName } from './bench/workload.js';
import { UsageError } from './cli-error.js';
import { addClientOptions, type ClientFlags, connectFromFlags, seedsFromFlags } from './connect.js';
import { isNodeRunning } from './dev-cluster.js';
import { devDir, readDevState } from './dev-state.js';
import { toJson } from './output.js';
import { parseConsistency, parseDurationMs, parseIntInRange } from './parse-flags.js';

interface BenchFlags extends ClientFlags {
  readonly workloads?: string;
  readonly load?: boolean;
  readonly records?: string;
  readonly valueSize?: string;
  readonly concurrency?: string;
  readonly duration?: string;
  readonly operations?: string;
  readonly warmup?: string;
  readonly distribution?: string;
  readonly consistency?: string;
  readonly out?: string;
}

/** Largest record count, value size, concurrency and operation count the flags accept. */
const RECORDS_MAX = 100_000_000;
const VALUE_SIZE_MAX = 1024 * 1024;
const CONCURRENCY_MAX = 10_000;
const DURATION_S_DEFAULT = 10;

/** Validates the flags into a benchmark spec. */
export function benchSpecFromFlags(flags: BenchFlags): BenchSpec & { consistency: Consistency | undefined } {
  const workloads = (flags.workloads ?? 'A,B,C')
    .split(',')
    .filter((w) => w.trim() !== '')
    .map((name): Workload => {
      const w = workloadByName(name);
      if (w === undefined) {
        throw new UsageError(`--workloads: unknown workload "${name}"; known: ${Object.keys(WORKLOADS).join(', ')}`);
      }
      return w;
    });
  const distribution = flags.distribution ?? 'zipfian';
  if (!DISTRIBUTIONS.includes(distribution as Distribution)) {
    throw new UsageError(`--distribution must be one of ${DISTRIBUTIONS.join(', ')}, got "${distribution}"`);
  }
  const operations =
    flags.operations === undefined ? undefined : parseIntInRange('--operations', flags.operations, 1, 1e12);
  const durationMs =
    flags.duration !== undefined
      ? parseDurationMs('--duration', flags.duration)
      : operations !== undefined
        ? Number.POSITIVE_INFINITY
        : DURATION_S_DEFAULT * 1000;
  return {
    workloads,
    load: flags.load !== false,
    records: flags.records === undefined ? 10_000 : parseIntInRange('--records', flags.records, 1, RECORDS_MAX),
    valueBytes:
      flags.valueSize === undefined ? 100 : parseIntInRange('--value-size', flags.valueSize, 0, VALUE_SIZE_MAX),
    concurrency:
      flags.concurrency === undefined ? 64 : parseIntInRange('--concurrency', flags.concurrency, 1, CONCURRENCY_MAX),
    distribution: distribution as Distribution,
    durationMs,
    operations: operations ?? Number.POSITIVE_INFINITY,
    warmupMs: flags.warmup === undefined ? 0 : parseDurationMs('--warmup', flags.warmup),
    consistency: flags.consistency === undefined ? undefined : parseConsistency('--consistency', flags.consistency),
  };
}

/** The cluster's node processes on this machine: the dev cluster's, else those whose status names a local pid. */
async function localServers(flags: BenchFlags, client: RingClient): Promise<ServerProcess[]> {
  const { source } = seedsFromFlags(flags);
  const state = source === 'dev' ? readDevState(devDir(flags.dir)) : undefined;
  if (state !== undefined) {
    return state.nodes.filter((n) => n.pid !== null && isNodeRunning(n)).map((n) => ({ id: n.id, pid: n.pid! }));
  }
  const status = await client.status();
  return status.members
    .filter((m) => m.reachable && m.pid > 0 && processMatches(m.pid, ['ringkv', m.id]))
    .map((m) => ({ id: m.id, pid: m.pid }));
}

/** Writes progress over one terminal line, or one line per report when not a terminal. */
function progressWriter(): { write: (p: Progress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    write: (p) => {
      process.stderr.write(tty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`);
      shown = tty;
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

async function runBenchCommand(flags: BenchFlags): Promise<void> {
  const spec = benchSpecFromFlags(flags);
  const client = await connectFromFlags(flags);
  const progress = progressWriter();
  try {
    const servers = await localServers(flags, client);
    const phases = await runBench(ringkvTarget(client, spec.consistency), servers, spec, {
      onProgress: progress.write,
      onPhase: (r) => {
        progress.done();
        if (flags.json !== true) process.stdout.write(`${formatPhase(phaseJson(r))}\n`);
      },
    });
    const report = {
      system: 'ringkv',
      argv: process.argv.slice(2),
      machine: { cores: cpus().length, loadavg: loadavg() },
      spec: { ...spec, workloads: spec.workloads.map((w) => w.name), servers },
      phases: phases.map(phaseJson),
    };
    if (flags.json === true) process.stdout.write(toJson(report));
    if (flags.out !== undefined) writeFileSync(flags.out, toJson(report));
  } finally {
    progress.done();
    client.close();
  }
}

/** Registers `bench` on `program`. */
export function registerBenchCommand(program: Command): void {
  const command = program
    .command('bench')
    .description('YCSB-style benchmark of a running cluster: ops/s, latency percentiles, errors, CPU and RSS per node')
    .option(
      '--workloads <list>',
      'comma-separated: A (50/50 read/update), B (95/5), C (read only), U (update only)',
      'A,B,C',
    )
    .option('--no-load', 'skip the load phase that first writes every record')
    .option('--records <n>', 'records in the key space (default 10000)')
    .option('--value-size <bytes>', 'bytes per value (default 100)')
    .option('--concurrency <n>', 'requests in flight (default 64)')
    .option(
      '--duration <time>',
      `per workload, e.g. 30s (default ${DURATION_S_DEFAULT}s, or unlimited with --operations)`,
    )
    .option('--operations <n>', 'per workload: stop after this many operations')
    .option('--warmup <time>', 'per workload: run it this long unmeasured first, e.g. 15s (default none)')
    .option('--distribution <name>', 'key choice: zipfian (default) or uniform')
    .option('--consistency <level>', 'one, quorum or all (default: the cluster default, quorum)')
    .option('--out <file>', 'also write the JSON report to FILE');
  addClientOptions(command).action(runBenchCommand);
}
