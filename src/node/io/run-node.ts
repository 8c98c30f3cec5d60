/** Starts a node process's worth of ringkv: storage, transport, logic and gRPC server. */
import type { NodeConfig } from '../config.js';
import type { Env } from '../env.js';
import { RingNode } from '../node.js';
import { createLogger, realClock, realRandom } from './env-real.js';
import { type GrpcServer, startGrpcServer } from './grpc-server.js';
import { GrpcPeerTransport } from './peer-transport-grpc.js';
import { LevelStorage } from './storage-level.js';

export interface RunNodeOptions extends NodeConfig {
  readonly dataDir: string;
  readonly logLevel: string;
  /**
   * Serve and use framed streams for the hot paths (src/proto/framed.ts). Default: on, unless
   * the environment sets RINGKV_FRAMED=0 (for measuring against gRPC-only streams).
   */
  readonly framedStreams?: boolean;
  /** Port of the framed listener on the --listen host; 0 (the default) takes any free port. */
  readonly framedPort?: number;
  /** Called once the node left the cluster and handed its data over; the caller should stop it. */
  readonly onDeparted?: () => void;
}

export interface RunningNode {
  readonly id: string;
  readonly node: RingNode;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 2000;

/** Opens the data directory, serves on `address`, and joins or forms the ring. */
export async function runNode(options: RunNodeOptions): Promise<RunningNode> {
  const log = createLogger(options.logLevel, { node: options.id });
  const storage = await LevelStorage.open(options.dataDir, options.syncMode);
  const framed = options.framedStreams ?? process.env.RINGKV_FRAMED !== '0';
  const transport = new GrpcPeerTransport(options.id, framed, log);
  const env: Env = { clock: realClock, random: realRandom, transport, storage, log };
  const node = new RingNode(env, options);
  node.onDeparted = () => {
    log.info({}, 'left the cluster; its data is handed over');
    options.onDeparted?.();
  };
  let server: GrpcServer;
  try {
    await node.start();
    server = await startGrpcServer(node, options.address, log, { framed, framedPort: options.framedPort ?? 0 });
  } catch (err) {
    await node.stop();
    await transport.close();
    await storage.close();
    throw err;
  }
  log.info({ address: options.address, dataDir: options.dataDir, sync: options.syncMode }, 'listening');
  let stopping: Promise<void> | null = null;
  return {
    id: options.id,
    node,
    stop() {
      stopping ??= (async () => {
        log.info({}, 'stopping');
        await node.stop();
        await server.stop(SHUTDOWN_GRACE_MS);
        await node.markCleanStop();
        await transport.close();
        await storage.close();
        log.info({}, 'stopped');
      })();
      return stopping;
    },
  };
}
