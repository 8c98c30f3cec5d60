/** The `ringkv` command tree. */
import { Command } from 'commander';
import { registerBenchCommand } from './command-bench.js';
import { registerChaosCommand } from './command-chaos.js';
import { registerClusterCommands } from './command-cluster.js';
import { registerDevCommands } from './command-dev.js';
import { registerKvCommands } from './command-kv.js';
import { registerMembershipCommands } from './command-membership.js';
import { registerNodeCommand } from './command-node.js';

/** Builds the program; commander errors throw (exitOverride) so that main maps them to exit code 2. */
export function buildProgram(): Command {
  const program = new Command('ringkv')
    .description('ringkv: a Dynamo-style distributed key-value store')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerNodeCommand(program);
  registerDevCommands(program);
  registerKvCommands(program);
  registerClusterCommands(program);
  registerMembershipCommands(program);
  registerBenchCommand(program);
  registerChaosCommand(program);
  return program;
}
