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
});
