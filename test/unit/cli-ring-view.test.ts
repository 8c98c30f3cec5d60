import { describe, expect, it } from 'vitest';
import { renderRing, renderWhere, ringBalance, ringJson } from '../../src/cli/ring-view.js';
import type { Ring } from '../../src/ring/index.js';

const ring: Ring = {
  cluster: 'c',
  epoch: 4,
  q: 8,
  n: 2,
  members: [
    { id: 'n1', address: 'h:1' },
    { id: 'n2', address: 'h:2' },
    { id: 'n3', address: 'h:3' },
  ],
  owners: ['n1', 'n2', 'n1', 'n2', 'n1', 'n2', 'n1', 'n1'],
};

describe('ring view', () => {
  it('counts partitions per member, including members owning none', () => {
    const balance = ringBalance(ring);
    expect(balance.counts.map((c) => [c.id, c.partitions])).toEqual([
      ['n1', 5],
      ['n2', 3],
      ['n3', 0],
    ]);
    expect(balance).toMatchObject({ min: 0, max: 5 });
    expect(balance.ideal).toBeCloseTo(8 / 3);
  });

  it('renders members, shares and the spread', () => {
    const text = renderRing(ring, { color: false });
    expect(text.split('\n')[0]).toBe('cluster c  epoch 4  N=2  Q=8  members 3');
    expect(text).toMatch(/n1 .*h:1 .*5 .*62\.5% .*\+2\.3/);
    expect(text).toMatch(/n3 .*0 .*0\.0% .*-2\.7/);
    expect(text).toContain('balance: min 0, max 5, ideal 2.7 (spread 5)');
    expect(JSON.parse(JSON.stringify(ringJson(ring)))).toMatchObject({ epoch: 4, balance: { min: 0, max: 5 } });
  });

  it('renders a key placement in preference-list order', () => {
    const text = renderWhere('user:1', 5, [
      { nodeId: 'n2', address: 'h:2', role: 'primary' },
      { nodeId: 'n3', address: 'h:3', role: 'fallback' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('key "user:1"  partition 5');
    expect(text.indexOf('n2')).toBeLessThan(text.indexOf('n3'));
    expect(text).toMatch(/1 .*n2 .*h:2 .*primary/);
    expect(text).toMatch(/2 .*n3 .*h:3 .*fallback/);
  });
});
