import { describe, expect, it } from 'vitest';
import { PHI_DOWN, PHI_SUSPECT } from '../../src/common/limits.js';
import { FailureDetector } from '../../src/node/failure-detector.js';

/** Feeds regular heartbeats every `interval` ms from t = 0 to `until`. */
function regular(d: FailureDetector, id: string, interval: number, until: number): void {
  for (let t = 0; t <= until; t += interval) d.heartbeat(id, t);
}

describe('phi-accrual failure detector', () => {
  it('knows nothing of a peer it never heard from', () => {
    const d = new FailureDetector();
    expect(d.state('n2', 1000)).toBe('unknown');
    expect(d.phi('n2', 1000)).toBe(0);
  });

  it('keeps a regularly beating peer up, and suspicion grows with silence', () => {
    const d = new FailureDetector();
    regular(d, 'n2', 500, 10_000);
    expect(d.state('n2', 10_200)).toBe('up');
    const phis = [11_000, 12_000, 14_000, 20_000].map((t) => d.phi('n2', t));
    expect(phis).toEqual([...phis].sort((a, b) => a - b));
    expect(d.phi('n2', 20_000)).toBeGreaterThan(PHI_DOWN);
  });

  it('goes up -> suspect -> down as silence lengthens, and back up on a heartbeat', () => {
    const d = new FailureDetector();
    regular(d, 'n2', 500, 5000);
    let t = 5000;
    const seen: string[] = [];
    while (d.state('n2', t) !== 'down') {
      const s = d.state('n2', t);
      if (seen.at(-1) !== s) seen.push(s);
      t += 100;
    }
    expect(seen).toEqual(['up', 'suspect']);
    expect(d.phi('n2', t)).toBeGreaterThanOrEqual(PHI_DOWN);
    d.heartbeat('n2', t);
    expect(d.state('n2', t + 10)).toBe('up');
  });

  it('adapts to the heartbeat rate: slower heartbeats tolerate longer silences', () => {
    const fast = new FailureDetector();
    const slow = new FailureDetector();
    regular(fast, 'x', 200, 20_000);
    regular(slow, 'x', 1000, 20_000);
    expect(fast.phi('x', 22_000)).toBeGreaterThan(slow.phi('x', 22_000));
    expect(slow.phi('x', 22_000)).toBeLessThan(PHI_SUSPECT);
  });

  it('marks a refused peer down at once, and a timed-out one suspect, until it shows life', () => {
    const d = new FailureDetector();
    regular(d, 'n2', 500, 5000);
    d.unreachable('n2', 5100);
    expect(d.state('n2', 5100)).toBe('down');
    d.success('n2', 5200);
    expect(d.state('n2', 5200)).toBe('up');
    d.timedOut('n2', 5300);
    expect(d.state('n2', 5300)).toBe('suspect');
    d.heartbeat('n2', 5400);
    expect(d.state('n2', 5400)).toBe('up');
  });
});
