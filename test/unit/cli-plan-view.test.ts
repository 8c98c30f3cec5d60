import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/cli/output.js';
import {
  PLAN_MOVES_SHOWN_MAX,
  planHeader,
  renderOwnerMoves,
  renderPlan,
  renderReplicaSummary,
} from '../../src/cli/plan-view.js';
import type { ChangePlanResult } from '../../src/client/types.js';

const ANSI_ESCAPE = '\u001b[';

// n6 joins a 5-node cluster of Q=16: it takes 2 partitions, and 4 replica sets change.
const join: ChangePlanResult = {
  kind: 'join',
  nodeId: 'n6',
  address: '127.0.0.1:7106',
  epoch: 3,
  committed: false,
  stagedEpoch: 0,
  ownerMoves: [
    { partition: 4, from: 'n5', to: 'n6' },
    { partition: 12, from: 'n3', to: 'n6' },
  ],
  replicaMoves: [
    { partition: 2, gains: ['n6'], losses: ['n5'], known: true, keys: 100, bytes: 2048 },
    { partition: 3, gains: ['n6'], losses: ['n1'], known: true, keys: 50, bytes: 1024 },
    { partition: 4, gains: ['n6'], losses: ['n2'], known: false, keys: 0, bytes: 0 },
    { partition: 12, gains: ['n6'], losses: ['n5'], known: true, keys: 10, bytes: 512 },
  ],
  balance: [
    { nodeId: 'n1', before: 4, after: 4 },
    { nodeId: 'n2', before: 3, after: 3 },
    { nodeId: 'n3', before: 3, after: 2 },
    { nodeId: 'n4', before: 3, after: 3 },
    { nodeId: 'n5', before: 3, after: 2 },
    { nodeId: 'n6', before: 0, after: 2 },
  ],
  copies: 4,
  keys: 160,
  bytes: 3584,
  unknownPartitions: 1,
};

describe('plan view', () => {
  it('says whether anything changed in the header', () => {
    expect(planHeader(join)).toBe('join n6 (127.0.0.1:7106) at epoch 3: dry run, nothing changed');
    expect(planHeader({ ...join, committed: true, stagedEpoch: 4 })).toBe(
      'join n6 (127.0.0.1:7106) at epoch 3: staged as epoch 4',
    );
    expect(planHeader({ ...join, kind: 'leave', nodeId: 'n2', address: '' })).toBe(
      'leave n2 at epoch 3: dry run, nothing changed',
    );
  });

  it('lists the partitions changing owner out of Q', () => {
    const text = renderOwnerMoves(join);
    expect(text.split('\n')[0]).toBe('2 of 16 partitions change owner:');
    expect(text).toMatch(/│ +4 │ n5 +│ n6 │/);
    expect(text).toMatch(/│ +12 │ n3 +│ n6 │/);
    expect(text).not.toContain('more');
    expect(renderOwnerMoves({ ...join, ownerMoves: [] })).toBe('no partition changes owner');
  });

  it('shows the first moves only when there are many, and counts the rest', () => {
    const many = Array.from({ length: PLAN_MOVES_SHOWN_MAX + 8 }, (_, p) => ({ partition: p, from: 'n1', to: 'n6' }));
    const text = renderOwnerMoves({ ...join, ownerMoves: many });
    const rows = text.split('\n').filter((line) => /^│ +\d+ │/.test(line));
    expect(rows).toHaveLength(PLAN_MOVES_SHOWN_MAX);
    expect(rows.at(-1)).toMatch(new RegExp(`│ +${PLAN_MOVES_SHOWN_MAX - 1} │`));
    expect(text.split('\n').at(-1)).toBe('… and 8 more (--json lists them all)');
  });

  it('summarises the copies, their size and the partitions of unknown size', () => {
    const lines = renderReplicaSummary(join).split('\n');
    expect(lines[0]).toBe(
      'replica copies: 4 to make over 4 partitions whose replicas change; 160 keys, 3.5 KiB to send ' +
        '(size unknown for 1 partition)',
    );
    expect(lines[1]).toBe('  copies received: n6 4');
    expect(lines[2]).toBe('  copies dropped once the change completes: n5 2, n1 1, n2 1');
    expect(renderReplicaSummary({ ...join, unknownPartitions: 0 })).not.toContain('unknown');
  });

  it('renders the whole plan with the balance before and after, without colors when asked', () => {
    const text = renderPlan(join, { color: false });
    expect(text).not.toContain(ANSI_ESCAPE);
    expect(text.split('\n')[0]).toBe(planHeader(join));
    expect(text).toMatch(/node +│ partitions before │ after │ change/);
    expect(text).toMatch(/│ n3 +│ +3 │ +2 │ +-1 │/);
    expect(text).toMatch(/│ n1 +│ +4 │ +4 │ +0 │/);
    expect(text).toMatch(/│ n6 +│ +0 │ +2 │ +\+2 │/);
    expect(text.indexOf('change owner')).toBeLessThan(text.indexOf('replica copies'));
    expect(text.indexOf('replica copies')).toBeLessThan(text.indexOf('balance:'));
    expect(renderPlan(join, { color: true })).toContain(ANSI_ESCAPE);
  });
});

describe('byte counts', () => {
  it('use binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(5 * 2 ** 30)).toBe('5.0 GiB');
    expect(formatBytes(3 * 2 ** 50)).toBe('3072.0 TiB');
  });
});
