/**
 * A Jepsen-style run on loopback processes (no root needed): the chaos workloads under a seeded
 * nemesis of kill -9, two nodes killed at once, SIGSTOP/SIGCONT and crash-restarts; then heal,
 * converge within 45 s, and check the history. The partition run is jepsen-partitions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/chaos/report.js';
import { runChaos } from '../../src/chaos/run.js';
import { ProcessCluster } from '../harness/process-cluster.js';
import { faultDataDir, jepsenSeconds, jepsenSeed, processTarget, writeReport } from '../jepsen/targets.js';

const SECONDS = jepsenSeconds(40);

describe('Jepsen-style run: process faults on loopback nodes', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 5, dir: faultDataDir() });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it(
    `loses no acknowledged write and converges within 45 s after ${SECONDS} s of kills, pauses and restarts`,
    async () => {
      const seed = jepsenSeed();
      const report = await runChaos(processTarget(cluster), {
        durationMs: SECONDS * 1000,
        seed,
        log: (line) => console.log(line),
      });
      console.log(`${renderReport(report)}\nreport: ${writeReport('processes', report)}`);
      const kinds = new Set(report.nemesis.map((e) => e.kind));
      expect(kinds.size).toBeGreaterThanOrEqual(2);
      expect(report.workloads.find((w) => w.workload === 'unique')?.acked).toBeGreaterThan(100);
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(true);
    },
    (SECONDS + 150) * 1000,
  );
});
