/** The result of a chaos run: the verdict, a plain-text table for people and JSON for scripts. */
import type { Agreement, WorkloadVerdict } from './checker.js';
import type { Convergence } from './converge.js';
import { describeFault, type NemesisEvent } from './nemesis.js';

export interface ChaosReport {
  readonly runId: string;
  readonly seed: number;
  readonly nodes: readonly string[];
  readonly durationMs: number;
  readonly nemesis: readonly NemesisEvent[];
  readonly workloads: readonly WorkloadVerdict[];
  readonly convergence: Convergence;
  readonly convergeTimeoutMs: number;
  readonly agreement: Agreement;
  readonly passed: boolean;
  /** Why the run failed; empty when it passed. */
  readonly failures: readonly string[];
}

/** The checker's verdict over the parts of a report. */
export function verdict(
  workloads: readonly WorkloadVerdict[],
  convergence: Convergence,
  agreement: Agreement,
): { passed: boolean; failures: string[] } {
  const failures: string[] = [];
  for (const w of workloads) {
    if (w.lost > 0) failures.push(`${w.workload}: ${w.lost} acknowledged writes lost`);
    if (w.neverWritten > 0) failures.push(`${w.workload}: ${w.neverWritten} values present that were never written`);
    if (w.failedVisible > 0) failures.push(`${w.workload}: ${w.failedVisible} definitely-failed writes visible`);
    failures.push(...w.samples.map((s) => `  ${s}`));
  }
  if (!convergence.converged) failures.push(`no convergence within the limit: ${convergence.unmet.join('; ')}`);
  if (agreement.unreadable > 0) failures.push(`${agreement.unreadable} keys unreadable at consistency all`);
  if (agreement.stillDivergent > agreement.unreadable) {
    failures.push(`${agreement.stillDivergent - agreement.unreadable} keys whose replicas still disagree`);
  }
  return { passed: failures.length === 0, failures };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The report as text: the table of workloads, then convergence, nemesis timeline and verdict. */
export function renderReport(r: ChaosReport): string {
  const rows = r.workloads.map((w) =>
    [w.workload, w.attempted, w.acked, w.indeterminate, w.failed, w.lost, w.neverWritten, w.siblingsMax].map(String),
  );
  const total = (f: (w: WorkloadVerdict) => number) => String(r.workloads.reduce((s, w) => s + f(w), 0));
  rows.push([
    'total',
    total((w) => w.attempted),
    total((w) => w.acked),
    total((w) => w.indeterminate),
    total((w) => w.failed),
    total((w) => w.lost),
    total((w) => w.neverWritten),
    '',
  ]);
  const c = r.convergence;
  const a = r.agreement;
  const timeline = r.nemesis
    .filter((e) => e.action === 'start')
    .map((e) => `${(e.atMs / 1000).toFixed(0)}s ${e.kind} ${describeFault(e)}`)
    .join(', ');
  return [
    `chaos run ${r.runId}: seed ${r.seed}, ${r.nodes.length} nodes, ${(r.durationMs / 1000).toFixed(0)} s of faults`,
    `nemesis: ${timeline || '(none)'}`,
    '',
    table(['workload', 'attempted', 'acked', 'indeterminate', 'failed', 'lost', 'never written', 'max siblings'], rows),
    '',
    `convergence: ${c.converged ? `${(c.ms / 1000).toFixed(1)} s` : `NOT within ${r.convergeTimeoutMs / 1000} s`} ` +
      `(limit ${r.convergeTimeoutMs / 1000} s; hints pending ${c.hintsPending}; Merkle trees ${c.trees})`,
    `reads at all: ${a.keys} keys, ${a.divergentAtFirstRead} disagreed at first and were read-repaired, ` +
      `${a.stillDivergent} still disagree, ${a.unreadable} unreadable`,
    r.passed ? 'checker: PASS' : `checker: FAIL\n${r.failures.map((f) => `  ${f}`).join('\n')}`,
  ].join('\n');
}
