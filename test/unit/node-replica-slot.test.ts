import { describe, expect, it } from 'vitest';
import { SLOPPY_AFTER_MS } from '../../src/common/limits.js';
import type { PeerRequest } from '../../src/node/env.js';
import { FailureDetector } from '../../src/node/failure-detector.js';
import type { Outcome } from '../../src/node/quorum.js';
import { type Attempt, FallbackPicker, fillSlot } from '../../src/node/replica-slot.js';
import { manualClock } from './manual-clock.js';

/** A manual clock and a scripted network: each node answers ok, fails, or stays silent. */
function harness(behaviour: Record<string, 'ok' | 'fail' | 'silent'>) {
  const { clock, advance: tick } = manualClock();
  const sent: { to: string; forNode: string }[] = [];
  const attempts: Attempt<string>[] = [];
  const send = (to: string, req: PeerRequest): Promise<Outcome<string>> => {
    sent.push({ to, forNode: req.type === 'replicaPut' ? req.forNode : '' });
    const b = behaviour[to] ?? 'ok';
    if (b === 'silent') return new Promise(() => {});
    return Promise.resolve(
      b === 'ok'
        ? { nodeId: to, role: 'primary', ok: true, value: to }
        : { nodeId: to, role: 'primary', ok: false, code: 'UNAVAILABLE', error: 'refused' },
    );
  };
  const detector = new FailureDetector();
  const advance = async (ms: number) => {
    tick(ms);
    await new Promise((r) => setImmediate(r));
  };
  const deps = { clock, detector, send, onAttempt: (a: Attempt<string>) => attempts.push(a) };
  const request = (forNode: string): PeerRequest => ({
    type: 'replicaPut',
    key: Buffer.from('k'),
    state: Buffer.from('s'),
    forNode,
  });
  return { clock, detector, deps, sent, attempts, advance, request };
}

describe('sloppy quorum slots', () => {
  it('uses the primary alone when it answers', async () => {
    const h = harness({});
    const o = await fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4', 'n5'], h.detector, h.clock), false);
    expect(o).toMatchObject({ nodeId: 'n2', role: 'primary', ok: true });
    expect(h.sent).toEqual([{ to: 'n2', forNode: '' }]);
  });

  it('sends a hinted copy to the next fallback when the primary fails', async () => {
    const h = harness({ n2: 'fail' });
    const o = await fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4', 'n5'], h.detector, h.clock), false);
    expect(o).toMatchObject({ nodeId: 'n4', role: 'fallback', forNode: 'n2', ok: true });
    expect(h.sent).toEqual([
      { to: 'n2', forNode: '' },
      { to: 'n4', forNode: 'n2' },
    ]);
  });

  it('skips a primary the detector says is down', async () => {
    const h = harness({});
    h.detector.unreachable('n2', 0);
    const o = await fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4'], h.detector, h.clock), false);
    expect(o.role).toBe('fallback');
    expect(h.sent.map((s) => s.to)).toEqual(['n4']);
  });

  it('adds a fallback when the primary is silent for SLOPPY_AFTER_MS', async () => {
    const h = harness({ n2: 'silent' });
    const slot = fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4'], h.detector, h.clock), false);
    await h.advance(SLOPPY_AFTER_MS - 1);
    expect(h.sent.map((s) => s.to)).toEqual(['n2']);
    await h.advance(1);
    expect(await slot).toMatchObject({ nodeId: 'n4', role: 'fallback', forNode: 'n2' });
    expect(h.attempts.map((a) => [a.nodeId, a.outcome?.ok])).toEqual([
      ['n2', undefined],
      ['n4', true],
    ]);
  });

  it('gives each fallback to one slot only, and skips down fallbacks', async () => {
    const h = harness({ n2: 'fail', n3: 'fail' });
    h.detector.unreachable('n4', 0);
    const picker = new FallbackPicker(['n4', 'n5', 'n6'], h.detector, h.clock);
    const [a, b] = await Promise.all([
      fillSlot(h.deps, 'n2', h.request, picker, false),
      fillSlot(h.deps, 'n3', h.request, picker, false),
    ]);
    expect([a.nodeId, b.nodeId].sort()).toEqual(['n5', 'n6']);
  });

  it('fails when the primary and every fallback fail', async () => {
    const h = harness({ n2: 'fail', n4: 'fail' });
    const o = await fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4'], h.detector, h.clock), false);
    expect(o.ok).toBe(false);
  });

  it('in strict mode never uses a fallback', async () => {
    const h = harness({ n2: 'fail' });
    const o = await fillSlot(h.deps, 'n2', h.request, new FallbackPicker(['n4'], h.detector, h.clock), true);
    expect(o).toMatchObject({ nodeId: 'n2', ok: false });
    expect(h.sent.map((s) => s.to)).toEqual(['n2']);
  });
});
