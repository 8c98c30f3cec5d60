/**
 * The chaos checker and nemesis plan on hand-made histories (no cluster): a checker that could
 * not fail would prove nothing, so each violation it exists for is shown to be caught.
 */
import { describe, expect, it } from 'vitest';
import { checkWorkload, type FinalRead } from '../../src/chaos/checker.js';
import type { Convergence } from '../../src/chaos/converge.js';
import { classifyWriteError, type Op } from '../../src/chaos/history.js';
import { PARTITION_FAULTS, planNemesis } from '../../src/chaos/nemesis.js';
import { Random } from '../../src/chaos/random.js';
import { verdict } from '../../src/chaos/report.js';
import { TimeoutError, UnavailableError } from '../../src/client/index.js';
import { InvalidArgumentError } from '../../src/common/errors.js';

function op(workload: Op['workload'], key: string, value: string, outcome: Op['outcome']): Op {
  return { workload, key, value, level: 'quorum', invokedMs: 0, completedMs: 1, outcome };
}

function reads(entries: Record<string, string[]>): Map<string, FinalRead> {
  return new Map(
    Object.entries(entries).map(([k, v]) => [k, { values: v.map((s) => Buffer.from(s)), repaired: false }]),
  );
}

const converged: Convergence = { converged: true, ms: 100, hintsPending: 0, trees: 'equal', unmet: [] };
const agreed = { keys: 1, divergentAtFirstRead: 0, stillDivergent: 0, unreadable: 0 };

describe('chaos checker', () => {
  it('passes a history whose acked values are all present and nothing else is', () => {
    const ops = [op('unique', 'a', 'va', 'ok'), op('unique', 'b', 'vb', 'info'), op('unique', 'c', 'vc', 'fail')];
    const v = checkWorkload('unique', ops, reads({ a: ['va'], b: [], c: [] }));
    expect(v).toMatchObject({
      attempted: 3,
      acked: 1,
      indeterminate: 1,
      failed: 1,
      lost: 0,
      neverWritten: 0,
      failedVisible: 0,
    });
    expect(verdict([v], converged, agreed).passed).toBe(true);
  });

  it('catches a lost acknowledged write, a value never written and a definitely-failed write made visible', () => {
    const ops = [op('unique', 'a', 'va', 'ok'), op('unique', 'b', 'vb', 'ok'), op('unique', 'c', 'vc', 'fail')];
    const v = checkWorkload('unique', ops, reads({ a: [], b: ['vb', 'forged'], c: ['vc'] }));
    expect(v).toMatchObject({ lost: 1, neverWritten: 1, failedVisible: 1 });
    const result = verdict([v], converged, agreed);
    expect(result.passed).toBe(false);
    expect(result.failures.join('\n')).toContain('1 acknowledged writes lost');
  });

  it('holds hot-key siblings between the acked and the attempted values', () => {
    const ops = [op('hot', 'h', 'x', 'ok'), op('hot', 'h', 'y', 'info'), op('hot', 'h', 'z', 'ok')];
    expect(checkWorkload('hot', ops, reads({ h: ['x', 'y', 'z'] }))).toMatchObject({
      lost: 0,
      neverWritten: 0,
      siblingsMax: 3,
    });
    expect(checkWorkload('hot', ops, reads({ h: ['x', 'y'] }))).toMatchObject({ lost: 1 });
    expect(checkWorkload('hot', ops, reads({ h: ['x', 'z', 'w'] }))).toMatchObject({ neverWritten: 1 });
  });

  it('merges set elements across siblings, and counts a sibling that is not a set as never written', () => {
    const ops = [op('set', 's', 'e1', 'ok'), op('set', 's', 'e2', 'ok')];
    expect(checkWorkload('set', ops, reads({ s: ['["e1"]', '["e2"]'] }))).toMatchObject({ lost: 0, neverWritten: 0 });
    expect(checkWorkload('set', ops, reads({ s: ['["e1"]', 'garbage'] }))).toMatchObject({ lost: 1, neverWritten: 1 });
  });

  it('fails a run that did not converge or whose replicas still disagree', () => {
    const v = checkWorkload('unique', [], reads({}));
    expect(verdict([v], { ...converged, converged: false, unmet: ['3 hints pending'] }, agreed).passed).toBe(false);
    expect(verdict([v], converged, { ...agreed, stillDivergent: 2 }).passed).toBe(false);
  });

  it('counts TIMEOUT and UNAVAILABLE writes as indeterminate, INVALID_ARGUMENT as failed', () => {
    expect(classifyWriteError(new TimeoutError('t')).outcome).toBe('info');
    expect(classifyWriteError(new UnavailableError('u')).outcome).toBe('info');
    expect(classifyWriteError(new Error('socket')).outcome).toBe('info');
    expect(classifyWriteError(new InvalidArgumentError('key', 'bad')).outcome).toBe('fail');
  });
});

describe('nemesis plan', () => {
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];

  it('is the same for the same seed, and stays inside the run with quiet ends', () => {
    const a = planNemesis(new Random(7), ids, 120_000, true);
    expect(planNemesis(new Random(7), ids, 120_000, true)).toEqual(a);
    expect(a.length).toBeGreaterThanOrEqual(6);
    for (const f of a) {
      expect(f.atMs).toBeGreaterThanOrEqual(5_000);
      expect(f.atMs + f.holdMs).toBeLessThanOrEqual(115_000);
    }
  });

  it('uses partitions only when the target can cut links, and cuts every node into a group or the bridge', () => {
    const noCuts = planNemesis(new Random(3), ids, 300_000, false);
    expect(noCuts.some((f) => (PARTITION_FAULTS as readonly string[]).includes(f.kind))).toBe(false);
    for (const f of planNemesis(new Random(3), ids, 300_000, true).filter((x) => x.groups.length > 0)) {
      expect([...f.groups.flat(), ...f.nodes].sort()).toEqual(ids);
    }
  });
});
