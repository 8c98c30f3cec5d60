/** `ringkv dev ...`: a local cluster manager in the spirit of Cassandra's ccm. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RingClient } from '../client/index.js';
import { CliError, UsageError } from './cli-error.js';
import { statusFrames } from './command-cluster.js';
import { addDevNode, type DevAddDeps, type DevAddResult } from './dev-add.js';
import { isNodeRunning, spawnNode, stopNode } from './dev-cluster.js';
import { type DevShapeFlags, startAndWait } from './dev-start.js';
import { DEV_STATE_FILE, type DevState, devDir, findDevNode, readDevState, requireDevState } from './dev-state.js';
import { describeStop, killDevNode, stopDevNodes } from './dev-stop.js';
import { nodeStatusAt } from './node-probe.js';
import { toJson } from './output.js';
import { renderPlan } from './plan-view.js';
import { renderStatus } from './status-view.js';
import { type Frame, stopSignal, watch, watchMode } from './watch.js';

interface DevFlags extends DevShapeFlags {
  readonly dir?: string;
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly foreground?: boolean;
}

/** Each node's process as the state file and /proc see it. */
export function devProcesses(state: DevState): { id: string; address: string; pid: number | null; running: boolean }[] {
  return state.nodes.map((node) => ({
    id: node.id,
    address: node.address,
    pid: node.pid,
    running: isNodeRunning(node),
  }));
}

/** One line about the local processes, e.g. `processes: n1 pid 4242, n3 not running`. */
export function formatProcesses(processes: readonly { id: string; pid: number | null; running: boolean }[]): string {
  const parts = processes.map((p) => (p.running ? `${p.id} pid ${p.pid}` : `${p.id} not running`));
  return `processes: ${parts.join(', ')}`;
}

function connectDev(state: DevState): Promise<RingClient> {
  return RingClient.connect({ seeds: state.nodes.map((node) => node.address) });
}

/** Status frames with the local process line added; no cluster call while no node runs. */
function devFrames(dir: string, state: DevState, footer: string): { next: () => Promise<Frame>; close: () => void } {
  const withProcesses = (frame: Frame, processes: ReturnType<typeof devProcesses>): Frame => {
    const line = formatProcesses(processes);
    return {
      view: `${frame.view}\n${line}${footer}`,
      line: `${frame.line} | ${line}`,
      json: { status: frame.json, processes },
    };
  };
  const current = () => devProcesses(readDevState(dir) ?? state);
  const inner = statusFrames(
    () => connectDev(state),
    (frame) => withProcesses(frame, current()),
  );
  const next = async (): Promise<Frame> => {
    const processes = current();
    if (processes.some((p) => p.running)) return inner.next();
    const message = `no node of the dev cluster in ${dir} is running (start them with "ringkv dev start")`;
    return withProcesses({ view: message, line: message, json: null }, processes);
  };
  return { next, close: inner.close };
}

async function runForeground(dir: string, state: DevState, json: boolean): Promise<void> {
  const stop = stopSignal();
  const frames = devFrames(dir, state, `\nCtrl-C stops every node of ${dir}`);
  try {
    await watch(frames.next, watchMode(json, process.stdout.isTTY === true), stop.signal);
  } finally {
    stop.dispose();
    frames.close();
  }
  process.stdout.write('stopping every node...\n');
  for (const result of await stopDevNodes(dir, undefined)) process.stdout.write(`${describeStop(result)}\n`);
}

async function runStart(nodeId: string | undefined, flags: DevFlags): Promise<void> {
  const shaped = [flags.nodes, flags.partitions, flags.replicas, flags.basePort].some((value) => value !== undefined);
  if (nodeId !== undefined && (shaped || flags.foreground === true)) {
    throw new UsageError('dev start NODE takes no --nodes, --partitions, --replicas, --base-port or --foreground');
  }
  const dir = devDir(flags.dir);
  const note = (line: string): void => void process.stderr.write(`${line}\n`);
  // In the foreground, Ctrl-C while waiting must still stop the nodes this command started.
  const early = flags.foreground === true ? stopSignal() : undefined;
  let started: Awaited<ReturnType<typeof startAndWait>>;
  try {
    started = await startAndWait(dir, nodeId, flags, note, early?.signal);
  } catch (err) {
    if (early !== undefined) {
      for (const result of await stopDevNodes(dir, undefined)) note(describeStop(result));
    } else {
      note(
        `nodes that did start keep running; "ringkv dev status --dir ${dir}" shows them, "ringkv dev stop" stops them`,
      );
    }
    throw err;
  } finally {
    early?.dispose();
  }
  const { status, owners } = started.snapshot;
  if (flags.json === true && flags.foreground !== true) process.stdout.write(toJson(status));
  else if (flags.json !== true) process.stdout.write(`${renderStatus(status, { owners })}\n`);
  if (flags.foreground === true) await runForeground(dir, started.state, flags.json === true);
}

async function runStop(nodeId: string | undefined, flags: DevFlags): Promise<void> {
  const dir = devDir(flags.dir);
  const state = requireDevState(dir);
  const ids = nodeId === undefined ? undefined : [findDevNode(state, nodeId).id];
  const results = await stopDevNodes(dir, ids);
  if (flags.json === true) process.stdout.write(toJson(results));
  else for (const result of results) process.stdout.write(`${describeStop(result)}\n`);
}

