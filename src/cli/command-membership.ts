/** `ringkv join | leave`: add a running node to the cluster, or remove a member, after a reviewable plan. */
import type { Command } from 'commander';
import type { ChangeOptions, ChangePlanResult } from '../client/types.js';
import { addClientOptions, type ClientFlags, timeoutFromFlags, withClient } from './connect.js';
import { toJson } from './output.js';
import { parseAddress, parseNodeId } from './parse-flags.js';
import { renderPlan } from './plan-view.js';

interface ChangeFlags extends ClientFlags {
  readonly dryRun?: boolean;
}

/** SDK options of a join or leave from its flags, with only the fields given. */
export function changeOptionsFromFlags(flags: ChangeFlags): ChangeOptions {
  const timeoutMs = timeoutFromFlags(flags);
  return { dryRun: flags.dryRun === true, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/** What to do next after a plan, for people. */
export function planNextStep(plan: ChangePlanResult, command: string): string {
  if (!plan.committed) return `run "${command}" without --dry-run to make this change`;
  const what =
    plan.kind === 'join'
      ? `${plan.nodeId} now copies its partitions and serves them once every copy is in sync`
      : `${plan.nodeId} hands its partitions over and leaves once every copy is in sync`;
  return `${what}; "ringkv status --watch" shows the transfers`;
}

function printPlan(plan: ChangePlanResult, flags: ChangeFlags, command: string): void {
  if (flags.json === true) {
    process.stdout.write(toJson(plan));
    return;
  }
  process.stdout.write(`${renderPlan(plan)}\n`);
  process.stderr.write(`${planNextStep(plan, command)}\n`);
}

async function runJoin(rawAddress: string, flags: ChangeFlags): Promise<void> {
  const address = parseAddress('ADDRESS', rawAddress);
  const options = changeOptionsFromFlags(flags);
  const plan = await withClient(flags, (client) => client.join(address, options));
  printPlan(plan, flags, `ringkv join ${address}`);
}

async function runLeave(rawNodeId: string, flags: ChangeFlags): Promise<void> {
  const nodeId = parseNodeId('NODE', rawNodeId);
  const options = changeOptionsFromFlags(flags);
  const plan = await withClient(flags, (client) => client.leave(nodeId, options));
  printPlan(plan, flags, `ringkv leave ${nodeId}`);
}

/** Registers join and leave on `program`. */
export function registerMembershipCommands(program: Command): void {
  addClientOptions(
    program
      .command('join')
      .description('add the node running at ADDRESS (started with --seeds of this cluster); prints the plan')
      .argument('<address>', 'HOST:PORT the new node listens on')
      .option('--dry-run', 'print the plan (partitions and data to move) without changing anything'),
  ).action(runJoin);
  addClientOptions(
    program
      .command('leave')
      .description('move the partitions of member NODE to the others, then remove it; prints the plan')
      .argument('<node>', 'id of the member to remove, e.g. n3')
      .option('--dry-run', 'print the plan (partitions and data to move) without changing anything'),
  ).action(runLeave);
}
