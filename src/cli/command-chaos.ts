/**
 * `ringkv chaos --duration 60s`: the fault-injection run of the test suite against the dev cluster
 * (workloads, a seeded nemesis of kill -9, pauses and crash-restarts through the dev manager, and
 * the checker), so users can prove their own setup. Exit code 1 when the checker fails.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderReport } from '../chaos/report.js';
import { runChaos } from '../chaos/run.js';
import type { ChaosTarget } from '../chaos/target.js';
import { RingClient } from '../client/index.js';
import { CliError, UsageError } from './cli-error.js';
import { isNodeRunning } from './dev-cluster.js';
import { startAndWait } from './dev-start.js';
import { devDir, findDevNode, requireDevState } from './dev-state.js';
import { killDevNode } from './dev-stop.js';
import { toJson } from './output.js';
import { parseDurationMs, parseIntInRange } from './parse-flags.js';
import { stopSignal } from './watch.js';

interface ChaosFlags {
  readonly dir?: string;
  readonly duration?: string;
  readonly seed?: string;
  readonly report?: string;
  readonly json?: boolean;
}

/** Longest run the flag accepts. */
const CHAOS_DURATION_MS_MAX = 24 * 60 * 60 * 1000;
const CHAOS_DURATION_DEFAULT = '60s';

/** "90", "90s", "2m" or "1500ms" in milliseconds, between 5 s and a day. */
export function parseChaosDuration(raw: string): number {
  const ms = parseDurationMs('--duration', raw);
  if (!(ms >= 5000 && ms <= CHAOS_DURATION_MS_MAX)) {
    throw new UsageError(`--duration must be between 5s and 24h, such as 60s or 2m, got "${raw}"`);
  }
  return ms;
}

/** The dev cluster in `dir` as a chaos target: faults go through the dev manager and its state file. */
export function devChaosTarget(dir: string, note: (line: string) => void): ChaosTarget {
  const state = requireDevState(dir);
  const signal = (id: string, sig: 'SIGSTOP' | 'SIGCONT'): void => {
    const node = findDevNode(requireDevState(dir), id);
    if (node.pid === null || !isNodeRunning(node)) throw new CliError(`node ${id} is not running`);
    process.kill(node.pid, sig);
  };
  return {
    ids: state.nodes.map((node) => node.id),
    connect: () => RingClient.connect({ seeds: state.nodes.map((node) => node.address) }),
    kill: async (id) => {
      await killDevNode(dir, findDevNode(requireDevState(dir), id));
    },
    start: async (id) => {
      await startAndWait(dir, id, {}, note, undefined);
    },
    pause: async (id) => signal(id, 'SIGSTOP'),
    resume: async (id) => signal(id, 'SIGCONT'),
  };
}

async function runChaosCommand(flags: ChaosFlags): Promise<void> {
  const durationMs = parseChaosDuration(flags.duration ?? CHAOS_DURATION_DEFAULT);
  const seed = flags.seed === undefined ? randomInt(1, 2 ** 31) : parseIntInRange('--seed', flags.seed, 1, 2 ** 31);
  const dir = devDir(flags.dir);
  const state = requireDevState(dir);
  const stopped = state.nodes.filter((node) => !isNodeRunning(node)).map((node) => node.id);
  if (stopped.length > 0) {
    throw new CliError(
      `${stopped.join(', ')} not running; start the dev cluster first ("ringkv dev start --dir ${dir}")`,
    );
  }
  const note = (line: string): void => void process.stderr.write(`${line}\n`);
  const stop = stopSignal();
  let report: Awaited<ReturnType<typeof runChaos>>;
  try {
    report = await runChaos(devChaosTarget(dir, note), { durationMs, seed, log: note, signal: stop.signal });
  } finally {
    stop.dispose();
  }
  if (flags.report !== undefined) writeFileSync(flags.report, toJson(report));
  process.stdout.write(flags.json === true ? toJson(report) : `${renderReport(report)}\n`);
  if (!report.passed) process.exitCode = 1;
}

/** Registers `chaos` on `program`. */
export function registerChaosCommand(program: Command): void {
  program
    .command('chaos')
    .description(
      'fault injection against the dev cluster: writes under kill -9, pauses and restarts, then checks nothing acknowledged was lost',
    )
    .option('--dir <path>', 'dev cluster folder (default .ringkv-dev in the working directory)')
    .option('--duration <time>', `how long to inject faults, e.g. 60s or 2m (default ${CHAOS_DURATION_DEFAULT})`)
    .option('--seed <n>', 'seed of the workload and nemesis choices, to replay a run (default random)')
    .option('--report <file>', 'also write the JSON report to this file')
    .option('--json', 'print the JSON report instead of the table')
    .action(runChaosCommand);
}
