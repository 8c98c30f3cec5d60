/** What `ringkv bench` prints and writes: one summary per phase, as text and as JSON. */
import type { Histogram } from './histogram.js';
import type { PhaseResult, Progress } from './runner.js';

export interface LatencySummaryMs {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** A phase as plain JSON: the counts as measured, latencies in ms, CPU per operation. */
export interface PhaseJson
  extends Pick<PhaseResult, 'name' | 'system' | 'elapsedS' | 'ops' | 'okOps' | 'opsPerS' | 'errors' | 'nodes'> {
  readonly latencyMs: {
    readonly all: LatencySummaryMs;
    readonly read: LatencySummaryMs;
    readonly update: LatencySummaryMs;
  };
  /** Server CPU (all node processes) per successful operation, in microseconds; null if unknown. */
  readonly serverCpuUsPerOp: number | null;
  /** The share (0 to 1) of that server CPU spent in the kernel (system time); null if unknown. */
  readonly serverKernelShare: number | null;
  readonly clientCpuUsPerOp: number;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export function latencySummary(h: Histogram): LatencySummaryMs {
  const ms = (us: number) => round(us / 1000);
  return {
    count: h.count,
    mean: ms(h.mean),
    p50: ms(h.percentile(50)),
    p95: ms(h.percentile(95)),
    p99: ms(h.percentile(99)),
    p999: ms(h.percentile(99.9)),
    max: ms(h.max),
  };
}

export function phaseJson(r: PhaseResult): PhaseJson {
  const perOp = (s: number) => (r.okOps === 0 ? 0 : round((s * 1e6) / r.okOps, 1));
  return {
    name: r.name,
    system: r.system,
    elapsedS: round(r.elapsedS),
    ops: r.ops,
    okOps: r.okOps,
    opsPerS: round(r.opsPerS, 1),
    latencyMs: {
      all: latencySummary(r.latency.all),
      read: latencySummary(r.latency.read),
      update: latencySummary(r.latency.update),
    },
    errors: r.errors,
    serverCpuUsPerOp: r.serverCpuS === null ? null : perOp(r.serverCpuS),
    serverKernelShare:
      r.serverCpuS === null || r.serverSystemS === null || r.serverCpuS === 0
        ? null
        : round(r.serverSystemS / r.serverCpuS),
    clientCpuUsPerOp: perOp(r.clientCpuS),
    nodes: r.nodes.map((n) => ({
      ...n,
      cpuS: n.cpuS === null ? null : round(n.cpuS, 2),
      systemS: n.systemS === null ? null : round(n.systemS, 2),
      rssMb: n.rssMb === null ? null : round(n.rssMb, 1),
    })),
  };
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A phase for people: a few lines. */
export function formatPhase(p: PhaseJson): string {
  const l = p.latencyMs.all;
  const errors = Object.entries(p.errors);
  const lines = [
    `${p.system} ${p.name}: ${fmt(p.opsPerS)} ops/s (${fmt(p.okOps)} ok of ${fmt(p.ops)} in ${fmt(p.elapsedS, 1)} s)`,
    `  latency ms: p50 ${fmt(l.p50, 2)}  p95 ${fmt(l.p95, 2)}  p99 ${fmt(l.p99, 2)}  p99.9 ${fmt(l.p999, 2)}  max ${fmt(l.max, 2)}`,
  ];
  for (const [kind, s] of [
    ['read', p.latencyMs.read],
    ['update', p.latencyMs.update],
  ] as const) {
    if (s.count > 0 && s.count < l.count) {
      lines.push(`  ${kind.padEnd(6)} ms: p50 ${fmt(s.p50, 2)}  p99 ${fmt(s.p99, 2)}  (${fmt(s.count)} ops)`);
    }
  }
  lines.push(`  errors: ${errors.length === 0 ? 'none' : errors.map(([code, n]) => `${code} ${fmt(n)}`).join(', ')}`);
  const kernel = p.serverKernelShare === null ? '' : `, ${fmt(p.serverKernelShare * 100)}% of it in the kernel`;
  const cpu =
    p.serverCpuUsPerOp === null
      ? 'unknown (the server processes are not on this machine, so /proc has no figures for them)'
      : `${fmt(p.serverCpuUsPerOp, 1)} µs/op (all nodes together${kernel})`;
  lines.push(`  server CPU: ${cpu}; load generator ${fmt(p.clientCpuUsPerOp, 1)} µs/op`);
  if (p.nodes.length > 0) {
    const rss = p.nodes.map((n) => `${n.id} ${n.rssMb === null ? '?' : fmt(n.rssMb)} MB`).join(', ');
    lines.push(`  RSS: ${rss}`);
  }
  return lines.join('\n');
}

/** The progress line shown while a phase runs. */
export function formatProgress(p: Progress): string {
  return (
    `[${p.phase}] ${fmt(p.elapsedS, 1)} s  ${fmt(p.ops)} ops  ${fmt(p.recentOpsPerS)} ops/s  ` +
    `p99 ${fmt(p.p99Ms, 2)} ms  errors ${fmt(p.errors)}`
  );
}
