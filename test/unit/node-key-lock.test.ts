import { describe, expect, it } from 'vitest';
import { KeyLock } from '../../src/node/key-lock.js';

describe('KeyLock', () => {
  it('runs sections on one key one at a time, in arrival order', async () => {
    const lock = new KeyLock();
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} out`);
    };
    await Promise.all([lock.with('k', section('a')), lock.with('k', section('b')), lock.with('k', section('c'))]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(lock.size).toBe(0);
  });

  it('tells whether a key has a section running or waiting', async () => {
    const lock = new KeyLock();
    let release!: () => void;
    const held = lock.with('k', () => new Promise<void>((r) => (release = r)));
    const queued = lock.with('k', async () => {});
    expect(lock.busy('k')).toBe(true);
    expect(lock.busy('other')).toBe(false);
    release();
    await held;
    expect(lock.busy('k')).toBe(true); // the queued section has not finished yet
    await queued;
    expect(lock.busy('k')).toBe(false);
  });

  it('lets different keys proceed concurrently', async () => {
    const lock = new KeyLock();
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} out`);
    };
    await Promise.all([lock.with('x', section('x')), lock.with('y', section('y'))]);
    expect(log.slice(0, 2).sort()).toEqual(['x in', 'y in']);
  });

  it('releases the key when a section throws', async () => {
    const lock = new KeyLock();
    await expect(lock.with('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.with('k', async () => 42)).toBe(42);
    expect(lock.size).toBe(0);
  });

  it('starts an uncontended section at once, and releases the key when a section throws synchronously', async () => {
    const lock = new KeyLock();
    let started = false;
    const running = lock.with('k', async () => {
      started = true;
      return 1;
    });
    expect(started).toBe(true);
    expect(await running).toBe(1);
    const thrower = (): Promise<number> => {
      throw new Error('sync boom');
    };
    await expect(lock.with('k', thrower)).rejects.toThrow('sync boom');
    expect(lock.size).toBe(0);
    expect(await lock.with('k', async () => 2)).toBe(2);
  });

  it('keeps a long queue in arrival order and never runs two sections of a key at once', async () => {
    const lock = new KeyLock();
    const order: number[] = [];
    let inside = 0;
    let most = 0;
    const all = Array.from({ length: 500 }, (_, i) =>
      lock.with('hot', async () => {
        inside++;
        most = Math.max(most, inside);
        await Promise.resolve();
        order.push(i);
        inside--;
        if (i % 7 === 0) throw new Error(`section ${i}`);
        return i;
      }),
    );
    const settled = await Promise.allSettled(all);
    expect(order).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(most).toBe(1);
    expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(72);
    expect(lock.size).toBe(0);
  });
});
