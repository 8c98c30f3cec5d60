/** A throwaway 3-member etcd cluster on loopback for `bench:compare`, and etcd as a benchmark target. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchTarget, ServerProcess } from './workload.js';

/** How long the members get to elect a leader and answer. */
const ETCD_READY_TIMEOUT_MS = 30_000;
const ETCD_STOP_GRACE_MS = 5_000;

export interface EtcdCluster {
  readonly endpoints: readonly string[];
  readonly servers: readonly ServerProcess[];
  stop(): Promise<void>;
}

/** The etcd binary, installing Debian's etcd-server when it is missing (needs root). */
export function ensureEtcd(log: (line: string) => void): string {
  const which = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const found = which();
  if (found !== '') return found;
  log('etcd not found: installing the Debian package etcd-server (apt-get)');
  execFileSync('sh', ['-c', 'apt-get install -y etcd-server || (apt-get update && apt-get install -y etcd-server)'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = which();
  if (installed === '') throw new Error('etcd is still missing after installing etcd-server');
  return installed;
}

/** Starts members e1..e3 with client ports basePort+1..3 and peer ports basePort+11..13. */
export async function startEtcd(bin: string, dir: string, basePort: number): Promise<EtcdCluster> {
  const members = [1, 2, 3].map((i) => ({
    name: `e${i}`,
    client: `http://127.0.0.1:${basePort + i}`,
    peer: `http://127.0.0.1:${basePort + 10 + i}`,
    dir: join(dir, `e${i}`),
  }));
  const initial = members.map((m) => `${m.name}=${m.peer}`).join(',');
  const procs: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => stopProcess(p)));
  };
  try {
    for (const m of members) {
      mkdirSync(m.dir, { recursive: true });
      const log = openSync(join(m.dir, 'etcd.log'), 'a');
      const args = [
        ...['--name', m.name, '--data-dir', join(m.dir, 'data')],
        ...['--listen-client-urls', m.client, '--advertise-client-urls', m.client],
        ...['--listen-peer-urls', m.peer, '--initial-advertise-peer-urls', m.peer],
        ...[
          '--initial-cluster',
          initial,
          '--initial-cluster-state',
          'new',
          '--initial-cluster-token',
          `bench-${basePort}`,
        ],
        ...['--logger', 'zap', '--log-level', 'warn'],
      ];
      const p = spawn(bin, args, { stdio: ['ignore', log, log] });
      p.on('error', () => undefined);
      procs.push(p);
    }
    const endpoints = members.map((m) => m.client);
    await waitReady(endpoints);
    return {
      endpoints,
      servers: procs.map((p, i) => ({ id: members[i]!.name, pid: p.pid ?? 0 })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitReady(endpoints: readonly string[]): Promise<void> {
  const { Etcd3 } = await import('etcd3');
  const deadline = Date.now() + ETCD_READY_TIMEOUT_MS;
  for (;;) {
    const client = new Etcd3({ hosts: [...endpoints], dialTimeout: 1000 });
    try {
      await client.put('bench-ready').value('1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`etcd not ready after ${ETCD_READY_TIMEOUT_MS} ms: ${String(err)}`);
      await sleep(300);
    } finally {
      client.close();
    }
  }
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), ETCD_STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * etcd through the etcd3 client: a put is a linearizable, fsynced Raft write; a get is served
 * `serializable` (from the member's local state, without a quorum round) when asked.
 */
export async function etcdTarget(endpoints: readonly string[], serializable: boolean): Promise<BenchTarget> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({ hosts: [...endpoints] });
  return {
    system: 'etcd',
    read: (key) => client.get(key).serializable(serializable).buffer(),
    update: (key, value) => client.put(key).value(value).exec(),
    close: async () => client.close(),
  };
}
