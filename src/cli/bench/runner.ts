/**
 * Runs one benchmark phase against a target: `concurrency` closed-loop workers, each issuing its
 * next operation as soon as the previous one completes, until the duration or the operation
 * count is reached. Latency goes into histograms in microseconds; the servers' CPU and memory
 * are read from /proc before and after.
 */
import { Histogram } from './histogram.js';
import { type KeyChooser, recordKey } from './key-chooser.js';
import { sampleProcess } from './proc-stats.js';
import { type BenchTarget, errorCode, type ServerProcess, type Workload } from './workload.js';

/** Interval between progress reports. */
export const PROGRESS_INTERVAL_MS = 1000;

export interface PhaseSpec {
  /** "load" or a workload's name. */
  readonly name: string;
  readonly target: BenchTarget;
  /** Null for the load phase, which inserts every record once, in order. */
  readonly workload: Workload | null;
  readonly records: number;
  readonly chooser: KeyChooser;
  readonly values: readonly Buffer[];
  readonly concurrency: number;
  /** Stop after this long (ms) or this many operations, whichever comes first. */
  readonly durationMs: number;
  readonly operations: number;
  readonly servers: readonly ServerProcess[];
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly phase: string;
  readonly elapsedS: number;
  readonly ops: number;
  /** Operations per second over the last interval. */
  readonly recentOpsPerS: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface NodeUsage {
  readonly id: string;
  readonly pid: number;
  readonly cpuS: number | null;
  /** The system (kernel) part of cpuS. */
  readonly systemS: number | null;
  readonly rssMb: number | null;
}

export interface PhaseResult {
  readonly name: string;
  readonly system: string;
  readonly elapsedS: number;
  readonly ops: number;
  readonly okOps: number;
  readonly opsPerS: number;
  readonly latency: { readonly all: Histogram; readonly read: Histogram; readonly update: Histogram };
  readonly errors: Readonly<Record<string, number>>;
  readonly nodes: readonly NodeUsage[];
  /** CPU seconds of every server process together, or null when none could be read. */
  readonly serverCpuS: number | null;
  /** The system (kernel) part of serverCpuS. */
  readonly serverSystemS: number | null;
  /** CPU seconds of this (load generator) process. */
  readonly clientCpuS: number;
}

interface Counters {
  issued: number;
  done: number;
  errors: number;
  readonly byCode: Map<string, number>;
  readonly all: Histogram;
  readonly read: Histogram;
  readonly update: Histogram;
}

function newCounters(): Counters {
  return {
    issued: 0,
    done: 0,
    errors: 0,
    byCode: new Map(),
    all: new Histogram(),
    read: new Histogram(),
    update: new Histogram(),
  };
}

/** One operation: picks it, times it, counts it. */
async function step(spec: PhaseSpec, c: Counters, index: number): Promise<void> {
  const isRead = spec.workload !== null && Math.random() < spec.workload.readShare;
  const key = recordKey(spec.workload === null ? index : spec.chooser());
  const start = performance.now();
  try {
    if (isRead) await spec.target.read(key);
    else await spec.target.update(key, spec.values[index % spec.values.length]!);
  } catch (err) {
    c.errors++;
    const code = errorCode(err);
    c.byCode.set(code, (c.byCode.get(code) ?? 0) + 1);
    c.done++;
    return;
  }
  const us = Math.round((performance.now() - start) * 1000);
  c.all.record(us);
  (isRead ? c.read : c.update).record(us);
  c.done++;
}

/** Runs the phase and reports what it measured. */
export async function runPhase(spec: PhaseSpec): Promise<PhaseResult> {
  const c = newCounters();
  const limit = spec.workload === null ? spec.records : spec.operations;
  const before = spec.servers.map((s) => sampleProcess(s.pid));
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const endAt = start + spec.durationMs;
  const worker = async () => {
    while (c.issued < limit && performance.now() < endAt) await step(spec, c, c.issued++);
  };
  const progress = startProgress(spec, c, start);
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  } finally {
    clearInterval(progress);
  }
  const elapsedS = (performance.now() - start) / 1000;
  const client = process.cpuUsage(clientBefore);
  const after = spec.servers.map((s) => sampleProcess(s.pid));
  const nodes = spec.servers.map(
    (s, i): NodeUsage => ({
      id: s.id,
      pid: s.pid,
      cpuS: difference(before[i]?.cpuS, after[i]?.cpuS),
      systemS: difference(before[i]?.systemS, after[i]?.systemS),
      rssMb: after[i]?.rssMb ?? null,
    }),
  );
  const cpu = nodes.filter((n) => n.cpuS !== null);
  return {
    name: spec.name,
    system: spec.target.system,
    elapsedS,
    ops: c.done,
    okOps: c.done - c.errors,
    opsPerS: (c.done - c.errors) / elapsedS,
    latency: { all: c.all, read: c.read, update: c.update },
    errors: Object.fromEntries(c.byCode),
    nodes,
    serverCpuS: cpu.length === 0 ? null : cpu.reduce((sum, n) => sum + n.cpuS!, 0),
    serverSystemS: cpu.length === 0 ? null : cpu.reduce((sum, n) => sum + (n.systemS ?? 0), 0),
    clientCpuS: (client.user + client.system) / 1e6,
  };
}

