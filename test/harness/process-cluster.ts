/**
 * A cluster of real `ringkv node` processes on loopback, for integration tests: start, stop
 * (SIGTERM), kill (SIGKILL), pause (SIGSTOP), resume (SIGCONT), restart and wipe nodes.
 * Every process it starts is killed by destroy(), which tests call in afterAll.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { RingClient } from '../../src/client/index.js';
import { ringkvProto } from '../../src/proto/load.js';
import { freePorts } from './free-ports.js';

const BIN = resolve(import.meta.dirname, '../../bin/ringkv.js');

export interface ProcessClusterOptions {
  readonly nodes: number;
  readonly partitions?: number;
  readonly replicas?: number;
  readonly sync?: 'always' | 'batch' | 'none';
  readonly extraArgs?: readonly string[];
  /** host:port of each node (default: free ports on 127.0.0.1); its length must equal `nodes`. */
  readonly addresses?: readonly string[];
  /** Command prefix a node runs under, e.g. `['ip', 'netns', 'exec', ns]`; the prefix must exec the node. */
  readonly launcher?: (id: string) => readonly string[];
  /** Where the cluster's folder is made (default the OS temp dir). */
  readonly dir?: string;
  /** Extra environment variables of node `id`'s process. */
  readonly env?: (id: string) => Readonly<Record<string, string>>;
}

interface NodeProc {
  readonly id: string;
  readonly address: string;
  readonly dataDir: string;
  readonly logFile: string;
  proc: ChildProcess | null;
  log: WriteStream | null;
}

export class ProcessCluster {
  readonly dir: string;
  private readonly nodes: NodeProc[];
  readonly secret = 'integration-secret';
  readonly cluster = 'it';

  private constructor(
    private readonly options: ProcessClusterOptions,
    addresses: readonly string[],
  ) {
    this.dir = mkdtempSync(join(options.dir ?? tmpdir(), 'ringkv-it-'));
    this.nodes = addresses.map((address, i) => {
      const id = `n${i + 1}`;
      mkdirSync(join(this.dir, id), { recursive: true });
      return {
        id,
        address,
        dataDir: join(this.dir, id, 'data'),
        logFile: join(this.dir, id, 'node.log'),
        proc: null,
        log: null,
      };
    });
  }

