/**
 * `npm run bench:compare`: ringkv against etcd on this machine, side by side in one run. Starts a
 * fresh 5-node ringkv dev cluster (N=3, quorum, default durability) and a 3-member etcd cluster
 * in a temporary folder, loads each, runs the same workloads at the same concurrency through each
 * one's Node client, prints one table with the ratios, writes it into docs/performance.md, and
 * stops everything it started, also on failure or Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RingClient } from '../client/index.js';
import { type BenchSpec, runBench } from './bench.js';
import { ensureEtcd, etcdTarget, startEtcd } from './etcd.js';
import { formatPhase, formatProgress, type PhaseJson, phaseJson } from './report.js';
import { ringkvTarget } from './ringkv-target.js';
import type { PhaseResult } from './runner.js';
import { type ServerProcess, type Workload, workloadByName } from './workload.js';

const RINGKV_BIN = fileURLToPath(new URL('../../bin/ringkv.js', import.meta.url));
const DOC = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
const BEGIN = '<!-- bench:compare:begin -->';
const END = '<!-- bench:compare:end -->';

interface CompareOptions {
  readonly spec: BenchSpec;
  readonly basePort: number;
  /** Wait until the 1-minute load average is below this before each system's run. */
  readonly maxLoad: number;
  readonly maxWaitS: number;
  readonly doc: boolean;
}

