/**
 * Real `ringkv node` processes, each in its own network namespace on a private bridge (see
 * NetnsNetwork), with the process faults of ProcessCluster plus network partitions. Every
 * partition and heal is verified with TCP connects between the namespaces before it returns, so a
 * test never relies on a cut that did not take. destroy() (call it in afterAll) removes the
 * processes, namespaces, veths, bridge and rules; leftovers of crashed runs are removed on start.
 */
import type { RingClient } from '../../src/client/index.js';
import { type LinkProbe, NetnsNetwork } from './netns-network.js';
import { ProcessCluster, type ProcessClusterOptions } from './process-cluster.js';

/** Every node listens on this port of its own namespace's address. */
export const NETNS_NODE_PORT = 7000;

/** The verified state of the links did not match the requested cut: a harness error, not a product failure. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}

export class NetnsCluster {
  /** Pairs currently cut, as "a|b" with a < b. */
  private cutPairs = new Set<string>();

  private constructor(
    readonly network: NetnsNetwork,
    /** The processes: kill, pause, resume, stopNode, startNode, wipe, address. */
    readonly nodes: ProcessCluster,
  ) {}

  /** Builds the network, starts every node in its namespace and waits until all serve. */
  static async start(options: Omit<ProcessClusterOptions, 'addresses' | 'launcher'>): Promise<NetnsCluster> {
    const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
    const network = await NetnsNetwork.create(ids);
    try {
      const nodes = await ProcessCluster.start({
        ...options,
        addresses: ids.map((id) => `${network.ip(id)}:${NETNS_NODE_PORT}`),
        launcher: (id) => ['ip', 'netns', 'exec', network.namespace(id)],
      });
      return new NetnsCluster(network, nodes);
    } catch (err) {
      await network.destroy();
      throw err;
    }
  }

  get ids(): string[] {
    return this.nodes.ids;
  }

  /** A client in the host namespace, which reaches every node whatever the cuts (as in Jepsen). */
  client(): Promise<RingClient> {
    return this.nodes.client();
  }

  /** Cuts every link between nodes of different groups; ids in no group keep all their links. */
  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    const pairs: [string, string][] = [];
    groups.forEach((g, i) => {
      for (const other of groups.slice(i + 1)) for (const a of g) for (const b of other) pairs.push([a, b]);
    });
    await this.cut(pairs);
  }

  /** Cuts `id` off from every other node. */
  isolate(id: string): Promise<void> {
    return this.partition([[id], this.ids.filter((x) => x !== id)]);
  }

  /** Splits the nodes into the first floor(n/2) and the rest. */
  halves(): Promise<void> {
    const k = Math.floor(this.ids.length / 2);
    return this.partition([this.ids.slice(0, k), this.ids.slice(k)]);
  }

  /** `left` and `right` cannot reach each other, `middle` reaches both (Jepsen's bridge). */
  bridge(left: readonly string[], middle: string, right: readonly string[]): Promise<void> {
    if (left.includes(middle) || right.includes(middle)) throw new Error('the bridge node is on one side');
    return this.partition([left, right]);
  }

  /** Removes every cut. */
  heal(): Promise<void> {
    return this.cut([]);
  }

  /** Whether the link between `a` and `b` is currently cut. */
  isCut(a: string, b: string): boolean {
    return this.cutPairs.has(pairKey(a, b));
  }

  /** Applies exactly `pairs` as cuts, then verifies every link (throws HarnessError when one is wrong). */
  async cut(pairs: readonly (readonly [string, string])[]): Promise<void> {
    await this.network.cut(pairs);
    this.cutPairs = new Set(pairs.map(([a, b]) => pairKey(a, b)));
    await this.verify();
  }

  /** Probes every directed link and checks it against the cuts: cut links time out, the others connect or are refused. */
  async verify(): Promise<Map<string, LinkProbe>> {
    const probes = await this.network.probe(NETNS_NODE_PORT);
    const wrong: string[] = [];
    for (const [link, result] of probes) {
      const [a, b] = link.split('>') as [string, string];
      const expectCut = this.isCut(a, b);
      if (expectCut !== (result === 'timeout'))
        wrong.push(`${link} ${result} (expected ${expectCut ? 'cut' : 'reachable'})`);
    }
    if (wrong.length > 0) throw new HarnessError(`network cut not effective: ${wrong.join(', ')}`);
    return probes;
  }

  /** Stops every node, then removes the network. Safe to call twice. */
  async destroy(): Promise<void> {
    try {
      await this.nodes.destroy();
    } finally {
      await this.network.destroy();
    }
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
