/**
 * A ringkv cluster of Docker containers run from the deploy/ image, through testcontainers. The
 * image is built locally by deploy/build-image.sh (a FROM-scratch base with the host's node, and
 * the app prebuilt into the context), so no registry is needed. Containers use the host network
 * on free 127.0.0.1 ports, so the client reaches every node at the address the ring advertises.
 * Ryuk (which needs a registry) is disabled: destroy() stops every container, and containers left
 * by a crashed run are removed by label on the next start.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { RingClient } from '../../src/client/index.js';
import { freePorts } from './free-ports.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
/** The image the suite builds and runs. */
export const TEST_IMAGE = 'ringkv:fault-test';
const OWNER_LABEL = 'ringkv.test.owner';

async function docker(...args: string[]): Promise<string> {
  return (await exec('docker', args, { timeout: 120_000 })).stdout;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers of earlier runs whose test process is gone. */
export async function removeLeftoverContainers(): Promise<number> {
  const rows = await docker(
    'ps',
    '-a',
    '--filter',
    `label=${OWNER_LABEL}`,
    '--format',
    `{{.ID}} {{.Label "${OWNER_LABEL}"}}`,
  );
  const dead = rows
    .trim()
    .split('\n')
    .filter((row) => row !== '')
    .map((row) => row.split(' ') as [string, string])
    .filter(([, pid]) => !alive(Number(pid)));
  for (const [id] of dead) await docker('rm', '-f', id);
  return dead.length;
}

/** Builds TEST_IMAGE with deploy/build-image.sh (base from the host's node, prebuilt app). */
export async function buildTestImage(): Promise<void> {
  await exec('bash', [resolve(ROOT, 'deploy/build-image.sh'), '--base', '--prebuilt', '--tag', TEST_IMAGE], {
    cwd: ROOT,
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

export class ContainerCluster {
  private constructor(
    readonly ids: readonly string[],
    readonly addresses: readonly string[],
    private readonly containers: Map<string, StartedTestContainer>,
  ) {}

  /** Starts `nodes` containers of TEST_IMAGE and waits until each logs that it serves. */
  static async start(nodes: number): Promise<ContainerCluster> {
    await removeLeftoverContainers();
    const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
    const addresses = (await freePorts(nodes)).map((port) => `127.0.0.1:${port}`);
    const containers = new Map<string, StartedTestContainer>();
    const cluster = new ContainerCluster(ids, addresses, containers);
    try {
      await Promise.all(
        ids.map(async (id, i) => {
          const container = await new GenericContainer(TEST_IMAGE)
            .withNetworkMode('host')
            .withLabels({ [OWNER_LABEL]: String(process.pid) })
            .withCommand([
              '--id',
              id,
              '--listen',
              addresses[i] as string,
              '--data',
              `/data/${id}`,
              '--seeds',
              addresses.join(','),
              '--cluster',
              'containers',
              '--secret',
              'container-secret',
              '--partitions',
              '64',
              '--replicas',
              '3',
            ])
            .withWaitStrategy(Wait.forLogMessage(/"msg":"serving"/))
            .withStartupTimeout(90_000)
            .start();
          containers.set(id, container);
        }),
      );
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  client(): Promise<RingClient> {
    return RingClient.connect({ seeds: this.addresses });
  }

  private container(id: string): StartedTestContainer {
    const c = this.containers.get(id);
    if (c === undefined) throw new Error(`no container for ${id}`);
    return c;
  }

  /** `docker kill` (SIGKILL): the container stops, its data stays in its filesystem. */
  async kill(id: string): Promise<void> {
    await docker('kill', '--signal', 'KILL', this.container(id).getId());
  }

  /** `docker start` on a killed container, then waits until the node reports serving. */
  async restart(id: string, timeoutMs = 60_000): Promise<void> {
    await docker('start', this.container(id).getId());
    const address = this.addresses[this.ids.indexOf(id)] as string;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let client: RingClient | undefined;
      try {
        client = await RingClient.connect({ seeds: [address], timeoutMs: 1000 });
        const status = await client.status({ timeoutMs: 1000 });
        if (status.members.find((m) => m.id === id)?.state === 'serving') return;
      } catch {
        // not up yet
      } finally {
        client?.close();
      }
      if (Date.now() > deadline) throw new Error(`${id} not serving ${timeoutMs} ms after docker start`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops and removes every container. */
  async destroy(): Promise<void> {
    await Promise.all([...this.containers.values()].map((c) => c.stop({ timeout: 1 }).catch(() => undefined)));
    this.containers.clear();
  }
}
