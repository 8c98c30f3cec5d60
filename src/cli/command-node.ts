/** `ringkv node`: runs one node in this process until SIGTERM or SIGINT. */
import type { Command } from 'commander';
import { RingError } from '../common/errors.js';
import { DEFAULT_LIMITS, PARTITIONS_DEFAULT, REPLICAS_DEFAULT } from '../common/limits.js';
import { CliError } from './cli-error.js';
import { DEV_CLUSTER_NAME } from './dev-state.js';
import { type NodeFlags, nodeOptionsFromFlags, SECRET_ENV } from './node-flags.js';

/** Resolves on the first SIGTERM or SIGINT; a second one while stopping forces the exit. */
function firstStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      const force = (): void => {
        process.stderr.write('second signal while stopping: exiting now\n');
        process.exit(130);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function runNodeCommand(flags: NodeFlags): Promise<void> {
  const { options, secretSource } = nodeOptionsFromFlags(flags, process.env[SECRET_ENV]);
  if (secretSource === 'derived') {
    process.stderr.write(
      `warning: no --secret and no $${SECRET_ENV}: using a secret derived from the cluster name "${options.cluster}", ` +
        'which anyone who knows the name can compute; set one for any shared deployment\n',
    );
  }
  const stopped = firstStopSignal();
  let departed: () => void = () => {};
  const left = new Promise<void>((resolve) => {
    departed = resolve;
  });
  let node: { stop(): Promise<void> };
  try {
    // Loaded here so that client commands do not pay for loading the node.
    const { runNode } = await import('../node/io/run-node.js');
    node = await runNode({ ...options, onDeparted: () => departed() });
  } catch (err) {
    if (err instanceof RingError) throw err;
    throw new CliError(`node ${options.id} failed to start: ${(err as Error).message}`, { cause: err });
  }
  // A node that left the cluster (ringkv leave) exits once it handed its data over.
  await Promise.race([stopped, left]);
  await node.stop();
  // Let the process end on its own once stop() closed every handle, so logs are flushed.
  process.exitCode = 0;
}

/** Registers `node` on `program`. */
export function registerNodeCommand(program: Command): void {
  program
    .command('node')
    .description('run one node of a cluster in the foreground (logs JSON lines to stdout)')
    .option('--id <id>', 'stable node id, e.g. n1 (required)')
    .option('--listen <host:port>', 'address to serve on; peers and clients dial it (required)')
    .option('--data <dir>', 'data directory (required)')
    .option('--seeds <addresses>', 'comma-separated HOST:PORT of the nodes forming the cluster (required)')
    .option('--cluster <name>', `cluster name (default ${DEV_CLUSTER_NAME})`)
    .option(
      '--secret <secret>',
      `context secret shared by all nodes (default $${SECRET_ENV}, else derived from the name)`,
    )
    .option('--partitions <q>', `partitions, a power of two (default ${PARTITIONS_DEFAULT})`)
    .option('--replicas <n>', `replicas per key (default ${REPLICAS_DEFAULT})`)
    .option('--sync <mode>', 'storage sync: always, batch or none (default batch)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent (default info)')
    .option('--key-bytes-max <bytes>', `largest key accepted (default ${DEFAULT_LIMITS.keyBytesMax})`)
    .option('--value-bytes-max <bytes>', `largest value accepted (default ${DEFAULT_LIMITS.valueBytesMax})`)
    .option('--siblings-max <count>', `most siblings per key (default ${DEFAULT_LIMITS.siblingsMax})`)
    .option('--transfer-keys-per-s <n>', 'keys per second this node may receive while rebalancing (default 5000)')
    .option('--tombstone-grace-ms <ms>', 'remove a tombstone this long after every primary holds it (default 4 h)')
    .option('--no-hinted-handoff', 'disable sloppy quorum and hinted handoff: only primaries take writes')
    .option('--no-anti-entropy', 'disable anti-entropy (Merkle trees and exchanges), e.g. to measure its cost')
    .option(
      '--framed-port <port>',
      'port of the framed-stream listener on the --listen host (default 0: any free port, announced to peers)',
    )
    .option('--no-framed', 'serve and use gRPC streams only, no framed listener (also RINGKV_FRAMED=0)')
    .action(runNodeCommand);
}