async function runKill(nodeId: string, flags: DevFlags): Promise<void> {
  const dir = devDir(flags.dir);
  const node = findDevNode(requireDevState(dir), nodeId);
  const killed = await killDevNode(dir, node);
  if (flags.json === true) process.stdout.write(toJson({ id: node.id, pid: node.pid, killed }));
  else
    process.stdout.write(
      killed ? `killed ${node.id} (pid ${node.pid}) with SIGKILL\n` : `${node.id} was not running\n`,
    );
}

/** The real processes and cluster behind `dev add`. */
export const realDevAddDeps: DevAddDeps = {
  connect: (seeds) => RingClient.connect({ seeds: [...seeds] }),
  isRunning: isNodeRunning,
  spawn: spawnNode,
  ask: nodeStatusAt,
  stop: stopNode,
};

/** What `dev add` prints after the plan, for people. */
export function describeAdd(result: DevAddResult): string {
  const { node, plan } = result;
  if (plan.committed) {
    return `${node.id} (pid ${node.pid}) joins at ${node.address}: it copies its partitions now; "ringkv dev status --watch" shows the transfers`;
  }
  return (
    `${node.id} (pid ${node.pid}) keeps running at ${node.address} in state "${result.answered.state}", not a member; ` +
    `"ringkv dev add" joins it, "ringkv dev stop ${node.id}" stops it`
  );
}

async function runAdd(flags: DevFlags & { readonly dryRun?: boolean }): Promise<void> {
  const dir = devDir(flags.dir);
  const note = (line: string): void => void process.stderr.write(`${line}\n`);
  const result = await addDevNode(dir, requireDevState(dir), { dryRun: flags.dryRun === true }, realDevAddDeps, note);
  if (flags.json === true) {
    const { id, address, pid } = result.node;
    process.stdout.write(toJson({ node: { id, address, pid, state: result.answered.state }, plan: result.plan }));
    return;
  }
  process.stdout.write(`${renderPlan(result.plan)}\n`);
  note(describeAdd(result));
}

async function runStatus(flags: DevFlags): Promise<void> {
  const dir = devDir(flags.dir);
  const state = requireDevState(dir);
  const frames = devFrames(dir, state, '');
  if (flags.watch !== true) {
    try {
      const frame = await frames.next();
      process.stdout.write(flags.json === true ? toJson(frame.json) : `${frame.view}\n`);
    } finally {
      frames.close();
    }
    return;
  }
  const stop = stopSignal();
  try {
    await watch(frames.next, watchMode(flags.json === true, process.stdout.isTTY === true), stop.signal);
  } finally {
    stop.dispose();
    frames.close();
  }
}

async function runClean(flags: DevFlags): Promise<void> {
  const dir = devDir(flags.dir);
  if (!existsSync(dir)) {
    process.stdout.write(`nothing to clean: ${dir} does not exist\n`);
    return;
  }
  if (!existsSync(join(dir, DEV_STATE_FILE))) {
    throw new CliError(`${dir} has no ${DEV_STATE_FILE}, so it is not a ringkv dev folder; not deleting it`);
  }
  for (const result of await stopDevNodes(dir, undefined)) process.stdout.write(`${describeStop(result)}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`deleted ${dir}\n`);
}

const dirOption = ['--dir <path>', 'dev cluster folder (default .ringkv-dev in the working directory)'] as const;

/** Registers `dev` and its subcommands on `program`. */
export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('a local cluster manager (state in one folder, like ccm)');
  dev
    .command('start')
    .description('create or reuse the dev cluster and start every node (or just NODE); returns once they serve')
    .argument('[node]', 'one node id, e.g. n3')
    .option(...dirOption)
    .option('--nodes <count>', 'nodes of a new cluster (default 5)')
    .option('--partitions <q>', 'partitions of a new cluster (default 256)')
    .option('--replicas <n>', 'replicas of a new cluster (default min(3, nodes))')
    .option('--base-port <port>', 'node nI listens on 127.0.0.1:(port + i) (default 7100)')
    .option('--foreground', 'stay attached with a live status view; Ctrl-C stops every node')
    .option('--json', 'print JSON for scripts')
    .action(runStart);
  dev
    .command('stop')
    .description('SIGTERM every node (or NODE), SIGKILL after 5 s')
    .argument('[node]')
    .option(...dirOption)
    .option('--json', 'print JSON for scripts')
    .action(runStop);
  dev
    .command('kill')
    .description('SIGKILL NODE: a crash, no cleanup')
    .argument('<node>')
    .option(...dirOption)
    .option('--json', 'print JSON for scripts')
    .action(runKill);
  dev
    .command('add')
    .description('start the next node (nK+1) with the running cluster as seeds and join it; prints the plan')
    .option(...dirOption)
    .option('--dry-run', 'start the node and print the plan of its join, but do not join it (it keeps running)')
    .option('--json', 'print JSON for scripts')
    .action(runAdd);
  dev
    .command('status')
    .description('cluster status plus the local processes')
    .option(...dirOption)
    .option('--watch', 'refresh until Ctrl-C')
    .option('--json', 'print JSON for scripts')
    .action(runStatus);
  dev
    .command('clean')
    .description('stop every node, then delete the folder')
    .option(...dirOption)
    .action(runClean);
}
