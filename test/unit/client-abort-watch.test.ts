/** The SDK's AbortSignal watching: one listener per signal however many requests share it. */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchAbort } from '../../src/client/abort-watch.js';

describe('watchAbort', () => {
  it('hangs one listener on a signal shared by many requests and calls each of them on abort', () => {
    const ac = new AbortController();
    const called: number[] = [];
    for (let i = 0; i < 1000; i++) watchAbort(ac.signal, () => called.push(i));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    expect(called).toHaveLength(1000);
    expect(new Set(called).size).toBe(1000);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('removes the listener with the last watcher, and calls no cancelled watcher', () => {
    const ac = new AbortController();
    const called: string[] = [];
    const stopA = watchAbort(ac.signal, () => called.push('a'));
    const stopB = watchAbort(ac.signal, () => called.push('b'));
    stopA();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    stopB();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    // Watching again after the set emptied works as from scratch.
    watchAbort(ac.signal, () => called.push('c'));
    ac.abort();
    expect(called).toEqual(['c']);
  });

  it('counts the same callback watched twice as two registrations', () => {
    const ac = new AbortController();
    let calls = 0;
    const cb = () => calls++;
    const stop = watchAbort(ac.signal, cb);
    watchAbort(ac.signal, cb);
    stop();
    ac.abort();
    expect(calls).toBe(1);
  });
});