function flag(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

function parseOptions(args: readonly string[]): CompareOptions {
  const num = (name: string, fallback: number) => {
    const v = Number(flag(args, name, String(fallback)));
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
    return v;
  };
  const workloads = flag(args, 'workloads', 'U,C,A')
    .split(',')
    .map((name): Workload => {
      const w = workloadByName(name);
      if (w === undefined) throw new Error(`--workloads: unknown workload ${name}`);
      return w;
    });
  const distribution = flag(args, 'distribution', 'uniform');
  if (distribution !== 'uniform' && distribution !== 'zipfian') throw new Error('--distribution: uniform or zipfian');
  return {
    spec: {
      workloads,
      load: true,
      records: num('records', 10_000),
      valueBytes: num('value-size', 100),
      concurrency: num('concurrency', 64),
      distribution,
      durationMs: num('duration', 15) * 1000,
      operations: Number.POSITIVE_INFINITY,
      warmupMs: num('warmup', 15) * 1000,
    },
    basePort: num('base-port', 27300),
    maxLoad: num('max-load', 1.0),
    maxWaitS: num('max-wait', 600),
    doc: !args.includes('--no-doc'),
  };
}

async function waitForQuiet(o: CompareOptions, log: (s: string) => void): Promise<number> {
  const until = Date.now() + o.maxWaitS * 1000;
  while (loadavg()[0]! >= o.maxLoad && Date.now() < until) {
    log(`load average ${loadavg()[0]!.toFixed(2)} >= ${o.maxLoad}: waiting for the machine to quiet down`);
    await sleep(15_000);
  }
  const load = loadavg()[0]!;
  if (load >= o.maxLoad) log(`warning: measuring at load average ${load.toFixed(2)} after waiting ${o.maxWaitS} s`);
  return load;
}

function progress(line: string): void {
  process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
}

async function benchRingkv(o: CompareOptions, dir: string, log: (s: string) => void): Promise<PhaseResult[]> {
  const devDir = join(dir, 'ringkv');
  const ringkv = (...args: string[]) =>
    execFileSync(process.execPath, [RINGKV_BIN, ...args, '--dir', devDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  log(`starting ringkv: 5 nodes on 127.0.0.1:${o.basePort + 1}..${o.basePort + 5} in ${devDir}`);
  try {
    ringkv('dev', 'start', '--nodes', '5', '--replicas', '3', '--base-port', String(o.basePort));
    const state = JSON.parse(readFileSync(join(devDir, 'cluster.json'), 'utf8')) as {
      nodes: { id: string; address: string; pid: number }[];
    };
    const servers: ServerProcess[] = state.nodes.map((n) => ({ id: n.id, pid: n.pid }));
    const client = await RingClient.connect({ seeds: state.nodes.map((n) => n.address) });
    const target = ringkvTarget(client, 'quorum');
    try {
      return await runBench(target, servers, o.spec, { onProgress: (p) => progress(formatProgress(p)) });
    } finally {
      await target.close();
    }
  } finally {
    if (existsSync(join(devDir, 'cluster.json'))) ringkv('dev', 'stop');
  }
}

async function benchEtcd(o: CompareOptions, dir: string, log: (s: string) => void): Promise<PhaseResult[]> {
  const bin = ensureEtcd(log);
  const base = o.basePort + 50;
  log(`starting etcd: 3 members, clients on 127.0.0.1:${base + 1}..${base + 3}`);
  const etcd = await startEtcd(bin, join(dir, 'etcd'), base);
  for (const s of etcd.servers) etcdPids.add(s.pid);
  try {
    const target = await etcdTarget(etcd.endpoints, true);
    try {
      return await runBench(target, etcd.servers, o.spec, { onProgress: (p) => progress(formatProgress(p)) });
    } finally {
      await target.close();
    }
  } finally {
    await etcd.stop();
    etcdPids.clear();
  }
}

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
    const cpu = (p: PhaseJson) => (p.serverCpuUsPerOp === null ? '?' : f0(p.serverCpuUsPerOp));
    rows.push(
      `| ${names[r.name] ?? r.name} | ${f0(r.opsPerS)} | ${f0(e.opsPerS)} | ${ratio(r.opsPerS, e.opsPerS)} | ` +
        `${f2(r.latencyMs.all.p50)} / ${f2(r.latencyMs.all.p99)} | ${f2(e.latencyMs.all.p50)} / ${f2(e.latencyMs.all.p99)} | ` +
        `${cpu(r)} | ${cpu(e)} | ${f0(maxRss(r))} | ${f0(maxRss(e))} | ${errs(r)} / ${errs(e)} |`,
    );
  }
  return rows.join('\n');
}

function writeDoc(section: string): void {
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Performance\n\n${BEGIN}\n${END}\n`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start + BEGIN.length)}\n${section}\n${current.slice(end)}`
      : `${current.trimEnd()}\n\n${BEGIN}\n${section}\n${END}\n`;
  writeFileSync(DOC, next);
}

/** Pids of etcd members running now, for an interrupted run. */
const etcdPids = new Set<number>();

/** Stops whatever runs in `dir`, synchronously: the ringkv dev cluster and the etcd members. */
function emergencyStop(dir: string): void {
  const devDir = join(dir, 'ringkv');
  if (existsSync(join(devDir, 'cluster.json'))) {
    try {
      execFileSync(process.execPath, [RINGKV_BIN, 'dev', 'stop', '--dir', devDir], { stdio: 'ignore' });
    } catch {
      // best effort
    }
  }
  for (const pid of etcdPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const o = parseOptions(args);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'ringkv-compare-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    log('interrupted: stopping everything started');
    emergencyStop(dir);
    process.exit(130);
  });
  try {
    const loadBeforeRingkv = await waitForQuiet(o, log);
    const ringkv = (await benchRingkv(o, dir, log)).map(phaseJson);
    for (const p of ringkv) log(formatPhase(p));
    const loadBeforeEtcd = await waitForQuiet(o, log);
    const etcd = (await benchEtcd(o, dir, log)).map(phaseJson);
    for (const p of etcd) log(formatPhase(p));
    const s = o.spec;
    const section = [
      `Command: \`npm run bench:compare${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\``,
      '',
      `Run ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); 1-minute load average ` +
        `before ringkv ${loadBeforeRingkv.toFixed(2)}, before etcd ${loadBeforeEtcd.toFixed(2)}, after ${loadavg()[0]!.toFixed(2)}.`,
      `${s.records.toLocaleString('en-US')} records of ${s.valueBytes} bytes, ${s.concurrency} requests in flight, ` +
        `${s.distribution} keys, ${s.durationMs / 1000} s per workload after ${s.warmupMs / 1000} s unmeasured. ringkv: 5 nodes, N=3, quorum reads and writes ` +
        '(R=W=2), default durability (sync=batch: group-committed and fsynced before the ack), SDK over streams. ' +
        'etcd 3-member cluster: put = Raft write with fsync; get = serializable. The load generator runs on the same cores.',
      '',
      comparisonTable(ringkv, etcd),
      '',
      'Server CPU is user+system time from /proc of every server process, summed, per successful operation.',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (o.doc) writeDoc(section);
    const out = flag(args, 'out', '');
    if (out !== '') writeFileSync(out, `${JSON.stringify({ ringkv, etcd }, null, 2)}\n`);
  } finally {
    cleanup();
  }
}

await main();
