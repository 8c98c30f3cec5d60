/**
 * The Jepsen-style run with real partitions (Linux, root): nodes in their own network namespaces,
 * a seeded nemesis mixing kill -9, pauses, crash-restarts, halves, an isolated node and a bridge,
 * every cut verified before the run relies on it; then heal, converge within 45 s and check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTITION_FAULTS, PROCESS_FAULTS } from '../../src/chaos/nemesis.js';
import { renderReport } from '../../src/chaos/report.js';
import { runChaos } from '../../src/chaos/run.js';
import { NetnsCluster } from '../harness/netns-cluster.js';
import { netnsUnavailable, requireOrSkip } from '../harness/requirements.js';
import { faultDataDir, jepsenSeconds, jepsenSeed, netnsTarget, writeReport } from '../jepsen/targets.js';

const SECONDS = jepsenSeconds(120);
const available = requireOrSkip('network namespaces (root, ip, iptables)', await netnsUnavailable());

describe.runIf(available)('Jepsen-style run: partitions and process faults in network namespaces', () => {
  let cluster: NetnsCluster;

  beforeAll(async () => {
    cluster = await NetnsCluster.start({ nodes: 5, dir: faultDataDir() });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it(
    `loses no acknowledged write and converges within 45 s after ${SECONDS} s of faults`,
    async () => {
      const report = await runChaos(netnsTarget(cluster), {
        durationMs: SECONDS * 1000,
        seed: jepsenSeed(),
        log: (line) => console.log(line),
      });
      console.log(`${renderReport(report)}\nreport: ${writeReport('partitions', report)}`);
      const kinds = report.nemesis.map((e) => e.kind as string);
      if (SECONDS >= 60) {
        expect(kinds.some((k) => (PARTITION_FAULTS as readonly string[]).includes(k))).toBe(true);
        expect(kinds.some((k) => (PROCESS_FAULTS as readonly string[]).includes(k))).toBe(true);
      }
      expect(report.workloads.find((w) => w.workload === 'unique')?.acked).toBeGreaterThan(100);
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(true);
    },
    (SECONDS + 180) * 1000,
  );
});
