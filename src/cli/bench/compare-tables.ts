/** The tables bench:compare prints and writes into docs/performance.md. */
import type { PhaseJson } from './report.js';

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f2 = (x: number) => x.toFixed(2);
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);

function maxRss(p: PhaseJson): number {
  return Math.max(0, ...p.nodes.map((n) => n.rssMb ?? 0));
}

/** One markdown table: a row per phase, ringkv and etcd side by side. */
export function comparisonTable(ringkv: readonly PhaseJson[], etcd: readonly PhaseJson[]): string {
  const rows = [
    '| phase | ringkv ops/s | etcd ops/s | ratio | ringkv p50 / p99 ms | etcd p50 / p99 ms | ringkv server CPU µs/op | etcd server CPU µs/op | ringkv max RSS MB/node | etcd max RSS MB/member | errors (ringkv / etcd) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const names: Record<string, string> = {
    load: 'load (insert)',
    U: 'U: 100% put',
    C: 'C: 100% get',
    A: 'A: 50/50',
    B: 'B: 95/5',
  };
  const errs = (p: PhaseJson) => Object.values(p.errors).reduce((a, b) => a + b, 0);
  for (const r of ringkv) {
    const e = etcd.find((x) => x.name === r.name);
    if (e === undefined) continue;
    const cpu = (p: PhaseJson) =>
      p.serverCpuUsPerOp === null
        ? '?'
        : `${f0(p.serverCpuUsPerOp)}${p.serverKernelShare === null ? '' : ` (${f0(p.serverKernelShare * 100)}% kernel)`}`;
    rows.push(
      `| ${names[r.name] ?? r.name} | ${f0(r.opsPerS)} | ${f0(e.opsPerS)} | ${ratio(r.opsPerS, e.opsPerS)} | ` +
        `${f2(r.latencyMs.all.p50)} / ${f2(r.latencyMs.all.p99)} | ${f2(e.latencyMs.all.p50)} / ${f2(e.latencyMs.all.p99)} | ` +
        `${cpu(r)} | ${cpu(e)} | ${f0(maxRss(r))} | ${f0(maxRss(e))} | ${errs(r)} / ${errs(e)} |`,
    );
  }
  return rows.join('\n');
}

/**
 * Each round's throughput ratio per phase, to show how much the rounds agree, then ringkv's server
 * CPU per put in the round and the load generator's own CPU per put beside it: the load generator
 * does the same work in every round, so its figure moving says the host's speed moved.
 */
export function roundsTable(
  ringkv: readonly (readonly PhaseJson[])[],
  etcd: readonly (readonly PhaseJson[])[],
): string {
  const names = (ringkv[0] ?? []).map((p) => p.name);
  const puts = names.includes('U');
  const head = `| round | ${names.map((n) => `${n} ratio`).join(' | ')} |${puts ? ' ringkv U server CPU µs/op | ringkv U load generator CPU µs/op |' : ''}`;
  const rows = [head, `|---|${names.map(() => '---|').join('')}${puts ? '---|---|' : ''}`];
  ringkv.forEach((phases, i) => {
    const cells = names.map((name) => {
      const r = phases.find((p) => p.name === name);
      const e = etcd[i]?.find((p) => p.name === name);
      return r === undefined || e === undefined ? 'n/a' : ratio(r.opsPerS, e.opsPerS);
    });
    if (puts) {
      const u = phases.find((p) => p.name === 'U');
      cells.push(u?.serverCpuUsPerOp == null ? '?' : u.serverCpuUsPerOp.toFixed(1));
      cells.push(u === undefined ? '?' : u.clientCpuUsPerOp.toFixed(1));
    }
    rows.push(`| ${i + 1} (${i % 2 === 0 ? 'ringkv first' : 'etcd first'}) | ${cells.join(' | ')} |`);
  });
  return rows.join('\n');
}
