/** The test clusters as chaos targets, and where a run's JSON report goes. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosReport } from '../../src/chaos/report.js';
import type { ChaosTarget } from '../../src/chaos/target.js';
import type { NetnsCluster } from '../harness/netns-cluster.js';
import type { ProcessCluster } from '../harness/process-cluster.js';

/** Process faults on loopback nodes; no partitions (loopback links cannot be cut). */
export function processTarget(cluster: ProcessCluster): ChaosTarget {
  return {
    ids: cluster.ids,
    connect: () => cluster.client(),
    kill: (id) => cluster.kill(id),
    start: (id) => cluster.startNode(id),
    pause: async (id) => cluster.pause(id),
    resume: async (id) => cluster.resume(id),
  };
}

/** Process faults plus verified partitions on nodes in network namespaces. */
export function netnsTarget(cluster: NetnsCluster): ChaosTarget {
  return {
    ...processTarget(cluster.nodes),
    partition: (groups) => cluster.partition(groups),
    heal: () => cluster.heal(),
  };
}

/**
 * A folder for the clusters' data apart from the other suites' (`<tmp>/rkv-fault`), so that a
 * cleanup of their leftovers can never wipe a node's data in the middle of a run.
 */
export function faultDataDir(): string {
  const dir = join(tmpdir(), 'rkv-fault');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Seconds of faults: $RINGKV_JEPSEN_SECONDS, else `fallback`. */
export function jepsenSeconds(fallback: number): number {
  const raw = Number(process.env.RINGKV_JEPSEN_SECONDS);
  return Number.isFinite(raw) && raw > 0 ? raw : fallback;
}

/** The seed: $RINGKV_JEPSEN_SEED to replay a run, else a fresh one (printed with the report). */
export function jepsenSeed(): number {
  const raw = Number(process.env.RINGKV_JEPSEN_SEED);
  return Number.isSafeInteger(raw) && raw > 0 ? raw : 1 + Math.floor(Math.random() * 2 ** 31);
}

/** Writes the report as JSON under $RINGKV_JEPSEN_DIR (default <tmp>/ringkv-jepsen) and returns the path. */
export function writeReport(name: string, report: ChaosReport): string {
  const dir = process.env.RINGKV_JEPSEN_DIR ?? join(tmpdir(), 'ringkv-jepsen');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${report.runId}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