function difference(before: number | null | undefined, after: number | null | undefined): number | null {
  return before === null || before === undefined || after === null || after === undefined ? null : after - before;
}

function startProgress(spec: PhaseSpec, c: Counters, start: number): NodeJS.Timeout {
  let lastDone = 0;
  let lastAt = start;
  const timer = setInterval(() => {
    const now = performance.now();
    spec.onProgress?.({
      phase: spec.name,
      elapsedS: (now - start) / 1000,
      ops: c.done,
      recentOpsPerS: ((c.done - lastDone) * 1000) / (now - lastAt),
      p99Ms: c.all.percentile(99) / 1000,
      errors: c.errors,
    });
    lastDone = c.done;
    lastAt = now;
  }, PROGRESS_INTERVAL_MS);
  timer.unref();
  return timer;
}

/**
 * One phase measured several times (rounds of bench:compare) as if it were one run: operations,
 * time and CPU add up, latency histograms merge (so percentiles are those of every sample), errors
 * add up by code, and each node shows its CPU summed and its largest RSS.
 */
export function combinePhases(runs: readonly PhaseResult[]): PhaseResult {
  const first = runs[0];
  if (first === undefined) throw new Error('combinePhases: no runs');
  const merged = () => new Histogram();
  const latency = { all: merged(), read: merged(), update: merged() };
  const errors: Record<string, number> = {};
  const nodes = new Map<string, NodeUsage>();
  let elapsedS = 0;
  let ops = 0;
  let okOps = 0;
  let serverCpuS: number | null = 0;
  let serverSystemS: number | null = 0;
  let clientCpuS = 0;
  for (const r of runs) {
    if (r.name !== first.name || r.system !== first.system) {
      throw new Error(`combinePhases: ${r.system} ${r.name} is not ${first.system} ${first.name}`);
    }
    elapsedS += r.elapsedS;
    ops += r.ops;
    okOps += r.okOps;
    latency.all.add(r.latency.all);
    latency.read.add(r.latency.read);
    latency.update.add(r.latency.update);
    for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
    serverCpuS = sumOrNull(serverCpuS, r.serverCpuS);
    serverSystemS = sumOrNull(serverSystemS, r.serverSystemS);
    clientCpuS += r.clientCpuS;
    for (const n of r.nodes) {
      const seen = nodes.get(n.id);
      nodes.set(n.id, {
        id: n.id,
        pid: n.pid,
        cpuS: seen === undefined ? n.cpuS : sumOrNull(seen.cpuS, n.cpuS),
        systemS: seen === undefined ? n.systemS : sumOrNull(seen.systemS, n.systemS),
        rssMb: seen === undefined ? n.rssMb : maxOrNull(seen.rssMb, n.rssMb),
      });
    }
  }
  return {
    name: first.name,
    system: first.system,
    elapsedS,
    ops,
    okOps,
    opsPerS: elapsedS === 0 ? 0 : okOps / elapsedS,
    latency,
    errors,
    nodes: [...nodes.values()],
    serverCpuS,
    serverSystemS,
    clientCpuS,
  };
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
