/** Options shared by every command that talks to a cluster, and the client they open. */
import type { Command } from 'commander';
import { RingClient } from '../client/index.js';
import { devDir, readDevState } from './dev-state.js';
import { parseTimeoutMs } from './parse-flags.js';
import { type ResolvedSeeds, resolveSeeds, SEEDS_ENV } from './seeds.js';

/** Raw values of the shared client flags, as commander hands them over. */
export interface ClientFlags {
  readonly seeds?: string;
  readonly dir?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

/** Adds --seeds, --dir, --timeout and --json to `command`. */
export function addClientOptions(command: Command): Command {
  return command
    .option(
      '--seeds <addresses>',
      `comma-separated HOST:PORT of nodes (default: $${SEEDS_ENV}, the dev cluster, 127.0.0.1:7101)`,
    )
    .option('--dir <path>', 'dev cluster folder whose nodes serve as seeds (default .ringkv-dev)')
    .option('--timeout <ms>', 'deadline of the call in milliseconds')
    .option('--json', 'print JSON for scripts');
}

/** The seeds to dial: --seeds, else $RINGKV_SEEDS, else the dev cluster's nodes, else 127.0.0.1:7101. */
export function seedsFromFlags(flags: ClientFlags): ResolvedSeeds {
  const state = flags.seeds === undefined ? readDevState(devDir(flags.dir)) : undefined;
  return resolveSeeds({
    flag: flags.seeds,
    env: process.env[SEEDS_ENV],
    devAddresses: state?.nodes.map((node) => node.address),
  });
}

/** The --timeout value in milliseconds, or undefined when not given. */
export function timeoutFromFlags(flags: ClientFlags): number | undefined {
  return flags.timeout === undefined ? undefined : parseTimeoutMs('--timeout', flags.timeout);
}

/** Connects to the cluster named by the flags. */
export async function connectFromFlags(flags: ClientFlags): Promise<RingClient> {
  const { seeds } = seedsFromFlags(flags);
  const timeoutMs = timeoutFromFlags(flags);
  return RingClient.connect(timeoutMs === undefined ? { seeds: [...seeds] } : { seeds: [...seeds], timeoutMs });
}

/** Runs `fn` with a connected client and always closes it. */
export async function withClient<T>(flags: ClientFlags, fn: (client: RingClient) => Promise<T>): Promise<T> {
  const client = await connectFromFlags(flags);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
