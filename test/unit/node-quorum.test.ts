import { describe, expect, it } from 'vitest';
import { awaitQuorum, type Outcome, type QuorumCall } from '../../src/node/quorum.js';
import { manualClock } from './manual-clock.js';

function deferred(nodeId: string) {
  let settle!: (o: Outcome<string>) => void;
  const outcome = new Promise<Outcome<string>>((r) => {
    settle = r;
  });
  const call: QuorumCall<string> = { nodeId, role: 'primary', outcome };
  return {
    call,
    ok: () => settle({ nodeId, role: 'primary', ok: true, value: nodeId }),
    fail: () => settle({ nodeId, role: 'primary', ok: false, code: 'UNAVAILABLE', error: 'down' }),
  };
}

describe('awaitQuorum', () => {
  it('resolves as soon as the required replies succeeded, without waiting for the rest', async () => {
    const { clock } = manualClock();
    const [a, b, c] = ['a', 'b', 'c'].map(deferred);
    const result = awaitQuorum(clock, [a!.call, b!.call, c!.call], 2, 1000);
    a!.ok();
    b!.ok();
    const r = await result;
    expect(r.met).toBe(true);
    expect(r.settled.map((o) => o.nodeId)).toEqual(['a', 'b']);
    expect(r.outstanding).toEqual(['c']);
  });

  it('gives up as soon as success is impossible', async () => {
    const { clock } = manualClock();
    const [a, b, c] = ['a', 'b', 'c'].map(deferred);
    const result = awaitQuorum(clock, [a!.call, b!.call, c!.call], 3, 1000);
    b!.fail();
    const r = await result;
    expect(r.met).toBe(false);
    expect(r.timedOut).toBe(false);
    expect(r.settled.map((o) => o.nodeId)).toEqual(['b']);
  });

  it('times out at the deadline with the silent replicas listed', async () => {
    const { clock, advance } = manualClock();
    const [a, b] = ['a', 'b'].map(deferred);
    const result = awaitQuorum(clock, [a!.call, b!.call], 2, 500);
    a!.ok();
    await Promise.resolve();
    advance(500);
    const r = await result;
    expect(r).toMatchObject({ met: false, timedOut: true, outstanding: ['b'] });
  });

  it('cannot be met with fewer calls than required', async () => {
    const { clock } = manualClock();
    const r = await awaitQuorum(clock, [deferred('a').call], 2, 500);
    expect(r.met).toBe(false);
  });
});
