/**
 * `npm run bench:compare`: ringkv against etcd on this machine, side by side in one run. Starts a
 * fresh 5-node ringkv dev cluster (N=3, quorum, default durability) and a 3-member etcd cluster
 * in a temporary folder, loads each, runs the same workloads at the same concurrency through each
 * one's Node client, prints one table with the ratios, writes it into docs/performance.md, and
 * stops everything it started, also on failure or Ctrl-C. With --rounds K it does that K times,
 * alternating which system goes first, each time on fresh clusters: this machine's speed drifts
 * by up to 2x within an hour, and one system measured after the other would take the drift as a
 * difference between them. The table combines the rounds; each round's ratios follow it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RingClient } from '../../client/index.js';
import { type BenchSpec, runBench } from './bench.js';
import { comparisonTable, roundsTable } from './compare-tables.js';
import { ensureEtcd, etcdTarget, startEtcd } from './etcd.js';
import { formatPhase, formatProgress, phaseJson } from './report.js';
import { ringkvTarget } from './ringkv-target.js';
import { combinePhases, type PhaseResult } from './runner.js';
import { type ServerProcess, type Workload, workloadByName } from './workload.js';

const RINGKV_BIN = fileURLToPath(new URL('../../../bin/ringkv.js', import.meta.url));
const DOC = fileURLToPath(new URL('../../../docs/performance.md', import.meta.url));
const BEGIN = '<!-- bench:compare:begin -->';
const END = '<!-- bench:compare:end -->';

interface CompareOptions {
  readonly spec: BenchSpec;
  readonly basePort: number;
  /** Wait until the 1-minute load average is below this before each system's run. */
  readonly maxLoad: number;
  readonly maxWaitS: number;
  readonly doc: boolean;
  /** Runs of both systems, alternating which goes first. */
  readonly rounds: number;
}

type System = 'ringkv' | 'etcd';

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
    rounds: Math.max(1, Math.floor(num('rounds', 2))),
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
  devDirs.add(devDir);
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

/** Pids of etcd members running now, and every ringkv dev folder used, for an interrupted run. */
const etcdPids = new Set<number>();
const devDirs = new Set<string>();

/** Stops whatever runs in `dir`, synchronously: the ringkv dev clusters and the etcd members. */
function emergencyStop(dir: string): void {
  for (const devDir of devDirs) {
    if (!existsSync(join(devDir, 'cluster.json'))) continue;
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
    const runs: Record<System, PhaseResult[][]> = { ringkv: [], etcd: [] };
    const loads: string[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const order: System[] = round % 2 === 0 ? ['ringkv', 'etcd'] : ['etcd', 'ringkv'];
      for (const system of order) {
        const load = await waitForQuiet(o, log);
        loads.push(`${system} ${load.toFixed(2)}`);
        log(`round ${round + 1} of ${o.rounds}: ${system}`);
        const roundDir = join(dir, `round-${round + 1}`);
        const phases = system === 'ringkv' ? await benchRingkv(o, roundDir, log) : await benchEtcd(o, roundDir, log);
        for (const p of phases) log(formatPhase(phaseJson(p)));
        runs[system].push(phases);
      }
    }
    // Each phase of every round of a system, combined into one; and each round on its own.
    const combined = (system: System) =>
      (runs[system][0] ?? []).map((p) =>
        phaseJson(combinePhases(runs[system].flatMap((r) => r.filter((x) => x.name === p.name)))),
      );
    const ringkv = combined('ringkv');
    const etcd = combined('etcd');
    const perRound = { ringkv: runs.ringkv.map((r) => r.map(phaseJson)), etcd: runs.etcd.map((r) => r.map(phaseJson)) };
    const s = o.spec;
    const section = [
      `Command: \`npm run bench:compare${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\``,
      '',
      `Run ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); ${o.rounds} round(s), ` +
        `alternating which system goes first, each on fresh clusters; 1-minute load average before each run: ` +
        `${loads.join(', ')}; after ${loadavg()[0]!.toFixed(2)}.`,
      `${s.records.toLocaleString('en-US')} records of ${s.valueBytes} bytes, ${s.concurrency} requests in flight, ` +
        `${s.distribution} keys, ${s.durationMs / 1000} s per workload after ${s.warmupMs / 1000} s unmeasured. ringkv: 5 nodes, N=3, quorum reads and writes ` +
        '(R=W=2), default durability (sync=batch: group-committed and fsynced before the ack), SDK over streams. ' +
        'etcd 3-member cluster: put = Raft write with fsync; get = serializable. The load generator runs on the same cores.',
      '',
      comparisonTable(ringkv, etcd),
      '',
      'Server CPU is user+system time from /proc of every server process, summed, per successful operation. ' +
        'Each row combines the rounds: operations and time add up, percentiles are over every sample.',
      '',
      roundsTable(perRound.ringkv, perRound.etcd),
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (o.doc) writeDoc(section);
    const out = flag(args, 'out', '');
    if (out !== '') {
      const rounds = perRound.ringkv.map((r, i) => ({ ringkv: r, etcd: perRound.etcd[i] ?? [] }));
      writeFileSync(out, `${JSON.stringify({ ringkv, etcd, rounds }, null, 2)}\n`);
    }
  } finally {
    cleanup();
  }
}

await main();
