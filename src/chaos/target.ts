/** What a chaos run needs from a cluster: a client and the faults it may inject. */
import type { RingClient } from '../client/index.js';

/**
 * A cluster under test. Process faults are required; partitions only where the cluster can cut
 * links (nodes in network namespaces). Every fault returns once applied (a partition once verified).
 */
export interface ChaosTarget {
  readonly ids: readonly string[];
  /** A client that reaches every node whatever the faults. */
  connect(): Promise<RingClient>;
  /** SIGKILL, waiting until the process is gone. */
  kill(id: string): Promise<void>;
  /** Starts a stopped or killed node on its data and waits until it serves. */
  start(id: string): Promise<void>;
  /** SIGSTOP. */
  pause(id: string): Promise<void>;
  /** SIGCONT. */
  resume(id: string): Promise<void>;
  /** Cuts every link between nodes of different groups; ids in no group keep their links. */
  partition?(groups: readonly (readonly string[])[]): Promise<void>;
  /** Removes every cut. */
  heal?(): Promise<void>;
}