  /** Starts every node and waits until all of them serve. */
  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const addresses = options.addresses ?? (await freePorts(options.nodes)).map((port) => `127.0.0.1:${port}`);
    if (addresses.length !== options.nodes) throw new Error(`${addresses.length} addresses for ${options.nodes} nodes`);
    const cluster = new ProcessCluster(options, addresses);
    for (const n of cluster.nodes) cluster.spawn(n);
    try {
      await cluster.waitServing(cluster.ids, 30_000);
    } catch (err) {
      const logs = cluster.nodes.map((n) => `${n.id}: ${tail(n.logFile)}`).join('\n');
      await cluster.destroy();
      throw new Error(`${(err as Error).message}; last log lines:\n${logs}`, { cause: err });
    }
    return cluster;
  }

  get ids(): string[] {
    return this.nodes.map((n) => n.id);
  }

  get addresses(): string[] {
    return this.nodes.map((n) => n.address);
  }

  address(id: string): string {
    return this.node(id).address;
  }

  pid(id: string): number | undefined {
    return this.node(id).proc?.pid;
  }

  /** A client seeded with every node's address. */
  client(): Promise<RingClient> {
    return RingClient.connect({ seeds: this.addresses });
  }

  /**
   * Starts one more node (its own folder, a free port, seeded with the others' addresses). It does
   * not serve until a join adds it: this waits only until it answers status, in state `state`.
   */
  async addNode(id: string, state = 'joining'): Promise<string> {
    const [port] = await freePorts(1);
    const folder = existsSync(join(this.dir, id)) ? `${id}-${this.nodes.length}` : id;
    mkdirSync(join(this.dir, folder), { recursive: true });
    const n: NodeProc = {
      id,
      address: `127.0.0.1:${port}`,
      dataDir: join(this.dir, folder, 'data'),
      logFile: join(this.dir, folder, 'node.log'),
      proc: null,
      log: null,
    };
    this.nodes.push(n);
    this.spawn(n);
    const deadline = Date.now() + 30_000;
    while ((await this.state(n.address)) !== state) {
      if (Date.now() > deadline) throw new Error(`${id} not in state ${state} after 30 s: ${tail(n.logFile)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return n.address;
  }

  /** Resolves once the process of node `id` (the newest of that id) exits on its own, or rejects after `timeoutMs`. */
  async waitExit(id: string, timeoutMs: number): Promise<void> {
    const n = this.node(id);
    const proc = n.proc;
    if (proc === null) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id} still running after ${timeoutMs} ms`)), timeoutMs);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The state the node at `address` reports ("joining", "serving", ...), or null if it does not answer. */
  async state(address: string): Promise<string | null> {
    const admin = new (ringkvProto().ringkv.v1.Admin)(address, grpc.credentials.createInsecure());
    try {
      return await new Promise<string | null>((resolve) => {
        admin.Status({}, { deadline: Date.now() + 1000 }, (err, res) =>
          resolve(err ? null : (res?.node?.state ?? null)),
        );
      });
    } finally {
      admin.close();
    }
  }

  /** Starts a stopped node again (same id, address and data) and waits until it serves. */
  async startNode(id: string): Promise<void> {
    const n = this.node(id);
    if (n.proc !== null) throw new Error(`${id} is already running`);
    this.spawn(n);
    await this.waitServing([id], 30_000);
  }

  /** SIGTERM, then waits for the process to exit. */
  async stopNode(id: string): Promise<void> {
    await this.signalAndWait(this.node(id), 'SIGTERM');
  }

  /** SIGKILL: no cleanup at all. */
  async kill(id: string): Promise<void> {
    await this.signalAndWait(this.node(id), 'SIGKILL');
  }

  pause(id: string): void {
    this.node(id).proc?.kill('SIGSTOP');
  }

  resume(id: string): void {
    this.node(id).proc?.kill('SIGCONT');
  }

  /** Deletes a stopped node's data directory. */
  wipe(id: string): void {
    const n = this.node(id);
    if (n.proc !== null) throw new Error(`stop ${id} before wiping it`);
    rmSync(n.dataDir, { recursive: true, force: true });
  }

  /** Waits until each node answers status with state "serving". */
  async waitServing(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(ids);
    while (pending.size > 0) {
      for (const id of [...pending]) {
        if (await this.serving(id)) pending.delete(id);
      }
      if (pending.size === 0) return;
      if (Date.now() > deadline) throw new Error(`not serving after ${timeoutMs} ms: ${[...pending].join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Kills every node and removes the cluster's directory. */
  async destroy(): Promise<void> {
    for (const n of this.nodes) {
      if (n.proc !== null) {
        n.proc.kill('SIGCONT');
        // By record, not by id: an id may repeat (a node added under a departed or live id).
        await this.signalAndWait(n, 'SIGKILL');
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async serving(id: string): Promise<boolean> {
    let client: RingClient | null = null;
    try {
      client = await RingClient.connect({ seeds: [this.address(id)], timeoutMs: 1000 });
      const status = await client.status({ timeoutMs: 1000 });
      return status.members.find((m) => m.id === id)?.state === 'serving';
    } catch {
      return false;
    } finally {
      client?.close();
    }
  }

  private spawn(n: NodeProc): void {
    const o = this.options;
    const args = [
      BIN,
      'node',
      '--id',
      n.id,
      '--listen',
      n.address,
      '--data',
      n.dataDir,
      '--seeds',
      this.addresses.join(','),
      '--cluster',
      this.cluster,
      '--secret',
      this.secret,
      '--partitions',
      String(o.partitions ?? 64),
      '--replicas',
      String(o.replicas ?? 3),
      '--sync',
      o.sync ?? 'batch',
      '--log-level',
      'info',
      ...(o.extraArgs ?? []),
    ];
    // A restart on a vanished folder would silently start on empty data: say so instead.
    if (!existsSync(dirname(n.logFile))) throw new Error(`${n.id}: ${dirname(n.logFile)} was removed by someone else`);
    n.log = createWriteStream(n.logFile, { flags: 'a' });
    n.log.on('error', (err) => console.error(`${n.id} log: ${err.message}`));
    const [command, ...prefix] = [...(o.launcher?.(n.id) ?? []), process.execPath];
    const env = { ...process.env, ...(o.env?.(n.id) ?? {}) };
    const proc = spawn(command!, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    proc.stdout.pipe(n.log, { end: false });
    proc.stderr.pipe(n.log, { end: false });
    proc.once('exit', () => {
      if (n.proc === proc) n.proc = null;
    });
    n.proc = proc;
  }

  private async signalAndWait(n: NodeProc, signal: NodeJS.Signals): Promise<void> {
    const proc = n.proc;
    if (proc === null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill(signal);
    await exited;
    n.proc = null;
  }

  /** Whether node `id` has a running (possibly paused) process. */
  running(id: string): boolean {
    return this.node(id).proc !== null;
  }

  private node(id: string): NodeProc {
    const n = this.nodes.findLast((x) => x.id === id);
    if (n === undefined) throw new Error(`no node ${id}; nodes are ${this.ids.join(', ')}`);
    return n;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-2).join(' | ');
  } catch {
    return '(no log)';
  }
}
